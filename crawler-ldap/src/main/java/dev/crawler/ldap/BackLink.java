package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.RootDSE;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which back-link to reports a crawl reads with each person: the attribute the settings
 * name, else {@code directReports} when the root DSE says the server is Active Directory, else
 * none. Decided once, before a source is built, so the source never changes afterwards.
 */
final class BackLink {
  private static final Logger log = LoggerFactory.getLogger(BackLink.class);
  /** Active Directory's capability in {@code supportedCapabilities} of the root DSE. */
  static final String ACTIVE_DIRECTORY_OID = "1.2.840.113556.1.4.800";

  private BackLink() {}

  /**
   * The back-link attribute, or {@code null}; connects only when the settings name none.
   *
   * @throws LDAPException if the server cannot be reached or refuses the bind
   */
  static String decide(LdapSettings settings, Connector connector, LdapCounters counters) throws LDAPException {
    String link = settings.reportsAttribute();
    if (link == null) {
      LDAPConnection connection = connector.open();
      try {
        link = fromRootDse(connection, counters);
      } finally {
        connection.close();
      }
    }
    log.debug("back-link to reports: {}", link == null ? "none" : link);
    return link;
  }

  private static String fromRootDse(LDAPConnection connection, LdapCounters counters) throws LDAPException {
    counters.operations.increment();
    RootDSE dse;
    try {
      dse = connection.getRootDSE();
    } catch (LDAPSearchException e) {
      if (LdapFailures.breaksConnection(e)) {
        throw e;
      }
      log.debug("the root DSE cannot be read ({}): no back-link to reports", e.getResultCode());
      return null;
    }
    String[] capabilities = dse == null ? null : dse.getAttributeValues("supportedCapabilities");
    return capabilities != null && Arrays.asList(capabilities).contains(ACTIVE_DIRECTORY_OID) ? "directReports" : null;
  }
}
