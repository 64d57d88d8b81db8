package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.RootDSE;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An org chart in an LDAP directory as a {@link BranchSource}: a person with reports is a branch,
 * anyone else a leaf. Each worker has its own connection (the session). Thread-safe.
 *
 * <h2>Round trips</h2>
 * Listing a manager costs one query, whatever their number of reports: the reports themselves
 * were fetched with the manager's siblings, and the query fetches the reports of all of them at
 * once ({@code (|(manager=a)(manager=b)...)}, at most {@code batchSize} terms). That is also how
 * each person is known to be a branch or a leaf before anyone lists them, so people without
 * reports cost no query at all. {@link #operations()} counts every operation sent.
 *
 * <h2>Past the size limit</h2>
 * A query that hits "size limit exceeded" is never trusted partially. A query over several
 * managers is split in halves. For one manager with more reports than the limit, the Simple Paged
 * Results control is tried, unless the server has refused it once; otherwise (OpenLDAP refuses
 * paging to limited users by default) the query is split by the first letters of the uid, {@code
 * (uid=a*)}, {@code (uid=b*)}, ... plus one query for every other uid, recursively, until each
 * piece fits. Filters are always built with the SDK's filter API, so any uid is safe.
 *
 * <h2>Failures</h2>
 * A dropped connection or a timeout is transient and breaks the session: the engine opens a new
 * connection and retries. Bad credentials and an unreachable server fail {@link #open()}, and so
 * the crawl, with the server's message. A person met again below themselves (a manager cycle) is
 * listed as a {@link ManagerCycleException} and not entered again. People whose manager entry does
 * not exist are out of a crawl's reach by nature; {@link #missingManagers()} finds them.
 */
public final class OrgChartSource implements BranchSource<Person, LDAPConnection> {
  private static final Logger log = LoggerFactory.getLogger(OrgChartSource.class);
  /** First characters the uid split tries; uid matching ignores case, so "a" covers "A". */
  private static final String SPLIT_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789._-";
  private static final Set<ResultCode> TRANSIENT = Set.of(ResultCode.SERVER_DOWN, ResultCode.CONNECT_ERROR,
      ResultCode.TIMEOUT, ResultCode.BUSY, ResultCode.UNAVAILABLE, ResultCode.DECODING_ERROR);
  private static final Set<ResultCode> BREAKS_CONNECTION = Set.of(ResultCode.SERVER_DOWN, ResultCode.CONNECT_ERROR,
      ResultCode.TIMEOUT, ResultCode.DECODING_ERROR);
  private static final Set<ResultCode> PAGING_REFUSED = Set.of(ResultCode.UNAVAILABLE_CRITICAL_EXTENSION,
      ResultCode.UNWILLING_TO_PERFORM, ResultCode.SIZE_LIMIT_EXCEEDED, ResultCode.ADMIN_LIMIT_EXCEEDED,
      ResultCode.INSUFFICIENT_ACCESS_RIGHTS);

  private final LdapSettings settings;
  private final Filter personFilter;
  private final String[] attributes;
  private final SSLUtil ssl;
  private final LongAdder operations = new LongAdder();
  private final LongAdder splits = new LongAdder();
  private final LongAdder entriesRead = new LongAdder();
  private final QuerySizer sizer;
  /** Active Directory's capability in {@code supportedCapabilities} of the root DSE. */
  static final String ACTIVE_DIRECTORY_OID = "1.2.840.113556.1.4.800";
  /**
   * The back-link attribute in use, or {@code null}. Decided by {@link #findRoot} before any
   * crawl starts (a crawl's threads start after it, so they see it); the attributes read with it.
   */
  private volatile String backLink;
  private volatile String[] requested;
  /** Set once the server refuses paging; then only splitting is used. */
  private final AtomicBoolean pagingRefused = new AtomicBoolean();

  private OrgChartSource(LdapSettings settings) throws LDAPException, GeneralSecurityException {
    this.settings = settings;
    try {
      this.personFilter = Filter.create(settings.personFilter());
    } catch (LDAPException e) {
      throw new IllegalArgumentException("bad person filter '" + settings.personFilter() + "': " + e.getMessage(), e);
    }
    if (!DN.isValidDN(settings.baseDn())) {
      throw new IllegalArgumentException("bad base DN '" + settings.baseDn() + "'");
    }
    Set<String> wanted = new LinkedHashSet<>(List.of(settings.uidAttribute(), settings.managerAttribute()));
    wanted.addAll(settings.attributes());
    this.attributes = wanted.toArray(String[]::new);
    this.requested = attributes;
    this.sizer = new QuerySizer(settings.batchSize());
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
   * A source for the directory {@code settings} describe. Connects to nothing yet.
   *
   * @throws IllegalArgumentException if the person filter or base DN is malformed
   * @throws GeneralSecurityException if the CA file cannot be read
   */
  public static OrgChartSource of(LdapSettings settings) throws GeneralSecurityException {
    try {
      return new OrgChartSource(settings);
    } catch (LDAPException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** LDAP operations sent so far by every connection: binds, searches, StartTLS. */
  public long operations() {
    return operations.sum();
  }

  /**
   * Entries the server sent to every connection, those of queries that hit the size limit (and
   * were sent again in pieces) included: above the number of people, the cost of the limit.
   */
  public long entriesRead() {
    return entriesRead.sum();
  }

  /** Queries split because they hit the size limit. */
  public long splits() {
    return splits.sum();
  }

  @Override
  public LDAPConnection open() throws LDAPException {
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
        operations.increment();
        ExtendedResult tls = connection.processExtendedOperation(new StartTLSExtendedRequest(ssl.createSSLContext()));
        if (tls.getResultCode() != ResultCode.SUCCESS) {
          throw new LDAPException(tls.getResultCode(), "StartTLS failed: " + tls.getDiagnosticMessage());
        }
      }
      if (settings.bindDn() != null) {
        operations.increment();
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

  @Override
  public void close(LDAPConnection connection) {
    if (connection != null) {
      connection.close();
    }
  }

  @Override
  public boolean isTransient(Exception failure) {
    return failure instanceof LDAPException e && TRANSIENT.contains(e.getResultCode());
  }

  @Override
  public boolean isSessionBroken(Exception failure) {
    return failure instanceof LDAPException e && BREAKS_CONNECTION.contains(e.getResultCode());
  }

  /**
   * Finds the person to start at, with their reports, over a connection of its own.
   *
   * @param uidOrDn a uid, or a DN
   * @return the root person, ready for {@code Crawler.start}
   * @throws NoSuchPersonException if nobody, or more than one person, matches
   * @throws LDAPException if the directory cannot be reached or refuses the bind
   */
  public Person findRoot(String uidOrDn) throws NoSuchPersonException, LDAPException {
    LDAPConnection connection = open();
    try {
      boolean isDn = uidOrDn.contains("=") && DN.isValidDN(uidOrDn);
      useBackLink(connection);
      SearchRequest request = isDn
          ? new SearchRequest(uidOrDn, SearchScope.BASE, personFilter, requested)
          : new SearchRequest(settings.baseDn(), SearchScope.SUB,
              Filter.createANDFilter(personFilter, Filter.createEqualityFilter(settings.uidAttribute(), uidOrDn)),
              requested);
      List<SearchResultEntry> found;
      try {
        found = search(connection, request);
      } catch (LDAPSearchException e) {
        if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
          throw new NoSuchPersonException("no person " + uidOrDn + " (no such entry)");
        }
        throw e;
      }
      if (found.isEmpty()) {
        throw new NoSuchPersonException("no person with " + settings.uidAttribute() + "=" + uidOrDn
            + " under " + settings.baseDn());
      }
      if (found.size() > 1) {
        throw new NoSuchPersonException(found.size() + " people have " + settings.uidAttribute() + "=" + uidOrDn
            + "; name the root by its DN");
      }
      Person root = person(found.get(0), null, false);
      root.setReports(needsQuery(root)
          ? reportsOf(connection, List.of(root)).getOrDefault(root.parsedDn(), List.of())
          : List.of());
      return root;
    } finally {
      connection.close();
    }
  }

  /**
   * Everyone under the base DN whose manager attribute names no person there: the people a crawl
   * from the top never reaches. Reads every person once, over a connection of its own, in pieces
   * that fit the size limit (paging where the server allows it, else uid prefixes): about as
   * costly as crawling everyone. Manager cycles are not found here; a crawl reports those.
   *
   * @return one entry per missing manager value, in no particular order
   * @throws LDAPException if the directory cannot be read
   */
  public List<MissingManager> missingManagers() throws LDAPException {
    LDAPConnection connection = open();
    try {
      useBackLink(connection);
      List<SearchResultEntry> entries = allMatching(connection, Filter.createPresenceFilter("objectClass"));
      Set<DN> people = new HashSet<>(entries.size() * 2);
      for (SearchResultEntry entry : entries) {
        people.add(entry.getParsedDN());
      }
      List<MissingManager> missing = new ArrayList<>();
      for (SearchResultEntry entry : entries) {
        for (String value : managerValues(entry)) {
          if (!people.contains(parsedOrNull(value))) {
            missing.add(new MissingManager(person(entry, null, false), value));
          }
        }
      }
      return missing;
    } finally {
      connection.close();
    }
  }

  private static DN parsedOrNull(String dn) {
    try {
      return new DN(dn);
    } catch (LDAPException e) {
      return null; // not a DN: names nobody
    }
  }

  @Override
  public void list(LDAPConnection connection, Person manager, Children<Person> out) throws Exception {
    listAll(connection, List.of(manager), List.of(out));
  }

  /** Several managers per listing: their reports' reports come in one query (or a few, past the limit). */
  @Override
  public int batchLimit() {
    return settings.managersPerListing();
  }

  @Override
  public void listAll(LDAPConnection connection, List<Person> managers, List<? extends Children<Person>> out)
      throws Exception {
    List<Person> listable = new ArrayList<>();
    for (Person manager : managers) {
      if (manager.isCycle()) {
        throw new ManagerCycleException(manager + " is among their own reports, directly or not (" + manager.dn() + ")");
      }
      for (Person report : manager.reports()) {
        if (needsQuery(report)) {
          listable.add(report);
        }
      }
    }
    Map<DN, List<Person>> next = reportsOf(connection, listable);
    for (int i = 0; i < managers.size(); i++) {
      for (Person report : managers.get(i).reports()) {
        if (report.isCycle()) {
          out.get(i).branch(report); // listing it reports the cycle
          continue;
        }
        report.setReports(next.getOrDefault(report.parsedDn(), List.of()));
        if (report.reportCount() > 0) {
          out.get(i).branch(report);
        } else {
          out.get(i).leaf(report);
        }
      }
    }
    for (Person manager : managers) {
      manager.reportsListed(); // for good: the engine lists a branch again only after a failed listing
    }
  }

  /** Whether a person's reports must be asked for: not for a cycle, nor for someone linked to nobody. */
  private static boolean needsQuery(Person person) {
    return !person.isCycle() && person.linkedReports() != 0;
  }

  /**
   * Decides whether to read a back-link to reports: the configured attribute, else {@code
   * directReports} if the root DSE says the server is Active Directory.
   */
  private void useBackLink(LDAPConnection connection) throws LDAPException {
    String link = settings.reportsAttribute();
    if (link == null) {
      operations.increment();
      RootDSE dse;
      try {
        dse = connection.getRootDSE();
      } catch (LDAPSearchException e) {
        if (BREAKS_CONNECTION.contains(e.getResultCode())) {
          throw e;
        }
        log.debug("the root DSE cannot be read ({}): no back-link to reports", e.getResultCode());
        dse = null;
      }
      String[] capabilities = dse == null ? null : dse.getAttributeValues("supportedCapabilities");
      if (capabilities != null && Arrays.asList(capabilities).contains(ACTIVE_DIRECTORY_OID)) {
        link = "directReports";
      }
    }
    log.debug("back-link to reports: {}", link == null ? "none" : link);
    String[] withLink = attributes;
    if (link != null) {
      withLink = Arrays.copyOf(attributes, attributes.length + 1);
      withLink[attributes.length] = link;
    }
    requested = withLink;
    backLink = link;
  }

  /**
   * The reports of each of {@code managers}, by manager DN, in as few queries as the limit allows.
   * Queries are cut one at a time, so each is sized with what the ones before it found; one that
   * hits the limit is cut again with the reports per manager its partial result showed.
   */
  private Map<DN, List<Person>> reportsOf(LDAPConnection connection, List<Person> managers) throws LDAPException {
    Map<DN, Person> byDn = new HashMap<>();
    for (Person m : managers) {
      byDn.put(m.parsedDn(), m);
    }
    Map<DN, List<Person>> result = new HashMap<>();
    Deque<List<Person>> retries = new ArrayDeque<>();
    int next = 0; // managers[next..] are not cut into queries yet
    while (!retries.isEmpty() || next < managers.size()) {
      List<Person> chunk;
      if (retries.isEmpty()) {
        chunk = sizer.firstChunk(managers.subList(next, managers.size()));
        next += chunk.size();
      } else {
        chunk = retries.pop();
      }
      Filter[] terms = new Filter[chunk.size()];
      for (int t = 0; t < terms.length; t++) {
        terms[t] = Filter.createEqualityFilter(settings.managerAttribute(), chunk.get(t).dn());
      }
      List<SearchResultEntry> entries;
      if (terms.length == 1) {
        entries = allMatching(connection, terms[0]);
      } else {
        try {
          entries = search(connection, request(Filter.createORFilter(terms)));
        } catch (LDAPSearchException e) {
          if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
            throw e;
          }
          splits.increment();
          sizer.limitHit(e.getEntryCount());
          // Each piece at most half as large, so that this ends with single managers at worst.
          List<List<Person>> pieces = sizer.chunks(chunk, reportsPerManagerSeen(e.getSearchEntries(), byDn),
              (chunk.size() + 1) / 2);
          for (int i = pieces.size() - 1; i >= 0; i--) {
            retries.push(pieces.get(i));
          }
          continue;
        }
      }
      assign(entries, byDn, result);
      sizer.found(chunk, manager -> result.getOrDefault(manager.parsedDn(), List.of()).size());
    }
    return result;
  }

  /**
   * Reports per manager in the partial result of a query that hit the limit, over the managers
   * who appear in it: a lower bound, as the query stopped early, and a better guess for the rest
   * of its managers than the estimate that let it grow too large.
   */
  private double reportsPerManagerSeen(List<SearchResultEntry> partial, Map<DN, Person> byDn) {
    Set<DN> seen = new HashSet<>();
    int matched = 0;
    for (SearchResultEntry entry : partial) {
      for (String value : managerValues(entry)) {
        DN manager = parsedOrNull(value);
        if (manager != null && byDn.containsKey(manager)) {
          seen.add(manager);
          matched++;
        }
      }
    }
    return seen.isEmpty() ? 0 : (double) matched / seen.size();
  }

  private String[] managerValues(SearchResultEntry entry) {
    String[] values = entry.getAttributeValues(settings.managerAttribute());
    return values == null ? new String[0] : values;
  }

  /**
   * Every person matching {@code filter}, however many: one search, else (past the size limit)
   * paging or splitting.
   */
  private List<SearchResultEntry> allMatching(LDAPConnection connection, Filter filter) throws LDAPException {
    try {
      return search(connection, request(filter));
    } catch (LDAPSearchException e) {
      if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
        throw e;
      }
      splits.increment();
      sizer.limitHit(e.getEntryCount());
      return pagedOrSplit(connection, filter, e.getEntryCount());
    }
  }

  /** Everyone matching a filter that passed the size limit: paging, else splitting. */
  private List<SearchResultEntry> pagedOrSplit(LDAPConnection connection, Filter filter, int limitHint)
      throws LDAPException {
    if (!pagingRefused.get()) {
      try {
        return paged(connection, filter, Math.max(1, limitHint));
      } catch (LDAPSearchException e) {
        if (!PAGING_REFUSED.contains(e.getResultCode())) {
          throw e;
        }
        log.debug("the server refuses paging ({}); splitting queries by uid instead", e.getResultCode());
        pagingRefused.set(true);
      }
    }
    return splitByUid(connection, filter);
  }

  private List<SearchResultEntry> paged(LDAPConnection connection, Filter managedBy, int pageSize) throws LDAPException {
    List<SearchResultEntry> entries = new ArrayList<>();
    com.unboundid.asn1.ASN1OctetString cookie = null;
    do {
      SearchRequest request = request(managedBy);
      request.setControls(new SimplePagedResultsControl(pageSize, cookie, true));
      operations.increment();
      SearchResult page = connection.search(request);
      entriesRead.add(page.getEntryCount());
      entries.addAll(page.getSearchEntries());
      SimplePagedResultsControl response = SimplePagedResultsControl.get(page);
      cookie = response == null ? null : response.getCookie();
    } while (cookie != null && cookie.getValueLength() > 0);
    return entries;
  }

  /**
   * Splits one manager's query by uid prefix until every piece fits: for a prefix p, one query per
   * {@code (uid=p<c>*)} and one for every uid under p that starts otherwise (or, at the top, has
   * no uid). A piece still too large is split again.
   */
  private List<SearchResultEntry> splitByUid(LDAPConnection connection, Filter managedBy) throws LDAPException {
    String uid = settings.uidAttribute();
    // By DN: someone with two uid values ("jdoe" and "john.doe") is in two pieces.
    Map<DN, SearchResultEntry> entries = new LinkedHashMap<>();
    Deque<String> prefixes = new ArrayDeque<>(List.of(""));
    while (!prefixes.isEmpty()) {
      String prefix = prefixes.pop();
      Filter[] starts = new Filter[SPLIT_ALPHABET.length()];
      for (int i = 0; i < starts.length; i++) {
        String next = prefix + SPLIT_ALPHABET.charAt(i);
        starts[i] = Filter.createSubstringFilter(uid, next, null, null);
        try {
          addByDn(entries, search(connection, request(Filter.createANDFilter(managedBy, starts[i]))));
        } catch (LDAPSearchException e) {
          if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
            throw e;
          }
          splits.increment();
          prefixes.push(next);
        }
      }
      Filter others = Filter.createNOTFilter(Filter.createORFilter(starts));
      Filter rest = prefix.isEmpty()
          ? Filter.createANDFilter(managedBy, others)
          : Filter.createANDFilter(managedBy, Filter.createSubstringFilter(uid, prefix, null, null), others);
      addByDn(entries, search(connection, request(rest))); // too large here: reported as the listing's error
    }
    return new ArrayList<>(entries.values());
  }

  private static void addByDn(Map<DN, SearchResultEntry> into, List<SearchResultEntry> entries) throws LDAPException {
    for (SearchResultEntry entry : entries) {
      into.putIfAbsent(entry.getParsedDN(), entry);
    }
  }

  private SearchRequest request(Filter managedBy) {
    return new SearchRequest(settings.baseDn(), SearchScope.SUB, Filter.createANDFilter(personFilter, managedBy),
        requested);
  }

  private List<SearchResultEntry> search(LDAPConnection connection, SearchRequest request) throws LDAPException {
    operations.increment();
    try {
      List<SearchResultEntry> entries = connection.search(request).getSearchEntries();
      entriesRead.add(entries.size());
      return entries;
    } catch (LDAPSearchException e) {
      entriesRead.add(e.getEntryCount()); // sent and decoded, then thrown away at the size limit
      throw e;
    }
  }

  /** Files each entry under every manager of the batch it names, flagging manager cycles. */
  private void assign(List<SearchResultEntry> entries, Map<DN, Person> byDn, Map<DN, List<Person>> result)
      throws LDAPException {
    for (SearchResultEntry entry : entries) {
      String[] managers = managerValues(entry);
      if (managers.length == 0) {
        continue;
      }
      DN self = entry.getParsedDN();
      for (String value : managers) {
        Person manager = byDn.get(parsedOrNull(value)); // not a DN: cannot be one of ours
        if (manager == null) {
          continue;
        }
        result.computeIfAbsent(manager.parsedDn(), k -> new ArrayList<>()).add(person(entry, manager, isAncestor(self, manager)));
      }
    }
  }

  private static boolean isAncestor(DN dn, Person manager) {
    for (Person p = manager; p != null; p = p.manager()) {
      if (p.parsedDn().equals(dn)) {
        return true;
      }
    }
    return false;
  }

  private Person person(SearchResultEntry entry, Person manager, boolean cycle) throws LDAPException {
    String link = backLink;
    int linked = -1;
    if (link != null) {
      String[] reports = entry.getAttributeValues(link);
      linked = reports == null ? 0 : reports.length;
    }
    return new Person(entry.getParsedDN(), entry.getAttributeValue(settings.uidAttribute()),
        entry.getAttributeValue("cn"), entry.getAttributeValue("title"), entry.getAttributeValue("mail"),
        entry.getAttributeValue(settings.managerAttribute()), manager, cycle, linked);
  }

  private static byte[] utf8(char[] password) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = Arrays.copyOf(bytes.array(), bytes.limit());
    Arrays.fill(bytes.array(), (byte) 0);
    return out;
  }
}
