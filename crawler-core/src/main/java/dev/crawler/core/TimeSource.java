package dev.crawler.core;

import java.util.concurrent.TimeUnit;

/**
 * The engine's only access to time: reading a monotonic clock and waiting. Tests replace it with
 * a fake whose waits advance its clock and are recorded, so deadlines, backoff and rate limits
 * are checked without sleeping (Guava's {@code SleepingStopwatch} seam, Caffeine's {@code
 * Ticker}). Implementations must be thread-safe.
 */
interface TimeSource {

  /** The system clock ({@link System#nanoTime()}) and real, interruptible waits. */
  TimeSource SYSTEM = new TimeSource() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
      if (nanos > 0) {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } else if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  };

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
}
