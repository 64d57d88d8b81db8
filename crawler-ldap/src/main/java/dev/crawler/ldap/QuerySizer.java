package dev.crawler.ldap;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;

/**
 * Cuts the managers whose reports one listing asks for into OR queries that should each fit the
 * server's size limit, so that few queries fail at the limit and are sent again in pieces (each
 * failure costs a full page of entries for nothing).
 *
 * <p>The limit is learned before the first query ({@link LimitedSearch#learnLimit}), else from the
 * first query that hits it. How many reports a manager has is read from the directory's back-link
 * where there is one; otherwise it is estimated from their nearest relatives at the same level
 * whose reports were already counted: siblings, else cousins, else second cousins, else those with
 * reports at the same depth below the root, else at the nearest depth above. In an org chart,
 * people look like their relatives (a director's reports manage, a team lead's do not), and
 * divisions differ, so a mean over the whole level misleads exactly where it matters. Until the
 * limit and an estimate are known, queries have at most {@code maxTerms} terms.
 *
 * <p>The managers it sizes, and their relatives' counts, are the source's {@link Branch} records,
 * not the people the crawl is handed.
 *
 * <p>Thread-safe: shared by every worker. Estimates are hints, so a stale read between workers
 * costs at most one more split, never a wrong result.
 */
final class QuerySizer {
  /**
   * How far up the estimate looks for relatives: parent (siblings), grandparent, great-grandparent.
   */
  static final int RELATIVE_LEVELS = 3;

  /** Relatives counted before their mean is trusted. */
  private static final int MIN_RELATIVES = 8;

  /** Depths tracked separately; deeper managers share the last slot. */
  private static final int DEPTHS = 32;

  /** Managers at a depth needed before their mean is trusted. */
  private static final int MIN_SAMPLE = 16;

  /**
   * The share of the limit a query aims at: fan-outs vary around their mean. At 0.6, 4-5% of
   * queries hit the limit at 200,000 people and 12-18% of the entries read were thrown away; at
   * 0.5, 6-7%, for 5-10% more queries (crawler-bench/ldap-bench).
   */
  private static final double FILL = 0.5;

  /**
   * The share of the limit aimed at with a back-link's exact counts: they miss only when the
   * directory changes between reading a manager and asking for their reports, and such a miss is
   * cut again like any other. Aimed at {@link #FILL}, a back-linked crawl of 200,000 people sent
   * 1.3x the queries of the managers-only ideal walk (crawler-bench/ldap-bench).
   */
  private static final double EXACT_FILL = 0.9;

  private final int maxTerms;

  /** The size limit, once a query has hit it; 0 before. */
  private final AtomicInteger limit = new AtomicInteger();

  private final LongAdder[] asked = new LongAdder[DEPTHS];
  private final LongAdder[] found = new LongAdder[DEPTHS];

  /** By depth: how many of the managers asked about had any reports. */
  private final LongAdder[] managing = new LongAdder[DEPTHS];

  QuerySizer(int maxTerms) {
    this.maxTerms = maxTerms;
    for (int d = 0; d < DEPTHS; d++) {
      asked[d] = new LongAdder();
      found[d] = new LongAdder();
      managing[d] = new LongAdder();
    }
  }

  /** Notes the limit from a query that hit it: the entries it returned before failing. */
  void limitHit(int entriesReturned) {
    if (entriesReturned > 0) {
      limit.compareAndSet(0, entriesReturned);
    }
  }

  /** The size limit, once learned or hit; 0 before. */
  int limit() {
    return limit.get();
  }

  /** Notes what one query found: {@code reports} people for one manager. */
  void found(Branch manager, int reports) {
    found(List.of(manager), m -> reports);
  }

  /**
   * Notes what one query found for each of its managers. The counts of relatives are summed here
   * first and added once per ancestor: the managers of one query are mostly siblings and cousins,
   * and every worker adds to the same few ancestors.
   */
  void found(List<Branch> managers, ToIntFunction<Branch> reports) {
    Map<AtomicLongArray, long[]> sums = new IdentityHashMap<>();
    for (Branch manager : managers) {
      int n = reports.applyAsInt(manager);
      int d = Math.min(manager.depth, DEPTHS - 1);
      asked[d].increment();
      found[d].add(n);
      if (n > 0) {
        managing[d].increment();
      }
      Branch ancestor = manager.manager;
      for (int level = 0;
          level < RELATIVE_LEVELS && ancestor != null;
          level++, ancestor = ancestor.manager) {
        AtomicLongArray counts = ancestor.descendantReports();
        if (counts == null) {
          break;
        }
        long[] sum = sums.computeIfAbsent(counts, k -> new long[2 * RELATIVE_LEVELS]);
        sum[2 * level]++;
        sum[2 * level + 1] += n;
      }
    }
    sums.forEach(
        (counts, sum) -> {
          for (int i = 0; i < sum.length; i++) {
            if (sum[i] != 0) {
              counts.addAndGet(i, sum[i]);
            }
          }
        });
  }

