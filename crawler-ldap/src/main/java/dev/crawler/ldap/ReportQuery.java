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
 * the cap are).
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
 */
final class ReportQuery {
  private static final Logger log = LoggerFactory.getLogger(ReportQuery.class);
  private final LimitedSearch search;
  private final QuerySizer sizer;

  /** How many terms the server answers in time; shared by every worker. */
  private final TermCap termCap;

  private final EntryReader reader;
  private final String managerAttribute;

  /** Set once the size limit was looked for (LimitedSearch.learnLimit); read before every query. */
  private volatile boolean limitLearned;

  ReportQuery(LimitedSearch search, QuerySizer sizer, EntryReader reader, LdapSettings settings) {
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
    if (!limitLearned) {
      learnLimit(connection);
    }
    Managers batch = new Managers(managers);
    Map<String, List<Fetched>> result = new HashMap<>();
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
      assign(connection, entries, batch, result);
      sizer.found(chunk, manager -> result.getOrDefault(manager.normalizedDn, List.of()).size());
    }
    for (Branch manager : managers) {
      if (manager.linkedReports > result.getOrDefault(manager.normalizedDn, List.of()).size()) {
        findMissing(connection, manager, result);
      }
    }
    return result;
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
        found.add(reader.person(connection, entry, reportDn, manager.isSelfOrAbove(reportDn)));
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

  /** Once per source, before its first query; other workers wait for it rather than query blind. */
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

  /** Files each entry under every manager of the batch it names, flagging manager cycles. */
  private void assign(
      LDAPConnection connection,
      List<SearchResultEntry> entries,
      Managers batch,
      Map<String, List<Fetched>> result)
      throws LDAPException {
    for (SearchResultEntry entry : entries) {
      String[] managers = reader.managerValues(entry);
      if (managers.length == 0) {
        continue;
      }
      String self = DnNormalizer.normalize(entry.getDN());
      for (String value : managers) {
        Branch manager = batch.named(value);
        if (manager == null) {
          continue;
        }
        result
            .computeIfAbsent(manager.normalizedDn, k -> new ArrayList<>())
            .add(reader.person(connection, entry, self, manager.isSelfOrAbove(self)));
      }
    }
  }
}
