package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import java.util.Set;

/**
 * How the crawl treats an LDAP failure, by its result code: worth retrying, fatal to the
 * connection, or a refusal to page. Stateless.
 */
final class LdapFailures {
  private static final Set<ResultCode> TRANSIENT =
      Set.of(
          ResultCode.SERVER_DOWN,
          ResultCode.CONNECT_ERROR,
          ResultCode.TIMEOUT,
          ResultCode.BUSY,
          ResultCode.UNAVAILABLE,
          ResultCode.DECODING_ERROR);
  private static final Set<ResultCode> BREAKS_CONNECTION =
      Set.of(
          ResultCode.SERVER_DOWN,
          ResultCode.CONNECT_ERROR,
          ResultCode.TIMEOUT,
          ResultCode.DECODING_ERROR);
  private static final Set<ResultCode> PAGING_REFUSED =
      Set.of(
          ResultCode.UNAVAILABLE_CRITICAL_EXTENSION,
          ResultCode.UNWILLING_TO_PERFORM,
          ResultCode.SIZE_LIMIT_EXCEEDED,
          ResultCode.ADMIN_LIMIT_EXCEEDED,
          ResultCode.INSUFFICIENT_ACCESS_RIGHTS);

  private LdapFailures() {}

  /** A dropped connection, a timeout, a busy server: the listing may succeed if tried again. */
  static boolean isTransient(Exception failure) {
    return failure instanceof LDAPException e && TRANSIENT.contains(e.getResultCode())
        || failure
            instanceof LdapSession.SessionNotOpenedException; // the replacement's open() decides
  }

  /** The connection is unusable afterwards: a new one is needed. */
  static boolean breaksConnection(Exception failure) {
    return failure instanceof LDAPException e && BREAKS_CONNECTION.contains(e.getResultCode())
        || failure instanceof LdapSession.SessionNotOpenedException;
  }

  /** The server will not page this search (OpenLDAP refuses it to limited users by default). */
  static boolean refusesPaging(LDAPException e) {
    return PAGING_REFUSED.contains(e.getResultCode());
  }
}
