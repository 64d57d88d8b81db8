package dev.crawler.kafka;

/**
 * crawler-kafka's only clock for what it decides by time: how long a slice lists, how much of a
 * poll a transaction takes, how long Kafka has been out of reach, how long the crawl took. The same
 * seam as crawler-core's {@code TimeSource} (package-private there, so not shared): tests give a
 * clock they move themselves, so slices and pacing are checked without sleeping. Only the reading
 * is here; waits are Kafka's own polls, which no fake clock could shorten. Implementations must be
 * thread-safe: the local workers read it concurrently.
 */
@FunctionalInterface
interface TimeSource {
  /** {@link System#nanoTime()}. */
  TimeSource SYSTEM = System::nanoTime;

  /** A monotonic reading in nanoseconds; only differences between readings mean anything. */
  long nanoTime();
}
