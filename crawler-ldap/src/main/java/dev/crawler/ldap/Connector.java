package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DNSSRVRecordServerSet;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Opens connections to the directory as the settings say: plain, LDAPS or StartTLS (host name
 * checked), then a simple bind when a bind DN is given; to the first server that answers, in the
 * settings' order ({@link LdapSettings#servers()}), the one that answered last tried first (the
 * SDK's {@link FailoverServerSet}, re-ordered on failover). A server that refuses the connection,
 * drops it or does not answer the StartTLS or the bind in time is passed over. Every socket comes
 * from the {@link Disconnector}, which can close them all from another thread. With {@link
 * LdapSettings#srv()}, the servers are those DNS names instead ({@link SrvDiscovery}: the SDK's
 * {@link DNSSRVRecordServerSet}, by priority and weight), and a domain without such records is said
 * in one line ({@link #open()}). Immutable and thread-safe; each connection it returns belongs to
 * its caller.
 */
final class Connector {
  private final ServerSet servers;

  /** Where the servers are found in DNS, or {@code null} when the settings name them. */
  private final SrvDiscovery srv;

  /** Operations each new connection costs: StartTLS, the bind. */
  private final int operationsPerConnection;

  private final LdapCounters counters;

  /**
   * @throws GeneralSecurityException if the CA file cannot be read
   */
  Connector(LdapSettings settings, LdapCounters counters, Disconnector disconnector)
      throws GeneralSecurityException {
    this.counters = counters;
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis(
        (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
    options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
    options.setUseSynchronousMode(true); // one thread per connection: no reader thread needed
    options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
    SSLUtil ssl = null;
    if (settings.security() != LdapSettings.Security.NONE) {
      TrustManager trust =
          settings.caFile() == null
              ? JVMDefaultTrustManager.getInstance()
              : new PEMFileTrustManager(settings.caFile().toFile());
      ssl = new SSLUtil(trust);
    }
    SocketFactory sockets =
        disconnector.tracking(
            settings.security() == LdapSettings.Security.LDAPS
                ? ssl.createSSLSocketFactory()
                : SocketFactory.getDefault());
    StartTLSPostConnectProcessor startTls =
        settings.security() == LdapSettings.Security.STARTTLS
            ? new StartTLSPostConnectProcessor(ssl.createSSLContext())
            : null;
    SimpleBindRequest bind =
        settings.bindDn() == null
            ? null
            : new SimpleBindRequest(settings.bindDn(), utf8(settings.password()));
    this.srv = settings.srv();
    if (srv != null) {
      this.servers =
          new DNSSRVRecordServerSet(
              srv.recordName(),
              srv.providerUrl(),
              null,
              SrvDiscovery.CACHED_FOR.toMillis(),
              sockets,
              options,
              bind,
              startTls);
    } else {
      List<LdapSettings.Server> all = settings.servers();
      FailoverServerSet failover =
          new FailoverServerSet(
              all.stream().map(LdapSettings.Server::host).toArray(String[]::new),
              all.stream().mapToInt(LdapSettings.Server::port).toArray(),
              sockets,
              options,
              bind,
              startTls);
      failover.setReOrderOnFailover(
          true); // a server that went down is not tried first for every connection
      this.servers = failover;
    }
    this.operationsPerConnection = (startTls == null ? 0 : 1) + (bind == null ? 0 : 1);
  }

  /**
   * A new connection, secured and bound, to the first server that answers.
   *
   * @throws LDAPException if no server can be reached, TLS fails or the bind is refused (the last
   *     server's failure); {@link ResultCode#CONNECT_ERROR} with one line naming the records when
   *     DNS has no SRV records for the domain, or cannot be asked
   */
  LDAPConnection open() throws LDAPException {
    LDAPConnection connection;
    try {
      connection = servers.getConnection();
    } catch (LDAPException e) {
      throw srv == null ? e : srvFailure(e);
    }
    counters.operations.add(operationsPerConnection);
    return connection;
  }

  /**
   * The SDK's failure to read SRV records, said in one line: which records, from which DNS server,
   * and why in DNS's words. Any other failure (the servers named do not answer, the bind) as it
   * was.
   */
  private LDAPException srvFailure(LDAPException e) {
    // The SDK says so in its message (LOCAL_ERROR, "... SRV records with name ..."), with JNDI's
    // NamingException as the cause when DNS answered no or not at all.
    if (!String.valueOf(e.getMessage()).contains(srv.recordName())) {
      return e;
    }
    Throwable cause = e.getCause();
    String why =
        cause instanceof javax.naming.NameNotFoundException
            ? "no such name"
            : cause instanceof javax.naming.CommunicationException
                ? "the DNS server did not answer"
                : cause != null && cause.getMessage() != null
                    ? cause.getMessage()
                    : "no SRV records";
    return new LDAPException(
        ResultCode.CONNECT_ERROR,
        "no DNS SRV records "
            + srv.recordName()
            + (srv.dnsServer() == null ? "" : " at DNS server " + srv.dnsServer())
            + " ("
            + why
            + "): is "
            + srv.domain()
            + " the directory's domain?",
        e);
  }

  /**
   * {@code password} (the settings' copy, cleared here) as UTF-8, every buffer on the way cleared.
   */
  private static byte[] utf8(char[] password) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = Arrays.copyOf(bytes.array(), bytes.limit());
    Arrays.fill(bytes.array(), (byte) 0);
    Arrays.fill(password, '\0');
    return out;
  }
}
