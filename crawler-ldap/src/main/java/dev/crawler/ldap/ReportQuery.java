package dev.crawler.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the directory for the reports of several managers at once: {@code (|(manager=a)(manager=b)
 * ...)}, cut by the {@link QuerySizer} into queries that should fit the size limit, and by the
 * {@link TermCap} into queries the server answers in time. Immutable and thread-safe (the sizer and
 * the cap are; the one answer whether the server finds people by DN is set once, under the lock).
 *
 * <p>Queries are cut one at a time, so each is sized with what the ones before it found. A query
 * over several managers that hits the limit is cut again, into pieces at most half as large and
 * sized with the reports per manager its partial result showed, so it ends with single managers at
 * worst; a single manager's query goes through {@link LimitedSearch#allMatching}, which pages or
 * splits by uid.
 *
 * <p>A query over several managers that the server ends at its time limit ("time limit exceeded",
 * the connection still usable) is cut again the same way, and the {@link TermCap} lowered. One the
 * client gave up waiting for (the response timeout, which leaves the connection unusable) lowers
 * the cap and fails the listing as transient: the engine retries it on a new connection, cut
 * smaller, and only when its tries are spent is it a branch error, never the crawl's failure.
 *
 * <p>With a back-link, every manager's answer is checked against it once the queries are done:
 * fewer reports found than the back-link names may be a truncated answer (a server or proxy that
 * drops entries and says success). The back-link's own values are then read (all ranges), and each
 * value the answer lacked that lies in the base and scope is looked up as a person: found, and
 * naming this manager, they were a report the answer lost, and are added; not a person (the filter
 * leaves them out, a contact, a deleted entry) or managed by someone else since, they are no report
 * of the crawl's. So a manager's reports are whole by the directory's own account. It costs one
 * read and one lookup per such value, only where the counts disagree.
 *
 * <h2>By DN, on Active Directory</h2>
 *
 * Samba does not index {@code manager}, so every {@code (manager=...)} term costs a scan of
 * everyone (16 terms took 14.3 s at 5,000 people), while it and AD index {@code distinguishedName}
 * (100 terms: 0.46 s). On Active Directory (decided from the root DSE), the back-link's values of
 * each person who may be listed are kept with the person as read ({@link Fetched#linkedDns}, all
 * ranges read first), and their reports are asked for by DN: {@code
 * (|(distinguishedName=d1)(distinguishedName=d2)...)}, under the base and ANDed with the person
 * filter like any query, each DN once per listing, at most {@link #MOST_DN_TERMS}, the size limit
 * and the {@link TermCap} of DN terms (its own: a DN term costs the server far less than a manager
 * term) per query. The size limit is not probed for first ({@code learnLimit}): no DN query comes
 * near one. Each entry found is filed under the managers of those DNs' listing it names, exactly as
 * an answer to {@code (manager=...)}: a back-link value that is no person in the base and scope is
 * simply not found, as the manager query would not find it; someone whose manager changed since the
 * back-link was read is filed under the manager they name now, or under nobody; each entry found is
 * filed once however many back-links named it. A manager the back-link names more reports of than
 * were found is checked as above. So on a directory that does not change during the crawl, the
 * answer is the manager query's, person for person. Anyone without a back-link read whole here
 * (ranges that could not be read, a count that differs from the values, a person that came from
 * another process, not AD) is asked for by the manager attribute, in queries of their own, so an
 * entry is never filed twice by the two forms. Before the first listing by DN, the server is asked
 * once whether it finds a known person so ({@link #dnFilterWorks}).
 */
final class ReportQuery {
  private static final Logger log = LoggerFactory.getLogger(ReportQuery.class);
  private final LimitedSearch search;
  private final QuerySizer sizer;

  /** How many terms the server answers in time; shared by every worker. */
  private final TermCap termCap;

  private final EntryReader reader;
  private final String managerAttribute;

  /** Whether reports are asked for by DN (see the overview): on AD, with a back-link. */
  private final boolean byDn;

  /** How many DN terms the server answers in time; shared by every worker. */
  private final TermCap dnTermCap;

  /** Whether {@link #dnFilterWorks} found a person; {@code null} until asked. */
  private volatile Boolean dnFilterWorks;

  /**
   * The most DN terms of one query. A DN term finds one entry at most, so a larger query saves only
   * round trips, while the server tests every entry it finds against every term of the OR. Against
   * that, each query costs the server a fixed part that grows with the directory: Samba intersects
   * the person filter's index lists, everyone's, for each query. Samba, per person found, one
   * connection: at 2,051 people 0.85 ms in queries of 1,000 terms, 0.35-0.44 ms at 400 and
   * 0.13-0.15 ms at 25-64; at 50,000 people 0.58 ms at 400 terms, 0.26 at 128, 0.23 at 64, 0.31 at
   * 32 and 0.78 at 8; at 16 connections 0.16-0.22 ms at 64 and 0.19 at 128 (a paged dump: 0.19 ms).
   */
  static final int MOST_DN_TERMS = 64;

  /** AD's attribute holding an entry's own DN, indexed: what reports are asked for by on AD. */
  static final String DISTINGUISHED_NAME = "distinguishedName";

  /** Set once the size limit was looked for (LimitedSearch.learnLimit); read before every query. */
  private volatile boolean limitLearned;

  ReportQuery(LimitedSearch search, QuerySizer sizer, EntryReader reader, LdapSettings settings) {
    this(search, sizer, reader, settings, false);
  }

  /**
   * @param activeDirectory whether the root DSE says Active Directory: then, with a back-link,
   *     reports are asked for by DN (see the overview)
   */
  ReportQuery(
      LimitedSearch search,
      QuerySizer sizer,
      EntryReader reader,
      LdapSettings settings,
      boolean activeDirectory) {
    this.byDn = activeDirectory && reader.backLink() != null;
    this.dnTermCap =
        new TermCap(Math.min(settings.batchSize(), MOST_DN_TERMS), settings.responseTimeout());
    this.search = search;
    this.sizer = sizer;
    this.termCap = new TermCap(settings.batchSize(), settings.responseTimeout());
    this.reader = reader;
    this.managerAttribute = settings.managerAttribute();
  }

  /**
   * The reports of each of {@code managers}, by the manager's normalized DN, in as few queries as
   * the limit allows.
   */
  Map<String, List<Fetched>> reportsOf(LDAPConnection connection, List<Branch> managers)
      throws LDAPException {
    Map<String, List<Fetched>> result = new HashMap<>();
    List<Branch> byManager = managers;
    if (byDn) {
      List<Branch> linked = new ArrayList<>();
      byManager = new ArrayList<>();
      for (Branch manager : managers) {
        (manager.linkedDns() != null ? linked : byManager).add(manager);
      }
      if (!linked.isEmpty() && !dnFilterWorks(connection, linked.get(0))) {
        byManager = managers;
      } else if (!linked.isEmpty()) {
        listByDn(connection, linked, result);
      }
    }
    if (!byManager.isEmpty()) {
      // Only queries by manager need the size limit known before they are cut: a DN query is
      // smaller than any limit a server sets. Samba ignores a search's size limit, so the probe
      // reads every person's DN there (8.8 s at 50,000 people, during which the single-process
      // server answers nobody else).
      if (!limitLearned) {
        learnLimit(connection);
      }
      listByManager(connection, byManager, result);
    }
    for (Branch manager : managers) {
      if (manager.linkedReports > result.getOrDefault(manager.normalizedDn, List.of()).size()) {
        findMissing(connection, manager, result);
      }
    }
    return result;
  }

  /** Lists {@code managers}' reports by the manager attribute, in OR queries cut to fit. */
  private void listByManager(
      LDAPConnection connection, List<Branch> managers, Map<String, List<Fetched>> result)
      throws LDAPException {
    Managers batch = new Managers(managers);
    Deque<List<Branch>> retries = new ArrayDeque<>();
    int next = 0; // managers[next..] are not cut into queries yet
    while (!retries.isEmpty() || next < managers.size()) {
      List<Branch> chunk;
      if (retries.isEmpty()) {
        chunk = sizer.firstChunk(managers.subList(next, managers.size()), termCap.get());
        next += chunk.size();
      } else {
        chunk = retries.pop();
      }
      List<SearchResultEntry> entries = query(connection, chunk, batch, retries);
      if (entries == null) {
        continue; // cut again: its pieces are on `retries`
      }
      assign(connection, entries, batch, result, null);
      sizer.found(chunk, manager -> result.getOrDefault(manager.normalizedDn, List.of()).size());
    }
  }

  /**
   * Lists {@code managers}' reports by the DNs their back-links hold (see the overview). A DN term
   * matches one entry at most, so a query of no more terms than the size limit fits it; one that
   * hits a limit anyway (a lower one than learned, the server's time limit) is cut in halves.
   */
  private void listByDn(
      LDAPConnection connection, List<Branch> managers, Map<String, List<Fetched>> result)
      throws LDAPException {
    Managers batch = new Managers(managers);
    Set<String> terms = new HashSet<>();
    List<String> dns = new ArrayList<>();
    for (Branch manager : managers) {
      for (String dn : manager.linkedDns()) {
        if (terms.add(dn)) {
          dns.add(dn);
        }
      }
    }
    Set<String> filed = new HashSet<>(); // each entry once, however many back-links named it
    Deque<List<String>> retries = new ArrayDeque<>();
    int next = 0;
    while (!retries.isEmpty() || next < dns.size()) {
      List<String> chunk;
      if (retries.isEmpty()) {
        int limit = sizer.limit();
        int n = Math.max(1, limit > 0 ? Math.min(limit, dnTermCap.get()) : dnTermCap.get());
        chunk = dns.subList(next, Math.min(dns.size(), next + n));
        next += chunk.size();
      } else {
        chunk = retries.pop();
      }
      List<SearchResultEntry> entries = queryByDn(connection, chunk, retries);
      if (entries != null) {
        assign(connection, entries, batch, result, filed);
      }
    }
    sizer.found(managers, manager -> result.getOrDefault(manager.normalizedDn, List.of()).size());
  }

  /**
   * The people among {@code dns}, or {@code null} if the query hit a size or time limit and was cut
   * in halves onto {@code retries}.
   */
  private List<SearchResultEntry> queryByDn(
      LDAPConnection connection, List<String> dns, Deque<List<String>> retries)
      throws LDAPException {
    Filter[] terms = new Filter[dns.size()];
    for (int t = 0; t < terms.length; t++) {
      terms[t] = Filter.createEqualityFilter(DISTINGUISHED_NAME, dns.get(t));
    }
    long began = System.nanoTime();
    try {
      Filter filter = terms.length == 1 ? terms[0] : Filter.createORFilter(terms);
      List<SearchResultEntry> entries = search.once(connection, filter);
      dnTermCap.answered(terms.length, System.nanoTime() - began);
      return entries;
    } catch (LDAPSearchException e) {
      boolean timeLimit = e.getResultCode() == ResultCode.TIME_LIMIT_EXCEEDED;
      if (timeLimit || e.getResultCode() == ResultCode.TIMEOUT) {
        dnTermCap.timedOut(terms.length);
      }
      if ((e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED && !timeLimit) || dns.size() == 1) {
        throw e;
      }
      if (timeLimit) {
        search.timeLimitHit();
      } else {
        search.limitHit(e);
      }
      int half = (dns.size() + 1) / 2;
      retries.push(dns.subList(half, dns.size()));
      retries.push(dns.subList(0, half));
      return null;
    }
  }

  /**
   * Whether the server finds people by {@code distinguishedName}: asked once per source, of a
   * person the crawl already found, {@code (distinguishedName=their DN)} under the base, before the
   * first listing by DN; other workers wait for the answer. A server that says AD and finds nobody
   * so (an AD-shaped directory whose entries do not carry the attribute) would otherwise have every
   * report looked up one by one, as missing from its manager's answer.
   */
  private boolean dnFilterWorks(LDAPConnection connection, Branch known) throws LDAPException {
    Boolean works = dnFilterWorks;
    if (works == null) {
      synchronized (this) {
        works = dnFilterWorks;
        if (works == null) {
          works =
              !search
                  .once(connection, Filter.createEqualityFilter(DISTINGUISHED_NAME, known.dn))
                  .isEmpty();
          if (!works) {
            log.debug(
                "the directory finds no person by {} ({} is not found so): reports are asked for by"
                    + " {}",
                DISTINGUISHED_NAME,
                known.dn,
                managerAttribute);
          }
          dnFilterWorks = works;
        }
      }
    }
    return works;
  }

  /**
   * {@code person}, read from {@code entry}, with their back-link's values kept for asking for
   * their reports by DN: on AD only, and only when every value was read and they are as many as the
   * count the person carries; otherwise {@code person} as it is, whose reports are asked for by the
   * manager attribute. Reads the rest of a back-link sent in ranges again over {@code connection}.
   */
  Fetched remember(LDAPConnection connection, SearchResultEntry entry, Fetched person)
      throws LDAPException {
    if (!byDn
        || person.linkedReports() <= 0
        || person.cycle()
        || Boolean.FALSE.equals(dnFilterWorks)) {
      return person;
    }
    List<String> dns;
    try {
      dns = reader.linkedDns(connection, entry);
    } catch (TruncatedAnswerException e) {
      return person; // the ranges could not be read whole again: by the manager attribute
    }
    return dns.size() == person.linkedReports() ? person.withLinkedDns(dns) : person;
  }

  /**
   * Looks for the reports {@code manager}'s back-link names that their answer lacked, and adds
   * those that are people in the crawl's base and scope naming this manager (see the overview).
   */
  private void findMissing(
      LDAPConnection connection, Branch manager, Map<String, List<Fetched>> result)
      throws LDAPException {
    List<Fetched> found = result.computeIfAbsent(manager.normalizedDn, k -> new ArrayList<>());
    Set<String> have = new HashSet<>();
    for (Fetched p : found) {
      have.add(p.normalizedDn());
    }
    SearchResultEntry self = search.read(connection, manager.dn, reader.backLink());
    if (self == null) {
      throw new TruncatedAnswerException(
          "the directory names "
              + manager.linkedReports
              + " reports of "
              + manager.dn
              + ", "
              + found.size()
              + " were found, and the entry is gone: its reports are not known whole");
    }
    int added = 0;
    for (String value : reader.linkedDns(connection, self)) {
      String dn = EntryReader.normalizedOrNull(value);
      if (dn == null || have.contains(dn) || !search.inScope(value)) {
        continue;
      }
      SearchResultEntry entry = search.lookUp(connection, value);
      if (entry == null || !namesManager(entry, manager)) {
        continue;
      }
      String reportDn = DnNormalizer.normalize(entry.getDN());
      if (have.add(reportDn)) {
        found.add(
            remember(
                connection,
                entry,
                reader.person(connection, entry, reportDn, manager.isSelfOrAbove(reportDn))));
        added++;
      }
    }
    if (added > 0) {
      log.warn(
          "{}: the answer held {} of the {} reports the back-link names; {} more found by looking"
              + " them up (a server or proxy dropped entries from a successful answer)",
          manager.dn,
          found.size() - added,
          manager.linkedReports,
          added);
    } else {
      log.debug(
          "{}: {} reports of the {} the back-link names; the rest are not people in the base and"
              + " scope",
          manager.dn,
          found.size(),
          manager.linkedReports);
    }
  }

  private boolean namesManager(SearchResultEntry entry, Branch manager) {
    for (String value : reader.managerValues(entry)) {
      if (value.equals(manager.dn)
          || manager.normalizedDn.equals(EntryReader.normalizedOrNull(value))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Once per source, before its first query by manager; other workers wait for it rather than query
   * blind.
   */
  private synchronized void learnLimit(LDAPConnection connection) throws LDAPException {
    if (!limitLearned) {
      search.learnLimit(connection);
      limitLearned = true;
    }
  }

  /**
   * The managers of one listing, found by the value of a report's manager attribute. That value is
   * nearly always the manager's DN exactly as the server writes it, so it is looked up as written
   * first; only a differently spelt DN (case, spacing) is normalized. Parsing every value cost more
   * than a third of a worker's time at 200,000 people.
   */
  private static final class Managers {
    private final List<Branch> managers;
    private final Map<String, Branch> byWrittenDn;

    /** Made at the first value not written as any manager's DN is: rarely, if ever. */
    private Map<String, Branch> byNormalizedDn;

    Managers(List<Branch> managers) {
      this.managers = managers;
      this.byWrittenDn = new HashMap<>(managers.size() * 4 / 3 + 1);
      for (Branch m : managers) {
        byWrittenDn.put(m.dn, m);
      }
    }

    /** The manager a value names, or {@code null} if it names none of them (or is not a DN). */
    Branch named(String value) {
      Branch manager = byWrittenDn.get(value);
      if (manager != null) {
        return manager;
      }
      String normalized = EntryReader.normalizedOrNull(value);
      if (normalized == null) {
        return null;
      }
      if (byNormalizedDn == null) {
        byNormalizedDn = new HashMap<>(managers.size() * 4 / 3 + 1);
        for (Branch m : managers) {
          byNormalizedDn.put(m.normalizedDn, m);
        }
      }
      return byNormalizedDn.get(normalized);
    }
  }

  /**
   * The reports of one chunk of managers, or {@code null} if its query hit the limit and was cut
   * again into {@code retries}.
   */
  private List<SearchResultEntry> query(
      LDAPConnection connection, List<Branch> chunk, Managers batch, Deque<List<Branch>> retries)
      throws LDAPException {
    Filter[] terms = new Filter[chunk.size()];
    for (int t = 0; t < terms.length; t++) {
      terms[t] = Filter.createEqualityFilter(managerAttribute, chunk.get(t).dn);
    }
    if (terms.length == 1) {
      return search.allMatching(connection, terms[0]);
    }
    long began = System.nanoTime();
    try {
      List<SearchResultEntry> entries = search.once(connection, Filter.createORFilter(terms));
      termCap.answered(terms.length, System.nanoTime() - began);
      return entries;
    } catch (LDAPSearchException e) {
      boolean timeLimit = e.getResultCode() == ResultCode.TIME_LIMIT_EXCEEDED;
      if (timeLimit || e.getResultCode() == ResultCode.TIMEOUT) {
        termCap.timedOut(terms.length);
        log.debug(
            "a query of {} terms timed out ({}); from now on at most {} terms",
            terms.length,
            e.getResultCode(),
            termCap.get());
      }
      if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED && !timeLimit) {
        throw e;
      }
      double floor = 0;
      if (timeLimit) {
        search.timeLimitHit();
      } else {
        search.limitHit(e);
        floor = reportsPerManagerSeen(e.getSearchEntries(), batch);
      }
      // Each piece at most half as large, so that this ends with single managers at worst.
      List<List<Branch>> pieces =
          sizer.chunks(chunk, floor, Math.min((chunk.size() + 1) / 2, termCap.get()));
      for (int i = pieces.size() - 1; i >= 0; i--) {
        retries.push(pieces.get(i));
      }
      return null;
    }
  }

  /**
   * Reports per manager in the partial result of a query that hit the limit, over the managers who
   * appear in it: a lower bound, as the query stopped early, and a better guess for the rest of its
   * managers than the estimate that let it grow too large.
   */
  private double reportsPerManagerSeen(List<SearchResultEntry> partial, Managers batch) {
    Set<Branch> seen = new HashSet<>();
    int matched = 0;
    for (SearchResultEntry entry : partial) {
      for (String value : reader.managerValues(entry)) {
        Branch manager = batch.named(value);
        if (manager != null) {
          seen.add(manager);
          matched++;
        }
      }
    }
    return seen.isEmpty() ? 0 : (double) matched / seen.size();
  }

  /**
   * Files each entry under every manager of the batch it names, flagging manager cycles; with
   * {@code filed}, only entries not in it, adding them.
   */
  private void assign(
      LDAPConnection connection,
      List<SearchResultEntry> entries,
      Managers batch,
      Map<String, List<Fetched>> result,
      Set<String> filed)
      throws LDAPException {
    for (SearchResultEntry entry : entries) {
      String[] managers = reader.managerValues(entry);
      if (managers.length == 0) {
        continue;
      }
      String self = DnNormalizer.normalize(entry.getDN());
      if (filed != null && !filed.add(self)) {
        continue;
      }
      for (String value : managers) {
        Branch manager = batch.named(value);
        if (manager == null) {
          continue;
        }
        result
            .computeIfAbsent(manager.normalizedDn, k -> new ArrayList<>())
            .add(
                remember(
                    connection,
                    entry,
                    reader.person(connection, entry, self, manager.isSelfOrAbove(self))));
      }
    }
  }
}
