package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;

/**
 * An answer the directory gave only in part, and that could not be made whole: a listing that fails
 * with it is reported as a branch error, so the crawl does not end COMPLETE. The message names the
 * entry (its DN) whose answer is incomplete. Result code {@link ResultCode#LOCAL_ERROR}: the
 * client, not the server, found the answer short; not transient.
 */
public final class TruncatedAnswerException extends LDAPException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with result code {@link ResultCode#LOCAL_ERROR}.
   *
   * @param message names the entry whose answer is incomplete
   */
  public TruncatedAnswerException(String message) {
    super(ResultCode.LOCAL_ERROR, message);
  }
}
