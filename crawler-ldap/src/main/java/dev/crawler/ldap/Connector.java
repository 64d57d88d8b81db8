package dev.crawler.ldap;

import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
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
 * from the {@link Disconnector}, which can close them all from another thread. Immutable and
 * thread-safe; each connection it returns belongs to its caller.
 */
final class Connector {
  private final FailoverServerSet servers;
  /** Operations each new connection costs: StartTLS, the bind. */
  private final int operationsPerConnection;
  private final LdapCounters counters;

  /** @throws GeneralSecurityException if the CA file cannot be read */
  Connector(LdapSettings settings, LdapCounters counters, Disconnector disconnector) throws GeneralSecurityException {
    this.counters = counters;
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
    options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
    options.setUseSynchronousMode(true); // one thread per connection: no reader thread needed
    options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
    SSLUtil ssl = null;
    if (settings.security() != LdapSettings.Security.NONE) {
      TrustManager trust = settings.caFile() == null
          ? JVMDefaultTrustManager.getInstance()
          : new PEMFileTrustManager(settings.caFile().toFile());
      ssl = new SSLUtil(trust);
    }
    SocketFactory sockets = disconnector.tracking(settings.security() == LdapSettings.Security.LDAPS
        ? ssl.createSSLSocketFactory() : SocketFactory.getDefault());
    StartTLSPostConnectProcessor startTls = settings.security() == LdapSettings.Security.STARTTLS
        ? new StartTLSPostConnectProcessor(ssl.createSSLContext()) : null;
    SimpleBindRequest bind = settings.bindDn() == null ? null
        : new SimpleBindRequest(settings.bindDn(), utf8(settings.password()));
    List<LdapSettings.Server> all = settings.servers();
    this.servers = new FailoverServerSet(all.stream().map(LdapSettings.Server::host).toArray(String[]::new),
        all.stream().mapToInt(LdapSettings.Server::port).toArray(), sockets, options, bind, startTls);
    servers.setReOrderOnFailover(true); // a server that went down is not tried first for every connection
    this.operationsPerConnection = (startTls == null ? 0 : 1) + (bind == null ? 0 : 1);
  }

  /**
   * A new connection, secured and bound, to the first server that answers.
   *
   * @throws LDAPException if no server can be reached, TLS fails or the bind is refused (the
   *     last server's failure)
   */
  LDAPConnection open() throws LDAPException {
    LDAPConnection connection = servers.getConnection();
    counters.operations.add(operationsPerConnection);
    return connection;
  }

  /** {@code password} (the settings' copy, cleared here) as UTF-8, every buffer on the way cleared. */
  private static byte[] utf8(char[] password) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = Arrays.copyOf(bytes.array(), bytes.limit());
    Arrays.fill(bytes.array(), (byte) 0);
    Arrays.fill(password, '\0');
    return out;
  }
}
