package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import java.time.Duration;

/**
 * The directory could not be reached for longer than the crawl waits for it ({@link
 * LdapSettings#reconnectFor()}): an outage past the budget, not a passing restart. Thrown by {@link
 * OrgChartSource#open()}, it fails the crawl; its cause is the last failure to connect.
 */
public final class DirectoryUnreachableException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param servers where the directory was looked for, as a person reads it
   * @param last the last failure to connect
   */
  DirectoryUnreachableException(Duration budget, String servers, LDAPException last) {
    super(
        "the directory at "
            + servers
            + " has not answered for "
            + seconds(budget)
            + ", longer than a crawl waits for it to come back ("
            + reason(last)
            + ")",
        last);
  }

  /** The innermost cause's message, without the SDK's wrapping: "Connection refused". */
  private static String reason(Throwable failure) {
    Throwable inner = failure;
    while (inner.getCause() != null && inner.getCause() != inner) {
      inner = inner.getCause();
    }
    String text = inner.getMessage();
    return text == null || text.isBlank() ? inner.getClass().getSimpleName() : text;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }
}
