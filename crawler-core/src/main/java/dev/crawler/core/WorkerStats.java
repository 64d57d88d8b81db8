package dev.crawler.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's counters. Single writer (the worker), any number of readers.
 *
 * <p>The worker updates with opaque writes (plain stores on x86, no fence on the hot path); readers
 * during the crawl see each value whole and eventually current. After the worker thread has been
 * joined every value is exact, since {@code join} happens-after the thread's writes.
 */
final class WorkerStats {
  /** What is counted; see {@link CrawlReport} for when each is incremented. */
  enum Counter {
    BRANCHES,
    LEAVES,
    LISTINGS,
    RETRIES,
    ERRORS,
    DUPLICATES,
    HANDOFFS,
    STEALS,
    LOCAL_DESCENTS,
    PUSHED,
    PROCESSED,
    BUSY_NANOS,
    MAX_DEPTH
  }

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int COUNTERS = Counter.values().length;

  /** Padding so two workers' counters never share a cache line. */
  private static final int PAD = 8;

  private final long[] slots = new long[COUNTERS + 2 * PAD];

  /** Owner only. */
  void add(Counter counter, long delta) {
    int i = PAD + counter.ordinal();
    SLOTS.setOpaque(slots, i, (long) SLOTS.getOpaque(slots, i) + delta);
  }

  /** Owner only: raises {@link Counter#MAX_DEPTH} to {@code depth} if it is larger. */
  void raiseMaxDepth(int depth) {
    int i = PAD + Counter.MAX_DEPTH.ordinal();
    if (depth > (long) SLOTS.getOpaque(slots, i)) {
      SLOTS.setOpaque(slots, i, (long) depth);
    }
  }

  /** Owner only: counts one visit that was handed over. */
  void countDelivered(Visit<?> visit) {
    add(visit.isBranch() ? Counter.BRANCHES : Counter.LEAVES, 1);
    raiseMaxDepth(visit.depth());
  }

  long get(Counter counter) {
    return (long) SLOTS.getOpaque(slots, PAD + counter.ordinal());
  }
}
