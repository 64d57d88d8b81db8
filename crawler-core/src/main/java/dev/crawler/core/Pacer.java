package dev.crawler.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A rate limit shared by all workers of a crawl: at most {@code permitsPerSecond} listings start
 * per second, evenly spaced, with no burst. Thread-safe and lock-free.
 *
 * <p>Why not Guava's {@code RateLimiter}: its {@code acquire} waits uninterruptibly, so a cancel
 * would wait up to {@code workers / rate} seconds for every worker queued on the limiter, and its
 * clock cannot be replaced from outside Guava, so deadlines and rates could not be tested without
 * sleeping. This is the same "next free slot" scheme in a few lines, with an interruptible wait
 * through {@link TimeSource}.
 */
final class Pacer {
  private final TimeSource time;
  private final long intervalNanos;

  /** How late a waiter may wake for its slot and still use it. */
  private final long lateAfterNanos;

  /** Clock reading at which the next permit is free. Advanced by CAS by every acquirer. */
  private final AtomicLong nextFree;

  Pacer(double permitsPerSecond, TimeSource time) {
    checkArgument(
        permitsPerSecond > 0 && Double.isFinite(permitsPerSecond),
        "permitsPerSecond (%s) must be positive and finite",
        permitsPerSecond);
    this.time = time;
    this.intervalNanos = Math.max(1L, (long) (1e9 / permitsPerSecond));
    this.lateAfterNanos = Math.max(intervalNanos, 1_000_000L);
    this.nextFree = new AtomicLong(time.nanoTime());
  }

  /**
   * Takes the next free slot and waits until it comes. A slot the caller wakes up for too late (by
   * more than an interval, and more than a millisecond: its thread was not run in time, in a GC
   * pause, a stopped process, on a busy machine) is given up and a new one taken, so the listings
   * whose slots passed during a stall do not all start together when it ends. A slot is given up at
   * most once per acquire, and the millisecond keeps a very high rate, whose interval is shorter
   * than a thread's wake-up, from giving up every slot.
   *
   * @throws InterruptedException if interrupted while waiting; the slot is then lost, which only
   *     makes the limit stricter
   */
  void acquire() throws InterruptedException {
    for (boolean retaken = false; ; retaken = true) {
      long now = time.nanoTime();
      long slot = reserve(now);
      time.sleep(slot - now);
      // Once only: on a machine that always wakes late, giving up every slot would starve.
      if (retaken || time.nanoTime() - slot <= lateAfterNanos) {
        return;
      }
    }
  }

  /** Takes the next free slot, at {@code now} or later. */
  private long reserve(long now) {
    for (; ; ) {
      long free = nextFree.get();
      // A slot left unused in the past is not saved up: that is what makes this burst-free.
      long slot = free - now < 0 ? now : free;
      if (nextFree.compareAndSet(free, slot + intervalNanos)) {
        return slot;
      }
    }
  }
}