  /**
   * The managers cut into queries of at most {@code termCap} terms, expecting each to have at least
   * {@code floor} reports: how a query that hit the limit is cut again, with the reports per
   * manager its partial result showed.
   */
  List<List<Branch>> chunks(List<Branch> managers, double floor, int termCap) {
    List<List<Branch>> chunks = new ArrayList<>();
    for (int from = 0; from < managers.size(); ) {
      int end = chunkEnd(managers, from, floor, termCap);
      chunks.add(managers.subList(from, end));
      from = end;
    }
    return chunks;
  }

  /**
   * The first query over {@code managers}, at most {@code maxTerms} terms, aiming below the limit:
   * ReportQuery cuts the next query only after this one has answered and {@link #found} has noted
   * what it found, so each query is sized with everything known by then.
   */
  List<Branch> firstChunk(List<Branch> managers) {
    return firstChunk(managers, maxTerms);
  }

  /**
   * As {@link #firstChunk(List)}, with at most {@code termCap} terms: what the server answers in
   * time ({@link TermCap}).
   */
  List<Branch> firstChunk(List<Branch> managers, int termCap) {
    return managers.subList(0, managers.isEmpty() ? 0 : chunkEnd(managers, 0, 0, termCap));
  }

  /**
   * Where the query from {@code from} ends: one manager at least, then up to the term cap or the
   * budget.
   */
  private int chunkEnd(List<Branch> managers, int from, double floor, int termCap) {
    int terms = Math.max(1, Math.min(maxTerms, termCap));
    int known = limit.get();
    double budget = known > 0 ? known : Double.MAX_VALUE;
    double share = shareOfLimit(managers.get(from), floor);
    int i = from + 1;
    for (; i < managers.size() && i - from < terms; i++) {
      share += shareOfLimit(managers.get(i), floor);
      if (share > budget) {
        break;
      }
    }
    return i;
  }

  /**
   * How much of the limit one manager's reports take up: the reports expected, over the share of
   * the limit aimed at for how sure that count is. A query's managers may mix exact counts and
   * estimates; each keeps its own margin.
   */
  private double shareOfLimit(Branch manager, double floor) {
    int linked = manager.linkedReports;
    if (linked >= 0 && linked >= floor) {
      return linked / EXACT_FILL;
    }
    return Math.max(floor, expectedReports(manager)) / FILL;
  }

  /**
   * Reports expected for one manager: the back-link's count, else their nearest relatives' mean,
   * else the mean of those with reports at their level, else at the nearest level above, else 0.
   */
  double expectedReports(Branch manager) {
    if (manager.linkedReports >= 0) {
      return manager.linkedReports;
    }
    Branch ancestor = manager.manager;
    for (int level = 0;
        level < RELATIVE_LEVELS && ancestor != null;
        level++, ancestor = ancestor.manager) {
      AtomicLongArray counts = ancestor.descendantReports();
      if (counts == null) {
        break;
      }
      long relatives = counts.get(2 * level);
      if (relatives >= MIN_RELATIVES) {
        return (double) counts.get(2 * level + 1) / relatives;
      }
    }
    // No relatives known: the level's, else the nearest level above with a sample. Each new
    // level of the chart was otherwise sized as if nobody there had reports, so the first queries
    // of every level hit the limit, each throwing away a full page: 3,000-5,000 of 24,000 entries
    // read at 20,000 people. Guessing high costs a query more; guessing low, a page.
    //
    // Not the level's mean but the mean of those at the level who have reports: where a level is
    // half managers and half not, relatives are alike (a team's members all lead teams, or none
    // do), so a manager with unknown relatives is likelier to look like the managers than like
    // the level's average. Sized by the mean, the first queries into each such team hit the
    // limit: 6% of the entries read at 200,000 people were thrown away; 1-4% with this, for no
    // more queries (crawler-bench/ldap-bench).
    for (int d = Math.min(manager.depth, DEPTHS - 1); d >= 0; d--) {
      long n = asked[d].sum();
      if (n >= MIN_SAMPLE) {
        long managers = managing[d].sum();
        return managers == 0 ? 0 : (double) found[d].sum() / managers;
      }
    }
    return 0;
  }
}
