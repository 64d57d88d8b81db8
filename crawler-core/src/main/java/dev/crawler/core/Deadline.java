package dev.crawler.core;

import java.time.Duration;

/**
 * The time a whole crawl may take, on the crawl's {@link TimeSource}. Immutable and thread-safe.
 * A deadline bounds the crawl; a listing's own timeout, if any, is the source's business (Okio's
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

  /** {@code after} from {@code startNanos}, or no deadline when {@code after} is {@code null}. */
  static Deadline of(TimeSource time, long startNanos, Duration after) {
    return after == null ? new Deadline(time, 0, false) : new Deadline(time, startNanos + after.toNanos(), true);
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
