package dev.crawler.core;

/**
 * The engine's only access to time: reading a monotonic clock, waiting, and running an action
 * later. Tests replace it with a fake whose waits advance its clock and are recorded, and whose
 * scheduled actions run when the fake clock passes their time, so deadlines, backoff and rate
 * limits are checked without sleeping (Guava's {@code SleepingStopwatch} seam, Caffeine's {@code
 * Ticker} and {@code Scheduler}). Implementations must be thread-safe.
 */
interface TimeSource {

  /** The system clock ({@link System#nanoTime()}), real interruptible waits, and a timer thread. */
  TimeSource SYSTEM = new SystemTime();

  /**
   * A monotonic reading in nanoseconds; only differences between readings mean anything.
   *
   * @return the current reading
   */
  long nanoTime();

  /**
   * Waits for the given time, or returns at once if it is not positive.
   *
   * @param nanos how long to wait
   * @throws InterruptedException if the thread is interrupted before or while waiting
   */
  void sleep(long nanos) throws InterruptedException;

  /**
   * Runs {@code action} once when {@code delayNanos} have passed on this clock, unless it is
   * cancelled first.
   *
   * @param delayNanos from now, by {@link #nanoTime()}
   * @param action what to run; must not block
   * @param name names the thread that waits, where there is one
   * @return the handle to cancel it
   */
  Timer schedule(long delayNanos, Runnable action, String name);

  /** An action scheduled by {@link #schedule}. */
  interface Timer {
    /** Makes sure the action does not run if it has not started; returns at once. */
    void cancel();

    /**
     * Waits until the timer is done with: its action has run or was cancelled, and any thread it
     * used has exited.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void join() throws InterruptedException;
  }
}
