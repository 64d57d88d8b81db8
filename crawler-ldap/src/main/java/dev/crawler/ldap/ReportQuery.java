package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DN;
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

/**
 * Asks the directory for the reports of several managers at once: {@code (|(manager=a)(manager=b)
 * ...)}, cut by the {@link QuerySizer} into queries that should fit the size limit. Immutable
 * and thread-safe (the sizer is).
 *
 * <p>Queries are cut one at a time, so each is sized with what the ones before it found. A query
 * over several managers that hits the limit is cut again, into pieces at most half as large and
 * sized with the reports per manager its partial result showed, so it ends with single managers
 * at worst; a single manager's query goes through {@link LimitedSearch#allMatching}, which pages
 * or splits by uid.
 */
final class ReportQuery {
  private final LimitedSearch search;
  private final QuerySizer sizer;
  private final EntryReader reader;
  private final String managerAttribute;

  ReportQuery(LimitedSearch search, QuerySizer sizer, EntryReader reader, LdapSettings settings) {
    this.search = search;
    this.sizer = sizer;
    this.reader = reader;
    this.managerAttribute = settings.managerAttribute();
  }

  /** The reports of each of {@code managers}, by manager DN, in as few queries as the limit allows. */
  Map<DN, List<Person>> reportsOf(LDAPConnection connection, List<Person> managers) throws LDAPException {
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
      List<SearchResultEntry> entries = query(connection, chunk, byDn, retries);
      if (entries == null) {
        continue; // cut again: its pieces are on `retries`
      }
      assign(entries, byDn, result);
      sizer.found(chunk, manager -> result.getOrDefault(manager.parsedDn(), List.of()).size());
    }
    return result;
  }

  /**
   * The reports of one chunk of managers, or {@code null} if its query hit the limit and was cut
   * again into {@code retries}.
   */
  private List<SearchResultEntry> query(LDAPConnection connection, List<Person> chunk, Map<DN, Person> byDn,
      Deque<List<Person>> retries) throws LDAPException {
    Filter[] terms = new Filter[chunk.size()];
    for (int t = 0; t < terms.length; t++) {
      terms[t] = Filter.createEqualityFilter(managerAttribute, chunk.get(t).dn());
    }
    if (terms.length == 1) {
      return search.allMatching(connection, terms[0]);
    }
    try {
      return search.once(connection, Filter.createORFilter(terms));
    } catch (LDAPSearchException e) {
      if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
        throw e;
      }
      search.limitHit(e);
      // Each piece at most half as large, so that this ends with single managers at worst.
      List<List<Person>> pieces = sizer.chunks(chunk, reportsPerManagerSeen(e.getSearchEntries(), byDn),
          (chunk.size() + 1) / 2);
      for (int i = pieces.size() - 1; i >= 0; i--) {
        retries.push(pieces.get(i));
      }
      return null;
    }
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
      for (String value : reader.managerValues(entry)) {
        DN manager = EntryReader.parsedOrNull(value);
        if (manager != null && byDn.containsKey(manager)) {
          seen.add(manager);
          matched++;
        }
      }
    }
    return seen.isEmpty() ? 0 : (double) matched / seen.size();
  }

  /** Files each entry under every manager of the batch it names, flagging manager cycles. */
  private void assign(List<SearchResultEntry> entries, Map<DN, Person> byDn, Map<DN, List<Person>> result)
      throws LDAPException {
    for (SearchResultEntry entry : entries) {
      String[] managers = reader.managerValues(entry);
      if (managers.length == 0) {
        continue;
      }
      DN self = entry.getParsedDN();
      for (String value : managers) {
        Person manager = byDn.get(EntryReader.parsedOrNull(value)); // not a DN: cannot be one of ours
        if (manager == null) {
          continue;
        }
        result.computeIfAbsent(manager.parsedDn(), k -> new ArrayList<>())
            .add(reader.person(entry, manager, isAncestor(self, manager)));
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
}
