package dev.crawler.core;

import java.time.Duration;

/**
 * A live, approximate snapshot of a running crawl, for progress displays. The counters are read one
 * by one without stopping the workers, so they need not be mutually consistent; each is exact for
 * some moment during the call. Immutable and thread-safe.
 *
 * @param visits nodes delivered so far (see {@link CrawlReport#visits()})
 * @param branches branch visits so far
 * @param leaves leaf visits so far
 * @param listings calls of {@code list} so far, retries included
 * @param errors branches that failed for good so far
 * @param pendingBranches branches found and not yet taken by a worker
 * @param busyWorkers workers currently listing or delivering (not idle)
 * @param elapsed time since the crawl started
 */
public record CrawlProgress(
    long visits,
    long branches,
    long leaves,
    long listings,
    long errors,
    long pendingBranches,
    int busyWorkers,
    Duration elapsed) {

  /**
   * Visits per second since the start.
   *
   * @return the average rate, 0 before any time has passed
   */
  public double visitsPerSecond() {
    long nanos = elapsed.toNanos();
    return nanos <= 0 ? 0.0 : visits * 1e9 / nanos;
  }
}
