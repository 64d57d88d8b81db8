package dev.crawler.cli.ldap;

import dev.crawler.cli.common.UserError;
import dev.crawler.cli.kafka.KafkaRun;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.ldap.LdapSettings;
import dev.crawler.ldap.LdapSettingsCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code crawl ldap}'s source as a {@link CrawlSpec}: what a process that joins a crawl over Kafka
 * needs to reach the same directory and read the same chart. Never the password: each process gives
 * its own (the demo's is no secret, and the spec says when it is the demo).
 */
public final class LdapSpec {
  public static final String KIND = "ldap";

  private LdapSpec() {}

  static CrawlSpec of(LdapSettings s, boolean demo) {
    List<String> a = new ArrayList<>();
    a.add("starter-host=" + KafkaRun.hostName());
    a.add("demo=" + demo);
    a.addAll(LdapSettingsCodec.encode(s));
    return new CrawlSpec(KIND, a);
  }

  /**
   * Refuses to join a crawl whose directory this process would not reach as the starter did: one
   * named by a loopback address (localhost, 127.0.0.1, ::1, the demo's) from another machine would
   * be this machine's directory, another chart or none. Other host names are resolved by each
   * process; a spec from before the starter's machine was recorded is not checked.
   *
   * @throws UserError naming the directory and both machines
   */
  public static void checkDirectory(CrawlSpec spec, String crawlId) throws UserError {
    String starter = null;
    String host = null;
    String port = null;
    for (String argument : spec.arguments()) {
      int eq = argument.indexOf('=');
      switch (argument.substring(0, eq)) {
        case "starter-host" -> starter = argument.substring(eq + 1);
        case "host" -> host = argument.substring(eq + 1);
        case "port" -> port = argument.substring(eq + 1);
        default -> {}
      }
    }
    String here = KafkaRun.hostName();
    if (starter != null && host != null && !starter.equals(here) && loopback(host)) {
      throw new UserError(
          "cannot join the crawl "
              + crawlId
              + ": its directory is "
              + host
              + ":"
              + port
              + " on the"
              + " starter's machine ("
              + starter
              + "), and this is "
              + here
              + ": run crawl join there, or start the crawl"
              + " with a host name the other machines reach");
    }
  }

  private static boolean loopback(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.startsWith("127.")
        || h.equals("::1")
        || h.equals("[::1]")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  /**
   * What a joining process needs to give: the bind password, unless the spec binds anonymously or
   * to the demo.
   */
  public interface Password {
    char[] forBind(String bindDn) throws UserError;
  }

  /**
   * The settings the spec describes, bound with {@code password} (not asked for the demo or
   * anonymously).
   */
  public static LdapSettings settings(CrawlSpec spec, Password password, char[] demoPassword)
      throws UserError {
    boolean demo = false;
    List<String> settings = new ArrayList<>();
    for (String argument : spec.arguments()) {
      if (argument.startsWith("demo=")) {
        demo = Boolean.parseBoolean(argument.substring("demo=".length()));
      } else if (!argument.startsWith("starter-host=")) { // see checkDirectory
        settings.add(argument);
      }
    }
    boolean isDemo = demo;
    char[][] given = new char[1][];
    try {
      return LdapSettingsCodec.decode(
          settings, bindDn -> given[0] = isDemo ? demoPassword : password.forBind(bindDn));
    } catch (LdapSettingsCodec.UnknownSettingException e) {
      throw new UserError("this crawl was started by a newer crawl: '" + e.key() + "'");
    } finally {
      if (given[0] != null && given[0] != demoPassword) {
        Arrays.fill(given[0], '\0'); // the settings keep their own copy
      }
    }
  }
}
