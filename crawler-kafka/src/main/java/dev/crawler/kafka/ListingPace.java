package dev.crawler.kafka;

import java.util.Arrays;

/**
 * How long this process's listings take, measured as they happen, and what follows from it: how
 * many branches a transaction can list in the time it has left ({@link #branchesFor}), and how long
 * one listing call may still run after a slice is up ({@link #callNanos}), and how many branches
 * one call may list so that it lasts about a given time ({@link #batchLimit}). Before the first
 * measurement it knows nothing and says so ({@link #measured()}).
 *
 * <p>Two medians over the last {@value #CALLS} calls: the time of one listing call (what a worker
 * that started a call just before the slice ended still needs), and the time per branch listed (a
 * call may list several branches at once, as {@code listAll} does). Medians, because listings of
 * one source differ by orders of magnitude: a manager with thousands of reports, whose answer comes
 * in many requests, takes a minute where the others take a second, and one such call must not make
 * every later transaction list a single branch. A source that becomes slower moves the medians
 * within {@value #CALLS}/2 calls; a transaction that outlived its timeout meanwhile is aborted and
 * listed again, at the new pace.
 *
 * <p>Thread-safe: the local workers record concurrently; the samples are kept under this object's
 * lock (a store per listing call, which itself talks to a source; a sort of {@value #CALLS} numbers
 * per estimate, a few per transaction).
 */
final class ListingPace {
  private static final int CALLS = 31;

  /** About how long one call may take: bounds what a call lists together. */
  private final long callBudgetNanos;

  /** Guarded by this: the last calls' times, a ring. */
  private final long[] callNanos = new long[CALLS];

  /** Guarded by this: the last calls' times per branch, a ring beside {@link #callNanos}. */
  private final long[] branchNanos = new long[CALLS];

  /** Guarded by this: calls recorded, ever. */
  private long calls;

  /**
   * @param callBudgetNanos about how long one listing call may take ({@link #batchLimit})
   */
  ListingPace(long callBudgetNanos) {
    this.callBudgetNanos = callBudgetNanos;
  }

  /** Records a listing call that listed {@code branches} branches in {@code nanos}. */
  synchronized void record(long nanos, int branches) {
    if (branches <= 0) {
      return;
    }
    long call = Math.max(1, nanos);
    int at = (int) (calls++ % CALLS);
    callNanos[at] = call;
    branchNanos[at] = Math.max(1, call / branches);
  }

  /** Guarded by this: the median of the recorded part of {@code ring}; 0 if nothing is recorded. */
  private long median(long[] ring) {
    int n = (int) Math.min(calls, CALLS);
    if (n == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(ring, n);
    Arrays.sort(sorted);
    return sorted[n / 2];
  }

  /** Whether any listing was measured yet. */
  synchronized boolean measured() {
    return calls > 0;
  }

  /** The median time of one listing call; 0 before the first is measured. */
  synchronized long callNanos() {
    return median(callNanos);
  }

  /**
   * How many branches one listing call may list together: the source's limit, cut to what the call
   * budget holds at the measured time per branch, at least 1. A source that answers many branches
   * in one request (an LDAP query with an OR of managers, cut in two while the answer is too large)
   * can take many times a branch's time for one call, and a transaction waits for its calls in
   * flight when its slice is up.
   */
  synchronized int batchLimit(int sourceLimit) {
    if (calls == 0 || sourceLimit <= 1) {
      return Math.max(1, sourceLimit);
    }
    return (int) Math.max(1, Math.min(sourceLimit, callBudgetNanos / median(branchNanos)));
  }

  /**
   * How many branches {@code workers} workers start listing in {@code nanos} at the measured pace
   * (a worker starts one at 0, one after each branch's time, and the last before the time is up):
   * at least {@code workers}, at most {@code most}. Before anything is measured, {@code workers}:
   * one each, which measures the pace.
   */
  synchronized int branchesFor(long nanos, int workers, int most) {
    double n = workers;
    if (calls > 0) {
      n = Math.ceil(Math.max(0, nanos) / (double) median(branchNanos)) * workers;
    }
    return (int) Math.max(1, Math.min(most, Math.max(workers, n)));
  }
}
