package dev.crawler.cli.kafka;

import com.unboundid.ldap.sdk.LDAPException;
import dev.crawler.cli.common.UserError;
import dev.crawler.cli.ldap.DirectoryOptions;
import dev.crawler.cli.ldap.LdapSpec;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.ldap.LdapSettings;
import dev.crawler.ldap.OrgChartSource;
import dev.crawler.ldap.demo.DemoDirectory;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import picocli.CommandLine.Option;

/**
 * How a process that takes part in someone else's crawl of a directory ({@code crawl join}, {@code
 * crawl attach}) binds: the spec says where and as whom, never with which password, so each process
 * gives its own, one way. A picocli mixin; confined to the command's thread.
 */
final class SpecDirectoryAccess {
  @Option(
      names = {"-y", "--password-file"},
      paramLabel = "FILE",
      description = "For a crawl of a directory: read the bind password from FILE.")
  Path passwordFile;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description =
          "For a crawl of a directory: read the bind password from environment variable VAR.")
  String passwordEnv;

  @Option(
      names = {"-W", "--ask-password"},
      description = "For a crawl of a directory: prompt for the bind password.")
  boolean askPassword;

  /** Refuses a password given more than one way, before anything is asked of a broker. */
  void checkOneWay() throws UserError {
    if ((passwordFile != null ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (askPassword ? 1 : 0)
        > 1) {
      throw new UserError(
          "give the password one way: -y FILE, --password-env VAR or -W, not several");
    }
  }

  /** The directory the crawl reads, bound with this process's own password (the spec has none). */
  OrgChartSource source(CrawlSpec crawl) throws UserError {
    DirectoryOptions password = new DirectoryOptions();
    password.passwordFile = passwordFile;
    password.passwordEnv = passwordEnv;
    password.askPassword = askPassword;
    LdapSettings settings =
        LdapSpec.settings(
            crawl,
            bindDn -> {
              password.bindDn = bindDn;
              return password.password();
            },
            DemoDirectory.CRAWLER_PASSWORD.toCharArray());
    try {
      return OrgChartSource.of(settings);
    } catch (GeneralSecurityException e) {
      throw new UserError(
          "cannot read the CA file " + settings.caFile() + ": " + e.getMessage(), e);
    } catch (LDAPException e) {
      throw new UserError(DirectoryOptions.explain(e, settings), e);
    }
  }
}
