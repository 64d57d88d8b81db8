package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;

/**
 * One worker's session with the directory ({@link OrgChartSource#open()}): a connection, opened and
 * bound only when a listing first needs to ask the directory something. A worker that never lists
 * (the crawl was small, or ended before it had work) never connects, and so never binds: 16 workers
 * used to bind 10 to 16 times for a crawl of one to seven people. Confined to the worker's thread,
 * as the engine opens, uses and closes a session on one thread; not thread-safe.
 */
public final class LdapSession implements AutoCloseable {
  /** Opens a connection, waiting out an outage as {@link OrgChartSource#open()} does. */
  interface Opener {
    LDAPConnection open() throws LDAPException, DirectoryUnreachableException, InterruptedException;
  }

  private final Opener opener;

  /** {@code null} until first needed, and after {@link #close()}. */
  private LDAPConnection connection;

  private boolean closed;

  LdapSession(Opener opener, LDAPConnection connection) {
    this.opener = opener;
    this.connection = connection;
  }

  /**
   * The connection, opened now if this is its first use.
   *
   * @throws SessionNotOpenedException if it could not be opened (the engine then replaces the
   *     session, and that session's {@code open()} connects at once and fails the crawl if it must,
   *     as a session that connects in {@code open()} would have)
   * @throws InterruptedException if the crawl stopped while it waited for the directory
   */
  LDAPConnection connection() throws SessionNotOpenedException, InterruptedException {
    if (closed) {
      throw new IllegalStateException("the session was closed");
    }
    if (connection == null) {
      try {
        connection = opener.open();
      } catch (LDAPException | DirectoryUnreachableException e) {
        throw new SessionNotOpenedException(e);
      }
    }
    return connection;
  }

  /**
   * @return whether a connection was opened (and is not closed yet)
   */
  public boolean isConnected() {
    return connection != null;
  }

  /** Closes the connection, if one was opened. Idempotent. */
  @Override
  public void close() {
    closed = true;
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  /**
   * A session's connection could not be opened at its first use. Transient, and breaks the session
   * (see {@link OrgChartSource#isTransient}): the engine closes the session and opens another,
   * whose {@code open()} connects at once. The cause says why.
   */
  public static final class SessionNotOpenedException extends Exception {
    private static final long serialVersionUID = 1L;

    SessionNotOpenedException(Exception cause) {
      super("could not connect to the directory: " + cause.getMessage(), cause);
    }
  }
}
