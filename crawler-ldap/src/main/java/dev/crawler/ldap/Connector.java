package dev.crawler.ldap;

import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.net.ssl.TrustManager;

/**
 * Opens connections to the directory as the settings say: plain, LDAPS or StartTLS (host name
 * checked), then a simple bind when a bind DN is given. Immutable and thread-safe; each connection
 * it returns belongs to its caller.
 */
final class Connector {
  private final LdapSettings settings;
  /** {@code null} for a plain connection. */
  private final SSLUtil ssl;
  private final LdapCounters counters;

  /** @throws GeneralSecurityException if the CA file cannot be read */
  Connector(LdapSettings settings, LdapCounters counters) throws GeneralSecurityException {
    this.settings = settings;
    this.counters = counters;
    if (settings.security() == LdapSettings.Security.NONE) {
      this.ssl = null;
    } else {
      TrustManager trust = settings.caFile() == null
          ? JVMDefaultTrustManager.getInstance()
          : new PEMFileTrustManager(settings.caFile().toFile());
      this.ssl = new SSLUtil(trust);
    }
  }

  /**
   * A new connection, secured and bound.
   *
   * @throws LDAPException if the server cannot be reached, TLS fails or the bind is refused
   */
  LDAPConnection open() throws LDAPException {
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
    options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
    options.setUseSynchronousMode(true); // one thread per connection: no reader thread needed
    options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
    LDAPConnection connection;
    try {
      connection = settings.security() == LdapSettings.Security.LDAPS
          ? new LDAPConnection(ssl.createSSLSocketFactory(), options, settings.host(), settings.port())
          : new LDAPConnection(options, settings.host(), settings.port());
    } catch (GeneralSecurityException e) {
      throw new LDAPException(ResultCode.LOCAL_ERROR, "TLS setup failed: " + e.getMessage(), e);
    }
    try {
      if (settings.security() == LdapSettings.Security.STARTTLS) {
        counters.operations.increment();
        ExtendedResult tls = connection.processExtendedOperation(new StartTLSExtendedRequest(ssl.createSSLContext()));
        if (tls.getResultCode() != ResultCode.SUCCESS) {
          throw new LDAPException(tls.getResultCode(), "StartTLS failed: " + tls.getDiagnosticMessage());
        }
      }
      if (settings.bindDn() != null) {
        counters.operations.increment();
        connection.bind(new SimpleBindRequest(settings.bindDn(), utf8(settings.password())));
      }
      return connection;
    } catch (LDAPException | GeneralSecurityException | RuntimeException e) {
      connection.close();
      if (e instanceof LDAPException le) {
        throw le;
      }
      throw new LDAPException(ResultCode.LOCAL_ERROR, "TLS setup failed: " + e.getMessage(), e);
    }
  }

  private static byte[] utf8(char[] password) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = Arrays.copyOf(bytes.array(), bytes.limit());
    Arrays.fill(bytes.array(), (byte) 0);
    return out;
  }
}
