package dev.crawler.ldap;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.listener.LDAPListener;
import com.unboundid.ldap.listener.LDAPListenerClientConnection;
import com.unboundid.ldap.listener.LDAPListenerConfig;
import com.unboundid.ldap.listener.LDAPListenerRequestHandler;
import com.unboundid.ldap.protocol.AbandonRequestProtocolOp;
import com.unboundid.ldap.protocol.AddRequestProtocolOp;
import com.unboundid.ldap.protocol.AddResponseProtocolOp;
import com.unboundid.ldap.protocol.BindRequestProtocolOp;
import com.unboundid.ldap.protocol.BindResponseProtocolOp;
import com.unboundid.ldap.protocol.CompareRequestProtocolOp;
import com.unboundid.ldap.protocol.CompareResponseProtocolOp;
import com.unboundid.ldap.protocol.DeleteRequestProtocolOp;
import com.unboundid.ldap.protocol.DeleteResponseProtocolOp;
import com.unboundid.ldap.protocol.ExtendedRequestProtocolOp;
import com.unboundid.ldap.protocol.ExtendedResponseProtocolOp;
import com.unboundid.ldap.protocol.LDAPMessage;
import com.unboundid.ldap.protocol.ModifyDNRequestProtocolOp;
import com.unboundid.ldap.protocol.ModifyDNResponseProtocolOp;
import com.unboundid.ldap.protocol.ModifyRequestProtocolOp;
import com.unboundid.ldap.protocol.ModifyResponseProtocolOp;
import com.unboundid.ldap.protocol.SearchRequestProtocolOp;
import com.unboundid.ldap.protocol.SearchResultDoneProtocolOp;
import com.unboundid.ldap.protocol.SearchResultReferenceProtocolOp;
import com.unboundid.ldap.protocol.UnbindRequestProtocolOp;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchResultListener;
import com.unboundid.ldap.sdk.SearchResultReference;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An LDAP proxy on loopback that puts Active Directory's own limits in front of a directory that
 * publishes them but enforces neither, as Samba does: reads are passed on to the backend, and their
 * answers cut the way AD cuts them.
 *
 * <ul>
 *   <li><b>MaxValRange</b>: an attribute with more than {@code maxValRange} values comes back as
 *       {@code name;range=0-(maxValRange-1)} with that many values; a client asking for {@code
 *       name;range=LOW-HIGH} or {@code name;range=LOW-*} gets at most {@code maxValRange} values
 *       from LOW, named {@code name;range=LOW-*} when they reach the last value and {@code
 *       name;range=LOW-END} otherwise (AD's range retrieval).
 *   <li><b>MaxPageSize</b>: a search without the paged results control returns at most {@code
 *       maxPageSize} entries, then "size limit exceeded"; a paged search gets pages of at most
 *       {@code maxPageSize} entries, whatever page size it asks for.
 *   <li>Optionally, the root DSE stops saying the server is Active Directory, so that a client does
 *       not use the {@code directReports} back-link ({@link Limits#hideActiveDirectory}).
 * </ul>
 *
 * Binds are passed on (simple binds only); writes are refused. Each client connection has a backend
 * connection of its own, so paging cookies stay valid.
 *
 * <p>Thread-safe: the listener serves each client connection on a thread of its own; the counters
 * are atomic. {@link #close()} stops listening and closes every connection.
 */
public final class AdLimitsProxy implements AutoCloseable {
  /**
   * What the proxy enforces.
   *
   * @param maxValRange the most values of one attribute in one read (AD: 1,500)
   * @param maxPageSize the most entries in one search, or in one page of a paged search (AD: 1,000)
   * @param hideActiveDirectory whether the root DSE hides AD's capability OID
   */
  public record Limits(int maxValRange, int maxPageSize, boolean hideActiveDirectory) {
    /** Active Directory's defaults. */
    public static final Limits ACTIVE_DIRECTORY = new Limits(1_500, 1_000, false);

    public Limits {
      if (maxValRange < 1 || maxPageSize < 1) {
        throw new IllegalArgumentException(
            "limits must be positive: " + maxValRange + ", " + maxPageSize);
      }
    }

    /** These limits, with the root DSE hiding (or not) that the server is Active Directory. */
    public Limits hidingActiveDirectory(boolean hide) {
      return new Limits(maxValRange, maxPageSize, hide);
    }
  }

  private static final Pattern RANGE =
      Pattern.compile("(?i)^([^;]+)((?:;[^;]*)*);range=(\\d+)-(\\d+|\\*)((?:;[^;]*)*)$");

  private final String backendHost;
  private final int backendPort;
  private final Limits limits;
  private final LDAPListener listener;

  /** Attributes sent as a range: cut by MaxValRange, or a range asked for. */
  private final AtomicLong rangedAnswers = new AtomicLong();

  /** Reads that asked for a range of values. */
  private final AtomicLong rangeRequests = new AtomicLong();

  /** Searches cut at MaxPageSize without paging, or pages made smaller. */
  private final AtomicLong pageCuts = new AtomicLong();

  /** Equality terms of the searches' filters, by lower-cased attribute name. */
  private final Map<String, AtomicLong> equalityTerms = new ConcurrentHashMap<>();

  private AdLimitsProxy(String backendHost, int backendPort, Limits limits) throws IOException {
    this.backendHost = backendHost;
    this.backendPort = backendPort;
    this.limits = limits;
    LDAPListenerConfig config = new LDAPListenerConfig(0, new Handler(null, null));
    config.setListenAddress(InetAddress.getLoopbackAddress());
    this.listener = new LDAPListener(config);
    listener.startListening();
  }

  /** Starts a proxy on a free loopback port in front of the directory at {@code host:port}. */
  public static AdLimitsProxy start(String host, int port, Limits limits) throws IOException {
    return new AdLimitsProxy(host, port, limits);
  }

  /** The loopback port clients connect to. */
  public int port() {
    return listener.getListenPort();
  }

  /** Entries sent with an attribute cut by MaxValRange (a first range, or a later one). */
  public long rangedAnswers() {
    return rangedAnswers.get();
  }

  /** Attributes asked for by range ({@code name;range=LOW-HIGH}). */
  public long rangeRequests() {
    return rangeRequests.get();
  }

  /** Searches cut at MaxPageSize, or whose page size was lowered to it. */
  public long pageCuts() {
    return pageCuts.get();
  }

  /**
   * Equality terms on {@code attribute} in the filters of the searches sent so far, at any depth
   * ({@code (|(manager=a)(manager=b))} is two of {@code manager}).
   */
  public long equalityTerms(String attribute) {
    AtomicLong n = equalityTerms.get(attribute.toLowerCase(Locale.ROOT));
    return n == null ? 0 : n.get();
  }

  private void countTerms(Filter filter) {
    if (filter.getFilterType() == Filter.FILTER_TYPE_EQUALITY) {
      equalityTerms
          .computeIfAbsent(
              filter.getAttributeName().toLowerCase(Locale.ROOT), k -> new AtomicLong())
          .incrementAndGet();
    }
    for (Filter component : filter.getComponents()) {
      countTerms(component);
    }
    if (filter.getNOTComponent() != null) {
      countTerms(filter.getNOTComponent());
    }
  }

  @Override
  public void close() {
    listener.shutDown(true);
  }

  /** A range of values asked for: LOW to HIGH inclusive, HIGH -1 for "*". */
  private record Range(int low, int high) {}

  /**
   * One client connection and its backend connection. Used by the listener's thread for it alone.
   */
  private final class Handler extends LDAPListenerRequestHandler {
    private final LDAPListenerClientConnection client;
    private final LDAPConnection backend;

    Handler(LDAPListenerClientConnection client, LDAPConnection backend) {
      this.client = client;
      this.backend = backend;
    }

    @Override
    public LDAPListenerRequestHandler newInstance(LDAPListenerClientConnection connection)
        throws LDAPException {
      return new Handler(connection, new LDAPConnection(backendHost, backendPort));
    }

    @Override
    public void closeInstance() {
      if (backend != null) {
        backend.close();
      }
    }

    @Override
    public LDAPMessage processBindRequest(
        int messageID, BindRequestProtocolOp request, List<Control> controls) {
      if (request.getCredentialsType() != BindRequestProtocolOp.CRED_TYPE_SIMPLE) {
        return new LDAPMessage(
            messageID,
            new BindResponseProtocolOp(
                ResultCode.AUTH_METHOD_NOT_SUPPORTED_INT_VALUE,
                null,
                "simple binds only",
                null,
                null));
      }
      LDAPResult result;
      try {
        result =
            backend.bind(
                new SimpleBindRequest(request.getBindDN(), request.getSimplePassword().getValue()));
      } catch (LDAPException e) {
        result = e.toLDAPResult();
      }
      return new LDAPMessage(
          messageID,
          new BindResponseProtocolOp(
              result.getResultCode().intValue(),
              result.getMatchedDN(),
              result.getDiagnosticMessage(),
              null,
              (ASN1OctetString) null));
    }

    @Override
    public LDAPMessage processSearchRequest(
        int messageID, SearchRequestProtocolOp request, List<Control> controls) {
      countTerms(request.getFilter());
      Map<String, Range> ranges = new HashMap<>();
      List<String> attributes = new ArrayList<>();
      for (String a : request.getAttributes()) {
        Matcher m = RANGE.matcher(a);
        if (m.matches()) {
          String name = m.group(1) + m.group(2) + m.group(5);
          ranges.put(
              name.toLowerCase(Locale.ROOT),
              new Range(
                  Integer.parseInt(m.group(3)),
                  m.group(4).equals("*") ? -1 : Integer.parseInt(m.group(4))));
          rangeRequests.incrementAndGet();
          attributes.add(name);
        } else {
          attributes.add(a);
        }
      }
      List<Control> backendControls = new ArrayList<>();
      boolean paged = false;
      for (Control c : controls) {
        if (c.getOID().equals(SimplePagedResultsControl.PAGED_RESULTS_OID)) {
          paged = true;
          try {
            SimplePagedResultsControl page =
                new SimplePagedResultsControl(c.getOID(), c.isCritical(), c.getValue());
            if (page.getSize() > limits.maxPageSize()) {
              pageCuts.incrementAndGet();
              c =
                  new SimplePagedResultsControl(
                      limits.maxPageSize(), page.getCookie(), c.isCritical());
            }
          } catch (LDAPException e) {
            return done(messageID, e.toLDAPResult());
          }
        }
        backendControls.add(c);
      }
      int sizeLimit = request.getSizeLimit();
      if (!paged && (sizeLimit == 0 || sizeLimit > limits.maxPageSize())) {
        sizeLimit = limits.maxPageSize();
      }
      boolean rootDse = request.getBaseDN().isEmpty() && request.getScope() == SearchScope.BASE;
      // Samba ignores a search's size limit (it sent all 2,051 people to a search asking for 1,000
      // at most), so the limit is enforced here: past it, entries are dropped, and the search ends
      // "size limit exceeded", as AD ends it.
      int mostEntries = sizeLimit;
      AtomicInteger entriesSent = new AtomicInteger();
      AtomicBoolean overLimit = new AtomicBoolean();
      SearchResultListener forward =
          new SearchResultListener() {
            private static final long serialVersionUID = 1L;

            @Override
            public void searchEntryReturned(SearchResultEntry entry) {
              if (mostEntries > 0 && entriesSent.get() >= mostEntries) {
                overLimit.set(true);
                return;
              }
              entriesSent.incrementAndGet();
              Entry sent = rootDse ? rootDse(entry) : cut(entry, ranges);
              try {
                client.sendSearchResultEntry(messageID, sent, entry.getControls());
              } catch (LDAPException e) {
                // the client went away: the search's result goes nowhere either
              }
            }

            @Override
            public void searchReferenceReturned(SearchResultReference reference) {
              try {
                client.sendSearchResultReference(
                    messageID,
                    new SearchResultReferenceProtocolOp(Arrays.asList(reference.getReferralURLs())),
                    reference.getControls());
              } catch (LDAPException e) {
                // the client went away
              }
            }
          };
      SearchRequest sent =
          new SearchRequest(
              forward,
              request.getBaseDN(),
              request.getScope(),
              request.getDerefPolicy(),
              sizeLimit,
              request.getTimeLimit(),
              request.typesOnly(),
              request.getFilter(),
              attributes.toArray(String[]::new));
      sent.setControls(backendControls);
      SearchResult result;
      try {
        result = backend.search(sent);
      } catch (LDAPSearchException e) {
        result = e.getSearchResult();
      }
      if (overLimit.get() && result.getResultCode() == ResultCode.SUCCESS) {
        if (!paged && sizeLimit != request.getSizeLimit()) {
          pageCuts.incrementAndGet();
        }
        return done(
            messageID,
            new LDAPResult(
                messageID,
                ResultCode.SIZE_LIMIT_EXCEEDED,
                "size limit of " + mostEntries + " entries exceeded (enforced by the proxy)",
                null,
                null,
                result.getResponseControls()));
      }
      if (!paged
          && result.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED
          && sizeLimit != request.getSizeLimit()) {
        pageCuts.incrementAndGet();
      }
      return done(messageID, result);
    }

    private LDAPMessage done(int messageID, LDAPResult result) {
      return new LDAPMessage(
          messageID,
          new SearchResultDoneProtocolOp(
              result.getResultCode().intValue(),
              result.getMatchedDN(),
              result.getDiagnosticMessage(),
              Arrays.asList(result.getReferralURLs())),
          result.getResponseControls());
    }

    private Entry rootDse(SearchResultEntry entry) {
      if (!limits.hideActiveDirectory()) {
        return entry;
      }
      Entry copy = entry.duplicate();
      String[] capabilities = copy.getAttributeValues("supportedCapabilities");
      if (capabilities != null) {
        copy.removeAttributeValue("supportedCapabilities", DirectoryDefaults.ACTIVE_DIRECTORY_OID);
      }
      return copy;
    }

    /** The entry as AD would send it: long attributes cut to a range, asked-for ranges answered. */
    private Entry cut(SearchResultEntry entry, Map<String, Range> ranges) {
      List<Attribute> attributes = new ArrayList<>();
      boolean changed = false;
      for (Attribute a : entry.getAttributes()) {
        Range asked = ranges.get(a.getName().toLowerCase(Locale.ROOT));
        String[] values = a.getValues();
        if (asked == null && values.length <= limits.maxValRange()) {
          attributes.add(a);
          continue;
        }
        changed = true;
        int low = asked == null ? 0 : asked.low();
        if (low >= values.length) {
          continue; // nothing in that range: AD leaves the attribute out
        }
        int end = Math.min(values.length, low + limits.maxValRange());
        if (asked != null && asked.high() >= 0) {
          end = Math.min(end, asked.high() + 1);
        }
        String name =
            a.getName()
                + ";range="
                + low
                + "-"
                + (end == values.length ? "*" : Integer.toString(end - 1));
        attributes.add(new Attribute(name, Arrays.copyOfRange(values, low, end)));
        rangedAnswers.incrementAndGet();
      }
      return changed ? new Entry(entry.getDN(), attributes) : entry;
    }

    @Override
    public void processAbandonRequest(
        int messageID, AbandonRequestProtocolOp request, List<Control> controls) {
      // searches are answered whole before the next request is read: nothing to abandon
    }

    @Override
    public void processUnbindRequest(
        int messageID, UnbindRequestProtocolOp request, List<Control> controls) {
      closeInstance();
    }

    private static final String READ_ONLY = "this proxy only reads";

    @Override
    public LDAPMessage processAddRequest(
        int messageID, AddRequestProtocolOp request, List<Control> controls) {
      return new LDAPMessage(
          messageID,
          new AddResponseProtocolOp(
              ResultCode.UNWILLING_TO_PERFORM_INT_VALUE, null, READ_ONLY, null));
    }

    @Override
    public LDAPMessage processCompareRequest(
        int messageID, CompareRequestProtocolOp request, List<Control> controls) {
      return new LDAPMessage(
          messageID,
          new CompareResponseProtocolOp(
              ResultCode.UNWILLING_TO_PERFORM_INT_VALUE, null, READ_ONLY, null));
    }

    @Override
    public LDAPMessage processDeleteRequest(
        int messageID, DeleteRequestProtocolOp request, List<Control> controls) {
      return new LDAPMessage(
          messageID,
          new DeleteResponseProtocolOp(
              ResultCode.UNWILLING_TO_PERFORM_INT_VALUE, null, READ_ONLY, null));
    }

    @Override
    public LDAPMessage processExtendedRequest(
        int messageID, ExtendedRequestProtocolOp request, List<Control> controls) {
      return new LDAPMessage(
          messageID,
          new ExtendedResponseProtocolOp(
              ResultCode.UNWILLING_TO_PERFORM_INT_VALUE, null, READ_ONLY, null, null, null));
    }

    @Override
    public LDAPMessage processModifyRequest(
        int messageID, ModifyRequestProtocolOp request, List<Control> controls) {
      return new LDAPMessage(
          messageID,
          new ModifyResponseProtocolOp(
              ResultCode.UNWILLING_TO_PERFORM_INT_VALUE, null, READ_ONLY, null));
    }

    @Override
    public LDAPMessage processModifyDNRequest(
        int messageID, ModifyDNRequestProtocolOp request, List<Control> controls) {
      return new LDAPMessage(
          messageID,
          new ModifyDNResponseProtocolOp(
              ResultCode.UNWILLING_TO_PERFORM_INT_VALUE, null, READ_ONLY, null));
    }
  }
}
