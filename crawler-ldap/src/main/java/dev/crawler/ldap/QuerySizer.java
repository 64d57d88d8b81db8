package dev.crawler.ldap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cuts the managers whose reports one listing asks for into OR queries that should each fit the
 * server's size limit, so that few queries fail at the limit and are sent again in halves (each
 * failure costs a full page of entries for nothing).
 *
 * <p>The limit is learned from the first query that hits it. How many reports a manager has is
 * read from the directory's back-link where there is one; otherwise it is estimated as the mean
 * found so far for managers at the same depth below the root, which in an org chart is a fair
 * guess (VPs have directors, the last level has no one). Until both are known, queries have at
 * most {@code maxTerms} terms. Thread-safe: shared by every worker. Estimates are hints, so a
 * stale read between workers costs at most one split, never a wrong result.
 */
final class QuerySizer {
  /** Depths tracked separately; deeper managers share the last slot. */
  private static final int DEPTHS = 32;
  /** Managers at a depth needed before their mean is trusted. */
  private static final int MIN_SAMPLE = 16;
  /** The share of the limit a query aims at: fan-outs vary around their mean. */
  private static final double FILL = 0.6;

  private final int maxTerms;
  /** The size limit, once a query has hit it; 0 before. */
  private final AtomicInteger limit = new AtomicInteger();
  private final LongAdder[] asked = new LongAdder[DEPTHS];
  private final LongAdder[] found = new LongAdder[DEPTHS];

  QuerySizer(int maxTerms) {
    this.maxTerms = maxTerms;
    for (int d = 0; d < DEPTHS; d++) {
      asked[d] = new LongAdder();
      found[d] = new LongAdder();
    }
  }

  /** Notes the limit from a query that hit it: the entries it returned before failing. */
  void limitHit(int entriesReturned) {
    if (entriesReturned > 0) {
      limit.compareAndSet(0, entriesReturned);
    }
  }

  /** Notes what one query found: {@code reports} people for one manager. */
  void found(Person manager, int reports) {
    int d = Math.min(manager.depth(), DEPTHS - 1);
    asked[d].increment();
    found[d].add(reports);
  }

  /** The managers cut into queries, in order; at most {@code maxTerms} per query. */
  List<List<Person>> chunks(List<Person> managers) {
    List<List<Person>> chunks = new ArrayList<>();
    int known = limit.get();
    double budget = known > 0 ? FILL * known : Double.MAX_VALUE;
    int from = 0;
    double expected = 0;
    for (int i = 0; i < managers.size(); i++) {
      double e = expectedReports(managers.get(i));
      if (i > from && (i - from == maxTerms || expected + e > budget)) {
        chunks.add(managers.subList(from, i));
        from = i;
        expected = 0;
      }
      expected += e;
    }
    if (from < managers.size()) {
      chunks.add(managers.subList(from, managers.size()));
    }
    return chunks;
  }

  private double expectedReports(Person manager) {
    if (manager.linkedReports() >= 0) {
      return manager.linkedReports();
    }
    int d = Math.min(manager.depth(), DEPTHS - 1);
    long n = asked[d].sum();
    return n < MIN_SAMPLE ? 0 : (double) found[d].sum() / n;
  }
}
