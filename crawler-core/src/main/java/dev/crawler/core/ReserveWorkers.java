package dev.crawler.core;

import java.util.concurrent.CountDownLatch;

/**
 * Workers held back until a listing shows that listings wait: for a source whose listings are
 * sometimes CPU-bound (a directory in the page cache) and sometimes wait on I/O (the same
 * directory on a cold disk). Thread-safe.
 *
 * <p>A crawl starts with {@code Crawler.startWorkers(n)} of its workers listing; the others open
 * their sessions and wait here. The first listing that takes longer than {@link
 * #SLOW_LISTING_NANOS} releases them all for the rest of the crawl. On 2 cores and a warm tree,
 * two workers walked 1.1M entries in 1.11 s and four in 1.37 s (the extra two only took turns on
 * the cores); cold, four took 4.8 s and two 7.4-10.1 s. Once released, workers are never held
 * back again: a crawl that has met I/O once will likely meet it again.
 *
 * <p>A waiting worker holds no party and no branch, so it cannot keep a crawl from completing;
 * the stop's interrupt releases it like any other wait (CrawlEngine's rule for waits: the stop is
 * checked right before the wait).
 */
final class ReserveWorkers {
  /** A listing slower than this waited on something other than the CPU: 1 ms. */
  static final long SLOW_LISTING_NANOS = 1_000_000;

  private final CountDownLatch released;

  /** @param held whether any workers are held back at all */
  ReserveWorkers(boolean held) {
    this.released = new CountDownLatch(held ? 1 : 0);
  }

  /** Notes how long a listing took; a slow one releases the held workers. */
  void listingTook(long nanos) {
    if (nanos > SLOW_LISTING_NANOS && released.getCount() > 0) {
      released.countDown();
    }
  }

  /**
   * Waits until the held workers are released, or the crawl stops.
   *
   * @return whether the caller should go on to work: {@code false} once the crawl has stopped
   * @throws InterruptedException if interrupted while waiting: the crawl stopped, or someone
   *     outside the engine interrupted the worker
   */
  boolean awaitRelease(CrawlStop stop) throws InterruptedException {
    if (!stop.isRunning()) {
      return false;
    }
    released.await();
    return stop.isRunning();
  }

  /** Whether held workers were released (or none were held). */
  boolean released() {
    return released.getCount() == 0;
  }
}
