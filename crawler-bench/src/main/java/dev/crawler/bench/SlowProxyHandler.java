package dev.crawler.bench;

import com.unboundid.ldap.listener.LDAPListenerClientConnection;
import com.unboundid.ldap.listener.LDAPListenerRequestHandler;
import com.unboundid.ldap.protocol.AddRequestProtocolOp;
import com.unboundid.ldap.protocol.BindRequestProtocolOp;
import com.unboundid.ldap.protocol.CompareRequestProtocolOp;
import com.unboundid.ldap.protocol.DeleteRequestProtocolOp;
import com.unboundid.ldap.protocol.ExtendedRequestProtocolOp;
import com.unboundid.ldap.protocol.LDAPMessage;
import com.unboundid.ldap.protocol.ModifyDNRequestProtocolOp;
import com.unboundid.ldap.protocol.ModifyRequestProtocolOp;
import com.unboundid.ldap.protocol.SearchRequestProtocolOp;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Wraps the SDK's proxy handler so that every search waits {@code latencyNanos} before it is
 * forwarded: a directory that is not on loopback, seen from a crawler. One instance per client
 * connection, as the listener requires.
 */
final class SlowProxyHandler extends LDAPListenerRequestHandler {
  private final LDAPListenerRequestHandler delegate;
  private final long latencyNanos;

  SlowProxyHandler(LDAPListenerRequestHandler delegate, long latencyNanos) {
    this.delegate = delegate;
    this.latencyNanos = latencyNanos;
  }

  @Override
  public LDAPListenerRequestHandler newInstance(LDAPListenerClientConnection connection)
      throws LDAPException {
    return new SlowProxyHandler(delegate.newInstance(connection), latencyNanos);
  }

  @Override
  public void closeInstance() {
    delegate.closeInstance();
  }

  @Override
  public LDAPMessage processSearchRequest(
      int id, SearchRequestProtocolOp request, List<Control> controls) {
    LockSupport.parkNanos(latencyNanos);
    return delegate.processSearchRequest(id, request, controls);
  }

  @Override
  public LDAPMessage processAddRequest(
      int id, AddRequestProtocolOp request, List<Control> controls) {
    return delegate.processAddRequest(id, request, controls);
  }

  @Override
  public LDAPMessage processBindRequest(
      int id, BindRequestProtocolOp request, List<Control> controls) {
    return delegate.processBindRequest(id, request, controls);
  }

  @Override
  public LDAPMessage processCompareRequest(
      int id, CompareRequestProtocolOp request, List<Control> controls) {
    return delegate.processCompareRequest(id, request, controls);
  }

  @Override
  public LDAPMessage processDeleteRequest(
      int id, DeleteRequestProtocolOp request, List<Control> controls) {
    return delegate.processDeleteRequest(id, request, controls);
  }

  @Override
  public LDAPMessage processExtendedRequest(
      int id, ExtendedRequestProtocolOp request, List<Control> controls) {
    return delegate.processExtendedRequest(id, request, controls);
  }

  @Override
  public LDAPMessage processModifyRequest(
      int id, ModifyRequestProtocolOp request, List<Control> controls) {
    return delegate.processModifyRequest(id, request, controls);
  }

  @Override
  public LDAPMessage processModifyDNRequest(
      int id, ModifyDNRequestProtocolOp request, List<Control> controls) {
    return delegate.processModifyDNRequest(id, request, controls);
  }
}
