package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCleanShutdown;
import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.spi.Children;
import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retries, backoff and the rate limit, checked as traces of an injected clock: no sleeping. */
class RetryAndRateTest {
  private static final RetryPolicy NO_JITTER =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(300), 2.0, 0.0);

  @Test
  void transientFailures_areRetriedWithExponentialBackoff() throws Exception {
    FakeTime time = new FakeTime();
    Tree tree = Tree.balanced(3, 3);
    TreeSource source = new TreeSource(tree).failTransiently(2, 3);
    VisitRecorder visits = new VisitRecorder(tree);
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(1).timeSource(time).retry(NO_JITTER).start(0, visits)) {
      CrawlReport<Integer> report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertEquals(3, report.retries());
      long branches = visits.visited().stream().filter(tree::isBranch).count();
      assertEquals(branches + 3, report.listings());
      assertCrawlInvariants(report, visits, source, Expect.everything());
    }
    assertEquals(List.of(100L, 200L, 300L), time.sleptMillis(), "100, 200, then capped at 300");
  }

  @Test
  void transientFailures_beyondTheAttempts_becomeABranchError() throws Exception {
    FakeTime time = new FakeTime();
    Tree tree = Tree.balanced(3, 3);
    TreeSource source = new TreeSource(tree).failTransiently(2, 10);
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(1).timeSource(time).retry(NO_JITTER).start(0, v -> {})) {
      CrawlReport<Integer> report = crawl.await();
      assertEquals(Outcome.PARTIAL, report.outcome());
      assertEquals(1, report.errors().size());
      assertEquals(4, report.errors().get(0).attempts());
      assertEquals(3, report.retries());
    }
    assertEquals(List.of(100L, 200L, 300L), time.sleptMillis());
    assertCleanShutdown(source);
  }

  @Test
  void backoff_withJitter_staysWithinItsBounds() {
    RetryPolicy policy =
        new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.5);
    for (double u : new double[] {0.0, 0.3, 0.999}) {
      for (int failed = 1; failed <= 8; failed++) {
        long full = Math.min(5_000_000_000L, (long) (100_000_000L * Math.pow(2, failed - 1)));
        long wait = policy.backoffNanos(failed, u);
        assertTrue(
            wait <= full && wait >= full / 2, "wait " + wait + " for " + failed + " failures");
      }
    }
  }

  @Test
  void jitter_isSeeded_soTheSameSeedWaitsTheSameWay() throws Exception {
    RetryPolicy jittery =
        new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.9);
    List<List<Long>> traces = new ArrayList<>();
    for (long seed : new long[] {7, 7, 8}) {
      FakeTime time = new FakeTime();
      Tree tree = Tree.balanced(3, 2);
      TreeSource source = new TreeSource(tree).failTransiently(1, 5);
      try (Crawl<Integer> crawl =
          Crawler.over(source)
              .workers(1)
              .timeSource(time)
              .retry(jittery)
              .seed(seed)
              .start(0, v -> {})) {
        assertEquals(Outcome.COMPLETE, crawl.await().outcome());
      }
      traces.add(time.sleptMillis());
    }
    assertEquals(5, traces.get(0).size());
    assertEquals(traces.get(0), traces.get(1), "same seed, same waits");
    assertTrue(!traces.get(0).equals(traces.get(2)), "another seed, other waits: " + traces);
  }

  @Test
  void backoff_neverRunsPastTheDeadline() throws Exception {
    FakeTime time = new FakeTime();
    Tree tree = Tree.balanced(3, 2);
    RetryPolicy slow = new RetryPolicy(5, Duration.ofSeconds(60), Duration.ofSeconds(60), 1.0, 0.0);
    TreeSource source = new TreeSource(tree).failTransiently(0, 100);
    try (Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(1)
            .timeSource(time)
            .retry(slow)
            .deadline(Duration.ofSeconds(90))
            .start(0, v -> {})) {
      assertEquals(Outcome.TIMED_OUT, crawl.await().outcome());
    }
    assertEquals(
        List.of(60_000L, 30_000L), time.sleptMillis(), "the second wait is cut to the deadline");
    assertCleanShutdown(source);
  }

  @Test
  void brokenSession_isReplacedBeforeTheRetry() throws Exception {
    FakeTime time = new FakeTime();
    Tree tree = Tree.balanced(4, 3);
    AtomicInteger failures = new AtomicInteger(2);
    TreeSource source =
        new TreeSource(tree) {
          @Override
          public void list(Session session, Integer branch, Children<Integer> out)
              throws Exception {
            if (branch == 3 && failures.getAndDecrement() > 0) {
              throw new IOException("connection reset");
            }
            super.list(session, branch, out);
          }

          @Override
          public boolean isTransient(Exception failure) {
            return failure instanceof IOException || super.isTransient(failure);
          }

          @Override
          public boolean isSessionBroken(Exception failure) {
            return failure instanceof IOException;
          }
        };
    VisitRecorder visits = new VisitRecorder(tree);
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(1).timeSource(time).retry(NO_JITTER).start(0, visits)) {
      CrawlReport<Integer> report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertCrawlInvariants(report, visits, source, Expect.everything());
    }
    assertEquals(3, source.sessionsOpened(), "the first session and two replacements");
  }

  @Test
  void rateLimit_spacesListingsEvenly() throws Exception {
    FakeTime time = new FakeTime();
    Tree tree = Tree.balanced(2, 3); // 7 branches
    TreeSource source = new TreeSource(tree);
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(1).timeSource(time).rateLimit(10).start(0, v -> {})) {
      assertEquals(Outcome.COMPLETE, crawl.await().outcome());
    }
    // The first listing goes at once; each next one waits its 100 ms slot (listings take no time
    // here).
    assertEquals(List.of(0L, 100L, 100L, 100L, 100L, 100L, 100L), time.sleptMillis());
  }

  @Test
  void pacer_sharedByThreads_handsOutDistinctSlots() throws Exception {
    FakeTime time = new FakeTime();
    Pacer pacer = new Pacer(1000, time); // 1 ms apart
    int threads = 4;
    int each = 250;
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < each; i++) {
                    pacer.acquire();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    // The fake clock advances only by the waits, so 1000 permits at 1 ms need at least 999 ms of
    // waiting overall.
    long waited = time.sleptMillis().stream().mapToLong(Long::longValue).sum();
    assertTrue(waited >= 999 - threads, "waited only " + waited + " ms for 1000 permits at 1000/s");
  }

  @Test
  void pacer_isInterruptible() throws Exception {
    Pacer pacer = new Pacer(0.001, TimeSource.SYSTEM); // one permit per 1000 s
    pacer.acquire();
    Thread waiter =
        new Thread(
            () -> {
              try {
                pacer.acquire();
              } catch (InterruptedException expected) {
                return;
              }
              throw new AssertionError("acquire returned without waiting 1000 s");
            });
    waiter.start();
    waiter.interrupt();
    waiter.join(); // would hang (and time out) if the wait ignored the interrupt
  }
}
