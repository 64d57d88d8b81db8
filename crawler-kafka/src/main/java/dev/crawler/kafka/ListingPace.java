package dev.crawler.kafka;

/**
 * How long this process's listings take, measured as they happen, and what follows from it: how
 * many branches a transaction can list in the time it has left ({@link #branchesFor}), and how long
 * one listing call may still run after a slice is up ({@link #callNanos}). Before the first
 * measurement it knows nothing and says so ({@link #measured()}).
 *
 * <p>Two moving averages, each weighing a new call by {@value #WEIGHT_PERCENT}%: the time of one
 * listing call (what a worker that started a call just before the slice ended still needs), and
 * the time per branch listed (a call may list several branches at once, as {@code listAll} does).
 * A call slower than the average counts in full for the call time, so the average follows a
 * slowdown at once and a speed-up gradually: a transaction errs toward taking too little rather
 * than outliving its timeout.
 *
 * <p>Thread-safe: the local workers record concurrently; the two averages are updated under this
 * object's lock (a few arithmetic operations per listing call, which itself talks to a source).
 */
final class ListingPace {
  private static final int WEIGHT_PERCENT = 20;

  /** Guarded by this. 0 until the first call is recorded. */
  private double nanosPerCall;
  /** Guarded by this. */
  private double nanosPerBranch;

  /** Records a listing call that listed {@code branches} branches in {@code nanos}. */
  synchronized void record(long nanos, int branches) {
    if (branches <= 0) {
      return;
    }
    double call = Math.max(1, nanos);
    double perBranch = call / branches;
    if (nanosPerCall == 0) {
      nanosPerCall = call;
      nanosPerBranch = perBranch;
      return;
    }
    nanosPerCall = call > nanosPerCall ? call : blend(nanosPerCall, call);
    nanosPerBranch = blend(nanosPerBranch, perBranch);
  }

  private static double blend(double average, double sample) {
    return average + (sample - average) * WEIGHT_PERCENT / 100;
  }

  /** Whether any listing was measured yet. */
  synchronized boolean measured() {
    return nanosPerCall > 0;
  }

  /** The average time of one listing call; 0 before the first is measured. */
  synchronized long callNanos() {
    return (long) nanosPerCall;
  }

  /**
   * How many branches {@code workers} workers start listing in {@code nanos} at the measured pace
   * (a worker starts one at 0, one after each branch's time, and the last before the time is up):
   * at least {@code workers}, at most {@code most}. Before anything is measured, {@code workers}:
   * one each, which measures the pace.
   */
  synchronized int branchesFor(long nanos, int workers, int most) {
    double n = workers;
    if (nanosPerCall > 0) {
      n = Math.ceil(Math.max(0, nanos) / nanosPerBranch) * workers;
    }
    return (int) Math.max(1, Math.min(most, Math.max(workers, n)));
  }
}
