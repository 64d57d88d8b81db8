package dev.crawler.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers held back until listings show that they wait: for a source whose listings are sometimes
 * CPU-bound (a directory in the page cache) and sometimes wait on I/O (the same directory on a cold
 * disk). Thread-safe.
 *
 * <p>A crawl starts with {@code Crawler.startWorkers(n)} of its workers listing: the first {@code
 * n} to have a session, whichever they are, so a worker whose {@code open()} is slow never holds a
 * listing role that a ready peer could fill. The others wait here. Each listing worker keeps a
 * {@link Witness} of its recent listings; once a quarter of them took longer than {@link
 * #SLOW_LISTING_NANOS}, the held workers are released for the rest of the crawl. On 2 cores and a
 * warm tree, two workers walked 1.1M entries in 1.09 s and four in 1.37 s (the extra two only took
 * turns on the cores); cold, four took 4.8 s and two 7.4-10.1 s. Once released, workers are never
 * held back again: a crawl that has met I/O will likely meet it again.
 *
 * <p>One slow listing is not enough. On a warm tree a JVM's first listings take 5-17 ms (class
 * loading, the interpreter), and on busy cores a listing preempted for a time slice takes 4 ms: the
 * first rule, "one listing over 1 ms", released the reserve on every warm run. A cold disk makes
 * nearly every listing slow, so the reserve starts after about five of them.
 *
 * <p>A waiting worker holds no party and no branch, so it cannot keep a crawl from completing; the
 * stop's interrupt releases it like any other wait (CrawlEngine's rule for waits: the stop is
 * checked right before the wait).
 */
final class ReserveWorkers {
  private static final Logger log = LoggerFactory.getLogger(ReserveWorkers.class);

  /** A listing slower than this waited on something other than the CPU, or was preempted: 1 ms. */
  static final long SLOW_LISTING_NANOS = 1_000_000;

  private final CountDownLatch released;

  /** How many workers list from the start. */
  private final int listingFromStart;

  /** Listing roles handed out so far, one per worker that has a session, in the order they came. */
  private final AtomicInteger rolesTaken = new AtomicInteger();

  /**
   * @param listingFromStart how many workers list from the start
   * @param workers all the crawl's workers; none is held back when {@code listingFromStart} is as
   *     many
   */
  ReserveWorkers(int listingFromStart, int workers) {
    this.listingFromStart = listingFromStart;
    this.released = new CountDownLatch(listingFromStart < workers ? 1 : 0);
  }

  /**
   * Called once by each worker when its session is open: whether it lists from the start, or must
   * {@link #awaitRelease} first. The first {@code listingFromStart} callers list.
   */
  boolean listsFromStart() {
    return rolesTaken.getAndIncrement() < listingFromStart;
  }

  /** A new witness, for one listing worker. */
  Witness newWitness() {
    return new Witness();
  }

  /**
   * One worker's recent listings: the share that was slow, as a moving average over about the last
   * {@link #RECENT} of them. Confined to its worker, so noting a listing touches no shared memory
   * until the share calls for the reserve.
   */
  final class Witness {
    /** Listings the average spans, roughly. */
    static final int RECENT = 16;

    /** One slow listing's weight: the share tends to {@code ONE * RECENT} when all are slow. */
    private static final int ONE = 1 << 8;

    /** A quarter slow: a disk that keeps listings waiting, not a preemption or a JIT warm-up. */
    private static final int RELEASE_AT = ONE * RECENT / 4;

    private int slowShare;

    private Witness() {}

    /**
     * Notes how long a listing took; once a quarter of recent ones were slow, releases the reserve.
     */
    void listingTook(long nanos) {
      slowShare -= slowShare / RECENT;
      if (nanos > SLOW_LISTING_NANOS) {
        slowShare += ONE;
        if (slowShare >= RELEASE_AT && released.getCount() > 0) {
          released.countDown();
          log.debug(
              "a quarter of recent listings took over 1 ms (the last {} µs): the reserve starts",
              nanos / 1000);
        }
      }
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
