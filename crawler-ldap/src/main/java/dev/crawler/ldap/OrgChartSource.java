package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import dev.crawler.core.spi.NodeCodec;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * An org chart in an LDAP directory as a {@link BranchSource}: a person with reports is a branch,
 * anyone else a leaf. Each worker has its own connection (the session). Immutable once built (the
 * back-link decision included) and thread-safe: every worker lists through the same instance.
 *
 * <h2>Round trips</h2>
 *
 * Listing a manager costs one query, whatever their number of reports: the reports themselves were
 * fetched with the manager's siblings, and the query fetches the reports of all of them at once
 * ({@code (|(manager=a)(manager=b)...)}, at most {@code batchSize} terms; see {@link ReportQuery}).
 * That is also how each person is known to be a branch or a leaf before anyone lists them, so
 * people without reports cost no query at all. With a back-link to reports (Active Directory's
 * {@code directReports}, detected from the root DSE, or any attribute the settings name), a person
 * linked to nobody is not asked about either. On Active Directory the reports are asked for by the
 * DNs the back-link holds instead, which AD and Samba index and {@code manager} Samba does not,
 * with the same answer ({@link ReportQuery}). {@link #operations()} counts every operation sent.
 *
 * <h2>Answers that may be truncated</h2>
 *
 * A listing hands over its children only once every query it sent has answered whole, so a listing
 * that fails hands over nobody, and is retried (a transient failure) or reported as a branch error:
 * the crawl never ends COMPLETE on part of an answer. Each way an answer can come short, and what
 * is done about it:
 *
 * <ul>
 *   <li><b>Size limit</b> ("size limit exceeded", AD's MaxPageSize without paging): never trusted
 *       partially. An OR query is cut again ({@link ReportQuery}); a single manager's query pages,
 *       else splits by uid ({@link LimitedSearch}); a piece of a split that still does not fit
 *       fails the listing.
 *   <li><b>Time limit</b> (the server's, "time limit exceeded"): an OR query is cut again, and the
 *       {@link TermCap} lowered, as for the size limit; a single manager's query fails the listing
 *       with it.
 *   <li><b>Admin limit, any result but success</b>: the SDK throws, and the listing fails with it
 *       (retried when {@link LdapFailures#isTransient}, else a branch error).
 *   <li><b>Ranged attribute</b> (a back-link past AD's MaxValRange, {@code
 *       directReports;range=0-1499}): read to its end by range retrieval ({@link RangeRetrieval}),
 *       so the count is exact; if the server does not follow the ranges, the count is not used and
 *       that person's reports are asked for by the manager attribute ({@link EntryReader}).
 *   <li><b>Lost paging cookie</b> (a later page without the paged-results control, or a refusal
 *       mid-way): the search starts again split by uid, handing nobody over twice ({@link
 *       LimitedSearch}); any other failure fails the listing.
 *   <li><b>Count disagreement</b> (fewer reports found than the back-link names): the back-link's
 *       values are read and those missing looked up, and the reports the answer lost are added
 *       ({@link ReportQuery}); if the back-link cannot be read again, {@link
 *       TruncatedAnswerException} names the manager and the listing is a branch error.
 * </ul>
 *
 * <h2>Failures</h2>
 *
 * A dropped connection or a timeout is transient and breaks the session: the engine opens a new
 * connection and retries, with queries no larger than the server answered in time ({@link
 * TermCap}). A listing that times out is such a retried listing, and when its tries are spent, a
 * branch error naming the manager: never the crawl's failure. A worker connects (and binds) when it
 * first lists, not before ({@link LdapSession}). A directory that went away (a restart, a failover)
 * is waited for, up to {@link LdapSettings#reconnectFor()}, as a connection opens; past that the
 * crawl fails with {@link DirectoryUnreachableException}. Bad credentials fail the crawl at the
 * first listing: the lazy connection fails, the engine replaces the session, and the replacement's
 * {@link #open()} throws. The set-up methods ({@link #of} when it must read the root DSE, {@link
 * #findRoot} and the counts) try once and throw the server's message: a wrong port is said at once.
 * A person met again below themselves (a manager cycle) is listed as a {@link
 * ManagerCycleException} and not entered again. People whose chain of managers never meets the root
 * are out of a crawl's reach by nature; {@link #outOfReach} finds them, and says why.
 */
public final class OrgChartSource implements BranchSource<Person, LdapSession> {
  private final LdapSettings settings;
  private final LdapCounters counters = new LdapCounters();
  private final Connector connector;
  private final Disconnector disconnector;

  /** Opens the workers' connections, waiting out an outage of the directory. */
  private final Reconnection reconnection;

  private final LimitedSearch search;
  private final EntryReader reader;
  private final ReportQuery reports;
  private final ReachAudit audit;

  /** What a root given by name is looked up by: the uid attribute, or AD's several names. */
  private final List<String> rootAttributes;

  private OrgChartSource(LdapSettings given, Disconnector disconnector)
      throws GeneralSecurityException, LDAPException {
    this.disconnector = disconnector;
    this.connector = new Connector(given, counters, disconnector);
    DirectoryDefaults directory = DirectoryDefaults.decide(given, connector, counters);
    this.settings = directory.settings();
    this.rootAttributes = directory.rootAttributes();
    this.reconnection =
        new Reconnection(
            connector::open,
            disconnector::disconnected,
            settings.reconnectFor(),
            settings.where(),
            Reconnection.Clock.SYSTEM);
    String backLink = directory.backLink();
    Set<String> wanted =
        new LinkedHashSet<>(List.of(settings.uidAttribute(), settings.managerAttribute()));
    wanted.addAll(settings.attributes());
    wanted.remove(LdapSettings.NO_ATTRIBUTES); // none beyond ours: the search names its own
    if (backLink != null) {
      wanted.add(backLink);
    }
    wanted.add(
        DirectoryDefaults.ACCOUNT_CONTROL); // AD's; other directories have none, and say nothing
    QuerySizer sizer = new QuerySizer(settings.batchSize());
    this.search =
        new LimitedSearch(
            settings, personFilter(settings), wanted.toArray(String[]::new), counters, sizer);
    this.reader = new EntryReader(settings, backLink, new RangeRetrieval(search));
    this.reports = new ReportQuery(search, sizer, reader, settings, directory.activeDirectory());
    this.audit =
        new ReachAudit(search, reader, settings.managerAttribute(), ReachAudit.LOOKUP_MOST);
  }

  /**
   * A source for the directory {@code settings} describe. When the settings leave the back-link to
   * reports, the person filter or the uid attribute to the directory (see {@link LdapSettings}),
   * connects once to read the root DSE and decide (Active Directory's, or the others'); otherwise
   * connects to nothing yet. What was decided is logged at debug level.
   *
   * @param settings where the directory is and how its chart is shaped
   * @return the source
   * @throws IllegalArgumentException if the person filter or base DN is malformed
   * @throws GeneralSecurityException if the CA file cannot be read
   * @throws LDAPException if the root DSE must be read and the server cannot be reached or refuses
   *     the bind
   */
  public static OrgChartSource of(LdapSettings settings)
      throws GeneralSecurityException, LDAPException {
    return of(settings, new Disconnector());
  }

  /**
   * As {@link #of(LdapSettings)}, with every connection (the root DSE's, when it is read here,
   * included) closed by {@code disconnector}: a caller that must bound the set-up as well as the
   * crawl (a deadline for the whole command) holds the disconnector before anything connects.
   *
   * @param settings where the directory is and how its chart is shaped
   * @param disconnector closes every connection this source opens, when asked
   * @return the source
   * @throws IllegalArgumentException if the person filter or base DN is malformed
   * @throws GeneralSecurityException if the CA file cannot be read
   * @throws LDAPException if the root DSE must be read and the server cannot be reached or refuses
   *     the bind
   */
  public static OrgChartSource of(LdapSettings settings, Disconnector disconnector)
      throws GeneralSecurityException, LDAPException {
    Objects.requireNonNull(disconnector, "disconnector");
    if (settings.personFilter() != null) {
      personFilter(settings); // a bad filter is said before anything connects
    }
    if (!DN.isValidDN(settings.baseDn())) {
      throw new IllegalArgumentException("bad base DN '" + settings.baseDn() + "'");
    }
    return new OrgChartSource(settings, disconnector);
  }

  private static Filter personFilter(LdapSettings settings) {
    try {
      return Filter.create(settings.personFilter());
    } catch (LDAPException e) {
      throw new IllegalArgumentException(
          "bad person filter '" + settings.personFilter() + "': " + e.getMessage(), e);
    }
  }

  /**
   * The settings this source crawls with: those given, with what they left to the directory filled
   * in (the person filter, the uid attribute, the back-link; see {@link LdapSettings}).
   *
   * @return the settings in use
   */
  public LdapSettings settings() {
    return settings;
  }

  /**
   * The extra attributes every person carries in {@link Person#attributes()}, in that order: each
   * once, none that repeats a field of its own (see {@link LdapSettings.Builder#extraAttributes}).
   * What an output with a column per extra attribute names its columns by.
   *
   * @return the names
   */
  public List<String> extraAttributes() {
    return settings.extraAttributes();
  }

  /**
   * Closes every connection of this source, at once, from any thread, and refuses new ones: a
   * listing or a set-up call blocked on a server that stopped answering ends at once (a listing as
   * a dropped connection, which a stopped crawl does not report; {@link #open()} with {@link
   * InterruptedException}). Stop the crawl first ({@code Crawl.cancel()}, or its deadline), then
   * call this: the crawl's waits for its workers then end within a listing, whatever the server
   * does. The source cannot connect again afterwards. Idempotent.
   */
  public void disconnectAll() {
    disconnector.disconnectAll();
  }

  /**
   * @return the LDAP operations sent so far by every connection: binds, searches, StartTLS
   */
  public long operations() {
    return counters.operations.sum();
  }

  /**
   * Entries the server sent to every connection, those of queries that hit the size limit (and were
   * sent again in pieces) included: above the number of people, the cost of the limit.
   *
   * @return the entries read so far
   */
  public long entriesRead() {
    return counters.entriesRead.sum();
  }

  /**
   * @return the queries split so far because they hit the size limit
   */
  public long splits() {
    return counters.splits.sum();
  }

  /**
   * A worker's session: its connection, opened and bound when a listing first needs to ask the
   * directory (see {@link LdapSession}), so that a worker that never lists never binds. A thread's
   * later sessions connect here, at once: the engine opens one only to replace a session that broke
   * (its connection dropped, or could not be opened), and a directory that cannot be reached then
   * fails the crawl, as below.
   *
   * <p>Connecting, when the directory cannot be reached for a transient reason (connection refused
   * or dropped, a timeout, "busy", "unavailable"), tries again with backoff until the directory has
   * been unreachable for {@link LdapSettings#reconnectFor()}, counted from the first failure since
   * any connection last opened: a restart or a failover of a few seconds costs the crawl nothing. A
   * listing that lost its connection that way is retried by the engine on the new connection, and a
   * listing hands its children over only when it is whole, so every person is still visited exactly
   * once. A stop of the crawl (its deadline included) ends the wait.
   *
   * @throws LDAPException at once, for what waiting would not mend (a refused bind)
   * @throws DirectoryUnreachableException if the directory did not answer within the budget: the
   *     crawl fails with it
   * @throws InterruptedException if the crawl stopped while it waited
   */
  @Override
  public LdapSession open()
      throws LDAPException, DirectoryUnreachableException, InterruptedException {
    if (hadSession.get()) {
      return new LdapSession(reconnection::open, reconnection.open());
    }
    hadSession.set(Boolean.TRUE);
    return new LdapSession(reconnection::open, null);
  }

  /**
   * Whether the calling thread has opened a session of this source before: its first is opened
   * lazily, any later one (a replacement) at once. Per thread, as the engine confines a session to
   * its worker's thread.
   */
  private final ThreadLocal<Boolean> hadSession = ThreadLocal.withInitial(() -> Boolean.FALSE);

  @Override
  public void close(LdapSession session) {
    if (session != null) {
      session.close();
    }
  }

  @Override
  public boolean isTransient(Exception failure) {
    return LdapFailures.isTransient(failure);
  }

  @Override
  public boolean isSessionBroken(Exception failure) {
    return LdapFailures.breaksConnection(failure);
  }

  /**
   * People as bytes, for a crawl whose branches cross processes (crawler-kafka): a person to be
   * listed elsewhere travels with their fetched reports and their managers' DNs. Processes of one
   * crawl build their sources from the same settings.
   *
   * @return the codec, stateless and shared
   */
  public NodeCodec<Person> codec() {
    return CODEC;
  }

  private static final PersonCodec CODEC = new PersonCodec();

  /**
   * Finds the person to start at, with their reports, over a connection of its own.
   *
   * @param uidOrDn a uid, or a DN. On Active Directory, unless the settings name the uid attribute:
   *     a {@code sAMAccountName}, {@code userPrincipalName} or {@code mail}, in one search, so that
   *     two people matching by different names are ambiguous, not a guess
   * @return the root person, ready for {@code Crawler.start}
   * @throws NoSuchPersonException if nobody, or more than one person, matches (the message names up
   *     to three of them)
   * @throws LDAPException if the directory cannot be reached or refuses the bind, or (result code
   *     NO_SUCH_OBJECT) the base DN does not exist
   */
  public Person findRoot(String uidOrDn) throws NoSuchPersonException, LDAPException {
    LDAPConnection connection = connector.open();
    try {
      boolean isDn = uidOrDn.contains("=") && DN.isValidDN(uidOrDn);
      SearchRequest request = isDn ? search.lookup(uidOrDn) : search.request(byName(uidOrDn));
      List<SearchResultEntry> found;
      try {
        found = search.search(connection, request);
      } catch (LDAPSearchException e) {
        if (isDn && e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
          throw new NoSuchPersonException("no person " + uidOrDn + " (no such entry)");
        }
        throw e; // for a uid, NO_SUCH_OBJECT means the base DN itself is missing: the caller says
        // so
      }
      String names =
          String.join(", ", rootAttributes.subList(0, rootAttributes.size() - 1))
              + (rootAttributes.size() > 1 ? " or " : "")
              + rootAttributes.get(rootAttributes.size() - 1);
      if (found.isEmpty()) {
        throw new NoSuchPersonException(
            rootAttributes.size() == 1
                ? "no person with " + names + "=" + uidOrDn + " under " + settings.baseDn()
                : "no person with " + uidOrDn + " as " + names + " under " + settings.baseDn());
      }
      if (found.size() > 1) {
        throw new NoSuchPersonException(
            rootAttributes.size() == 1
                ? found.size()
                    + " people have "
                    + names
                    + "="
                    + uidOrDn
                    + "; name the root by its DN"
                : found.size()
                    + " people have "
                    + uidOrDn
                    + " as "
                    + names
                    + " ("
                    + found.stream()
                        .limit(3)
                        .map(SearchResultEntry::getDN)
                        .collect(Collectors.joining("; "))
                    + (found.size() > 3 ? "; ..." : "")
                    + "); name the root by its DN");
      }
      Fetched root =
          reports.remember(
              connection, found.get(0), reader.person(connection, found.get(0), false));
      Branch branch = new Branch(root, null);
      List<Fetched> below =
          root.needsQuery()
              ? reports
                  .reportsOf(connection, List.of(branch))
                  .getOrDefault(root.normalizedDn(), List.of())
              : List.of();
      return new Person(root, below.size(), branch.reportsFound(below));
    } finally {
      connection.close();
    }
  }

  /** Who {@code name} names: an equality on each root attribute, ORed when there are several. */
  private Filter byName(String name) {
    List<Filter> terms =
        rootAttributes.stream().map(a -> Filter.createEqualityFilter(a, name)).toList();
    return terms.size() == 1 ? terms.get(0) : Filter.createORFilter(terms);
  }

  /**
   * Everyone under the base DN (who matches the person filter) whom a crawl from {@code root} does
   * not reach, each with the reason (see {@link OutOfReach}): no manager, a manager that does not
   * exist, is outside the base or is left out by the filter, a manager cycle, or below someone out
   * of reach for one of those reasons. People in the root's own part of the chart (above the root
   * when it is not the top, and beside it) are counted in the summary, not named. Reads every
   * person once, over a connection of its own, in pieces that fit the size limit (paging where the
   * server allows it, else uid prefixes), then those out of reach again: about as costly as
   * crawling everyone.
   *
   * @param root the root of the crawl, as {@link #findRoot} found them
   * @return one per person out of reach, in no particular order
   * @throws LDAPException if the directory cannot be read
   */
  public List<OutOfReach> outOfReach(Person root) throws LDAPException {
    List<OutOfReach> found = new ArrayList<>();
    outOfReach(root, found::add);
    return found;
  }

  /**
   * As {@link #outOfReach(Person)}, handing each to {@code each} as it is read again (what the
   * audit holds is DNs and indexes, not entries), and saying how many there are, by part of the
   * chart. {@code each} is called on the calling thread.
   *
   * @param root the root of the crawl, as {@link #findRoot} found them
   * @param each given each person out of reach, in no particular order
   * @return how many there are, by part of the chart
   * @throws LDAPException if the directory cannot be read
   */
  public OutOfReach.Summary outOfReach(Person root, Consumer<OutOfReach> each)
      throws LDAPException {
    Objects.requireNonNull(root, "root");
    LDAPConnection connection = connector.open();
    try {
      return audit.outOfReach(connection, root, each);
    } finally {
      connection.close();
    }
  }

  /**
   * How many people the base DN holds, when the account can count them cheaply: one search of their
   * DNs alone, or pages of DNs past the size limit. Empty when the limit stops the search and the
   * server refuses paging (OpenLDAP's default for a limited account). Over a connection of its own;
   * not counted in {@link #operations()}.
   *
   * @return how many people there are, or empty
   * @throws LDAPException if the directory cannot be read
   */
  public OptionalLong countPeople() throws LDAPException {
    LDAPConnection connection = connector.open();
    try {
      return search.countPeople(connection);
    } finally {
      connection.close();
    }
  }

  /**
   * Whether any person under the base DN has the manager attribute at all: when a crawl finds
   * nobody below its root, a misspelt {@code --manager-attribute} is the likely reason. One search
   * of one entry, over a connection of its own.
   *
   * @return whether someone has a manager
   * @throws LDAPException if the directory cannot be read
   */
  public boolean anyoneHasAManager() throws LDAPException {
    LDAPConnection connection = connector.open();
    try {
      SearchRequest request =
          search.request(Filter.createPresenceFilter(settings.managerAttribute()));
      request.setSizeLimit(1);
      try {
        return !search.search(connection, request).isEmpty();
      } catch (LDAPSearchException e) {
        if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
          return true;
        }
        throw e;
      }
    } finally {
      connection.close();
    }
  }

  @Override
  public void list(LdapSession session, Person manager, Children<Person> out) throws Exception {
    listAll(session, List.of(manager), List.of(out));
  }

  /**
   * Workers when the caller does not choose: {@value #PREFERRED_WORKERS}, one connection each.
   * Listings wait on the server, so more workers than cores pay, until the server is busy: with
   * slapd on the same 2 cores, 200,000 people took 3.05-3.09 s at 12-16 workers, 3.46 s at 8 and
   * 3.90 s at 32 (crawler-bench/ldap-bench, src/site/markdown/ldap-benchmarks.md).
   */
  public static final int PREFERRED_WORKERS = 16;

  @Override
  public int preferredWorkers() {
    return PREFERRED_WORKERS;
  }

  /**
   * Several managers per listing: their reports' reports come in one query (or a few, past the
   * limit).
   */
  @Override
  public int batchLimit() {
    return settings.managersPerListing();
  }

  /**
   * Lists {@code managers}: asks for their reports' reports (see the overview), then hands each
   * report over as a new, finished {@link Person}. What changes as the crawl goes (the reports
   * still to be listed, the sizer's counts) is in the source's {@code Branch} records, never in a
   * person already handed over.
   */
  @Override
  public void listAll(
      LdapSession session, List<Person> managers, List<? extends Children<Person>> out)
      throws Exception {
    List<Branch> listable = new ArrayList<>();
    List<List<Branch>> below = new ArrayList<>(managers.size());
    for (Person manager : managers) {
      if (manager.isCycle()) {
        throw new ManagerCycleException(
            manager + " is among their own reports, directly or not (" + manager.dn() + ")");
      }
      Branch branch = manager.branch();
      List<Fetched> fetched = branch == null ? List.of() : branch.reports();
      if (fetched == null) {
        throw new IllegalStateException(
            manager + " was listed already"); // the engine lists a branch once it succeeds
      }
      List<Branch> records = new ArrayList<>(fetched.size());
      for (Fetched report : fetched) {
        // A record for each report asked about, before their reports are asked for: the sizer and
        // the cycle check walk from it up the chain. A cycle marker's serves only to carry that
        // chain; anyone else is a leaf, and needs none.
        Branch record = report.needsQuery() || report.cycle() ? new Branch(report, branch) : null;
        records.add(record);
        if (report.needsQuery()) {
          listable.add(record);
        }
      }
      below.add(records);
    }
    // Nobody to ask about (leaves, or people the back-link links to nobody): no connection needed.
    Map<String, List<Fetched>> next =
        listable.isEmpty() ? Map.of() : reports.reportsOf(session.connection(), listable);
    for (int i = 0; i < managers.size(); i++) {
      Branch branch = managers.get(i).branch();
      List<Fetched> fetched = branch == null ? List.of() : branch.reports();
      for (int r = 0; r < fetched.size(); r++) {
        Fetched report = fetched.get(r);
        if (report.cycle()) {
          out.get(i)
              .branch(new Person(report, -1, below.get(i).get(r))); // listing it reports the cycle
          continue;
        }
        List<Fetched> theirs = next.getOrDefault(report.normalizedDn(), List.of());
        if (theirs.isEmpty()) {
          out.get(i).leaf(new Person(report, 0, null));
        } else {
          out.get(i)
              .branch(new Person(report, theirs.size(), below.get(i).get(r).reportsFound(theirs)));
        }
      }
    }
    for (Person manager : managers) {
      if (manager.branch() != null) {
        manager
            .branch()
            .listed(); // for good: the engine lists a branch again only after a failed listing
      }
    }
  }
}
