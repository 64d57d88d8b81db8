package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCleanShutdown;
import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static dev.crawler.testing.CrawlInvariants.awaitOrDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.time.Duration;
import java.util.Spliterator;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reader that closes {@link Crawl#visits()} early must end the crawl, whatever the source does
 * with the interrupt that stops it: once the reader is gone, no worker may wait on the buffer.
 *
 * <p>{@code -Dcrawler.stress.closes=N} sets how many randomized early closes the stress test makes
 * (300 by default: enough to catch a 1% race with a probability of 95%); {@code
 * -Dcrawler.stress.seed=S} replays one sequence.
 */
class StreamCloseTest {
  private static final int CLOSES = Integer.getInteger("crawler.stress.closes", 300);
  private static final long SEED = Long.getLong("crawler.stress.seed", System.nanoTime());

  /** Generous: a crawl stopped by a close ends within one listing, a few milliseconds here. */
  private static final Duration ENDS_WITHIN = Duration.ofSeconds(30);

  /**
   * The pattern an outside run found hanging in 9 of 807 early closes: listings that sleep and let
   * the {@link InterruptedException} propagate, a small buffer, a reader that takes five visits and
   * closes the stream. The interrupt of the cancel is consumed by the listing; the worker then
   * flushed its visits into a full buffer that nobody would read again, and waited forever.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void earlyClose_sourcePropagatesInterrupts_smallBuffer_ends() throws Exception {
    Tree tree = Tree.flat(2_000, 10);
    for (int run = 0; run < 40; run++) {
      TreeSource source =
          new TreeSource(tree)
              .hook((node, n) -> Thread.sleep(ThreadLocalRandom.current().nextInt(1, 21)));
      Crawl<Integer> crawl = Crawler.over(source).workers(16).bufferSize(8).start(0);
      AtomicInteger read = new AtomicInteger();
      try (Stream<Visit<Integer>> visits = crawl.visits()) {
        visits.limit(5).forEach(v -> read.incrementAndGet());
      }
      CrawlReport<Integer> report = awaitOrDump(crawl, ENDS_WITHIN, "run " + run);
      crawl.close();
      assertEquals(5, read.get());
      assertEquals(Outcome.CANCELLED, report.outcome());
      assertCleanShutdown(source);
    }
  }

  /** How a stress run's source behaves when the close interrupts it. */
  private enum Listing {
    /** Sleeps 0-2 ms and lets the InterruptedException propagate, as Thread.sleep users do. */
    PROPAGATES,
    /** Sleeps 0-2 ms, catches the InterruptedException and returns its children anyway. */
    SWALLOWS,
    /** Waits 0-2 ms whatever interrupts come, and leaves the interrupt flag set. */
    IGNORES,
    /** Returns at once. */
    FAST
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void earlyClose_stress_everyCrawlEnds() throws Exception {
    SplittableRandom sequence = new SplittableRandom(SEED);
    int[] workerCounts = {1, 2, 3, 8, 16, 64};
    for (int run = 0; run < CLOSES; run++) {
      long seed = sequence.nextLong();
      SplittableRandom random = new SplittableRandom(seed);
      Tree tree =
          random.nextBoolean()
              ? Tree.flat(200 + random.nextInt(2_000), random.nextInt(20))
              : Tree.balanced(2 + random.nextInt(6), 3 + random.nextInt(3));
      Listing listing = Listing.values()[random.nextInt(Listing.values().length)];
      int workers = workerCounts[random.nextInt(workerCounts.length)];
      int bufferSize = 1 + random.nextInt(16);
      int toRead = random.nextInt(50);
      boolean slowReader = random.nextBoolean();
      String what =
          "run "
              + run
              + ": "
              + tree
              + " "
              + listing
              + " workers="
              + workers
              + " buffer="
              + bufferSize
              + " read="
              + toRead
              + (slowReader ? " slow reader" : "")
              + "; replay with -Dcrawler.stress.closes="
              + CLOSES
              + " -Dcrawler.stress.seed="
              + SEED;
      SplittableRandom latency = random.split();
      TreeSource source = new TreeSource(tree).hook((node, n) -> list(listing, latency));
      VisitRecorder visits = new VisitRecorder(tree);
      Crawl<Integer> crawl = Crawler.over(source).workers(workers).bufferSize(bufferSize).start(0);
      Stream<Visit<Integer>> stream = crawl.visits();
      Spliterator<Visit<Integer>> reader = stream.spliterator();
      for (int i = 0; i < toRead && reader.tryAdvance(visits); i++) {
        if (slowReader) {
          LockSupport.parkNanos(50_000);
        }
      }
      stream.close();
      assertFalse(
          reader.tryAdvance(visits), "a visit was delivered after the stream was closed; " + what);
      CrawlReport<Integer> report = awaitOrDump(crawl, ENDS_WITHIN, what);
      crawl.close();
      assertTrue(
          report.outcome() == Outcome.CANCELLED || report.outcome() == Outcome.COMPLETE, what);
      assertCrawlInvariants(report, visits, source, Expect.everything().readPartly());
    }
  }

  private static void list(Listing listing, SplittableRandom random) throws InterruptedException {
    long nanos;
    synchronized (random) {
      nanos = random.nextLong(2_000_000);
    }
    switch (listing) {
      case PROPAGATES -> TimeUnit.NANOSECONDS.sleep(nanos);
      case SWALLOWS -> {
        try {
          TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException swallowed) {
          // the source carries on as if nothing happened, and the interrupt is gone
        }
      }
      case IGNORES -> {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
          LockSupport.parkNanos(left); // returns at once while interrupted: a short spin
        }
      }
      case FAST -> {}
    }
  }
}
