package dev.crawler.core;

import java.time.Duration;

/**
 * The time a whole crawl may take, on the crawl's {@link TimeSource}. Immutable and thread-safe. A
 * deadline bounds the crawl; a listing's own timeout, if any, is the source's business (Okio's
 * {@code Timeout} keeps the two apart in the same way).
 */
final class Deadline {
  private final TimeSource time;

  /** Clock reading at which the deadline passes; meaningful only if {@link #set}. */
  private final long atNanos;

  private final boolean set;

  private Deadline(TimeSource time, long atNanos, boolean set) {
    this.time = time;
    this.atNanos = atNanos;
    this.set = set;
  }

  /**
   * The longest wait the engine schedules or compares, about 146 years: clock readings are compared
   * by difference, which stays exact while it is below half the range of a {@code long}.
   */
  static final long LONGEST_NANOS = Long.MAX_VALUE / 2;

  /**
   * {@code after} from {@code startNanos}, or no deadline when {@code after} is {@code null}. A
   * deadline past {@link #LONGEST_NANOS} is taken as that: it never passes in practice.
   */
  static Deadline of(TimeSource time, long startNanos, Duration after) {
    return after == null
        ? new Deadline(time, 0, false)
        : new Deadline(time, startNanos + cappedNanos(after), true);
  }

  /**
   * {@code d} in nanoseconds, from 0 to {@link #LONGEST_NANOS}: a negative duration is 0, and one
   * too long for a {@code long} of nanoseconds ({@code ChronoUnit.FOREVER}) is the longest wait,
   * where {@link Duration#toNanos()} would throw.
   */
  static long cappedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return d.compareTo(Duration.ofNanos(LONGEST_NANOS)) >= 0 ? LONGEST_NANOS : d.toNanos();
  }

  boolean isSet() {
    return set;
  }

  boolean hasPassed() {
    return set && time.nanoTime() - atNanos >= 0;
  }

  /** Nanoseconds left, 0 once passed; {@code Long.MAX_VALUE} without a deadline. */
  long nanosLeft() {
    return set ? Math.max(0, atNanos - time.nanoTime()) : Long.MAX_VALUE;
  }
}
