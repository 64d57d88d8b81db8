package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import java.time.Duration;

/**
 * The directory could not be reached for longer than the crawl waits for it ({@link
 * LdapSettings#reconnectFor()}): an outage past the budget, not a passing restart. Thrown by
 * {@link OrgChartSource#open()}, it fails the crawl; its cause is the last failure to connect.
 */
public final class DirectoryUnreachableException extends Exception {
  private static final long serialVersionUID = 1L;

  DirectoryUnreachableException(Duration budget, LDAPException last) {
    super("the directory has not answered for " + seconds(budget) + ", longer than a crawl waits for it to come back: "
        + last.getMessage(), last);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }
}
