package dev.crawler.cli.ldap;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code --deadline} for a whole command, set-up included: the time left for each phase, and an
 * action run a moment after the deadline (closing the directory connections), so that whatever
 * still waits on a server then, a connect, a bind or a search, ends. The crawl itself is given the
 * time left as its own deadline when it starts, so it has stopped, as TIMED_OUT, before the action
 * runs; the {@link #GRACE} between the two keeps that order. Thread-safe; {@link #close()} ends the
 * timer and is idempotent.
 */
final class CommandDeadline implements AutoCloseable {
  /**
   * How long after the deadline the action runs. The crawl's own deadline passes first (it is the
   * same instant, give or take the start of the crawl), so that the connections it loses to the
   * action are lost by a crawl that already stopped.
   */
  static final Duration GRACE = Duration.ofMillis(500);

  private final Duration deadline;
  private final long atNanos;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread timer;

  /**
   * Starts counting now; runs {@code atDeadline} {@link #GRACE} after {@code deadline} unless
   * closed first.
   */
  CommandDeadline(Duration deadline, Runnable atDeadline) {
    this.deadline = deadline;
    // Past a century (a long --deadline) the deadline never comes; toNanos() would overflow past
    // 292 years.
    this.atNanos = System.nanoTime() + (deadline.isNegative() ? 0 : capped(deadline));
    this.timer =
        new Thread(
            () -> {
              try {
                if (!closed.await(nanosLeft() + GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
                  atDeadline.run();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // nobody interrupts it but the JVM's end
              }
            },
            "crawl-deadline");
    timer.setDaemon(true);
    timer.start();
  }

  private static final long CENTURY_NANOS = TimeUnit.DAYS.toNanos(36_525);

  private static long capped(Duration d) {
    return d.compareTo(Duration.ofNanos(CENTURY_NANOS)) >= 0 ? CENTURY_NANOS : d.toNanos();
  }

  /** The deadline as given, for messages. */
  Duration deadline() {
    return deadline;
  }

  /** Whether the deadline has passed. */
  boolean passed() {
    return nanosLeft() <= 0;
  }

  /** The time left, zero once passed. */
  Duration left() {
    return Duration.ofNanos(Math.max(0, nanosLeft()));
  }

  private long nanosLeft() {
    return atNanos - System.nanoTime();
  }

  /** The command is done: the action will not run. */
  @Override
  public void close() {
    closed.countDown();
  }
}
