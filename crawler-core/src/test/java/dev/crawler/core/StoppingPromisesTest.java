package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCleanShutdown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stopping promises of the public Javadoc that {@link CrawlStopTest}, {@link StopMatrixTest}
 * and {@link StreamCloseTest} do not already name, one test each, named {@code
 * type_method_promise}. Where the others cover a promise:
 *
 * <ul>
 *   <li>{@code Crawl.cancel}, stops every worker within one listing: {@code
 *       CrawlStopTest.cancel_interruptsListingsInProgress}; here, that no listing starts after it.
 *   <li>{@code Crawl.close}, cancels and waits for workers and sessions: {@code
 *       CrawlStopTest.close_cancelsARunningCrawlAndWaitsForItsWorkers}.
 *   <li>{@code Crawl.visits}, closing early cancels, and nothing is handed out after the close:
 *       {@code StreamCloseTest}; the stream ends however the crawl ends: {@code StopMatrixTest}.
 *   <li>{@code Crawl.await(Duration)}, throws and the crawl goes on: {@code
 *       CrawlStopTest.await_withTimeout_throwsWhileRunningAndTheCrawlGoesOn}.
 *   <li>{@code Crawler.deadline}, interrupts and ends TIMED_OUT: {@code CrawlStopTest.deadline_*}.
 *   <li>{@code Crawler.start(root, consumer)}, a throwing consumer fails the crawl; {@code
 *       Crawler.errorListener}, a throwing listener fails it; {@code BranchSource}, a throwing
 *       {@code open} or an {@code Error} from {@code list} fails it: {@code CrawlStopTest}.
 * </ul>
 */
class StoppingPromisesTest {
  private static final Tree TREE = Tree.balanced(16, 3);

  @Test
  void crawl_cancel_noListingStartsAfterItReturns() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    CountDownLatch handleSet = new CountDownLatch(1);
    AtomicInteger startedAfterCancel = new AtomicInteger();
    AtomicReference<Crawl<Integer>> handle = new AtomicReference<>();
    TreeSource source =
        new TreeSource(TREE)
            .hook(
                (node, n) -> {
                  if (cancelled.getCount() == 0) {
                    startedAfterCancel.incrementAndGet();
                  }
                  if (n == 30) {
                    handleSet.await(); // the crawl may get here before start() has returned
                    handle.get().cancel();
                    cancelled.countDown();
                  }
                });
    Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(1)
            .start(0, v -> {}); // one worker: no listing in flight elsewhere
    handle.set(crawl);
    handleSet.countDown();
    try (crawl) {
      assertEquals(Outcome.CANCELLED, crawl.await().outcome());
    }
    assertEquals(0, startedAfterCancel.get());
    assertEquals(30, source.listings());
    assertCleanShutdown(source);
  }

  @Test
  void crawl_cancel_afterTheEnd_keepsTheOutcome_andIsIdempotent() throws Exception {
    TreeSource source = new TreeSource(TREE);
    try (Crawl<Integer> crawl = Crawler.over(source).workers(3).start(0, v -> {})) {
      CrawlReport<Integer> report = crawl.await();
      crawl.cancel();
      crawl.cancel();
      assertSame(report, crawl.await(), "await returns the same report on every call");
      assertEquals(Outcome.COMPLETE, report.outcome());
    }
    assertCleanShutdown(source);
  }

  @Test
  void crawl_isDone_onceAwaitWouldReturnAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TreeSource source = new TreeSource(TREE).hook((node, n) -> release.await());
    try (Crawl<Integer> crawl = Crawler.over(source).workers(2).start(0, v -> {})) {
      assertFalse(crawl.isDone());
      release.countDown();
      crawl.await();
      assertTrue(crawl.isDone());
    }
    assertCleanShutdown(source);
  }

  @Test
  void crawl_await_interrupted_throws_andTheCrawlGoesOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TreeSource source = new TreeSource(TREE).hook((node, n) -> release.await());
    try (Crawl<Integer> crawl = Crawler.over(source).workers(2).start(0, v -> {})) {
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, crawl::await);
      assertFalse(crawl.isDone(), "the interrupt of the caller does not stop the crawl");
      release.countDown();
      assertEquals(Outcome.COMPLETE, crawl.await().outcome());
    }
    assertCleanShutdown(source);
  }

  @Test
  void crawl_close_interruptedCaller_stillWaits_thenRestoresTheInterrupt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    TreeSource source =
        new TreeSource(TREE)
            .hook(
                (node, n) -> {
                  started.countDown();
                  new CountDownLatch(1).await(); // until the cancel's interrupt
                });
    Crawl<Integer> crawl = Crawler.over(source).workers(3).start(0, v -> {});
    started.await();
    Thread.currentThread().interrupt();
    crawl.close();
    assertTrue(Thread.interrupted(), "close() restores the caller's interrupt");
    assertTrue(crawl.isDone(), "close() waited for the workers despite the interrupt");
    assertEquals(Outcome.CANCELLED, crawl.await().outcome());
    crawl.close(); // idempotent
    assertCleanShutdown(source);
  }

  @Test
  void crawl_visits_endsWhenTheDeadlinePasses_withWhatWasHandedOver() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    TreeSource source =
        new TreeSource(TREE)
            .hook(
                (node, n) -> {
                  if (node != 0) {
                    never.await();
                  }
                });
    // 300 ms, not less: on a loaded machine (two cores, several builds) the first visit once came
    // after a 50 ms deadline, and the check below needs the root listed in time.
    try (Crawl<Integer> crawl =
            Crawler.over(source).workers(2).deadline(Duration.ofMillis(300)).start(0);
        Stream<Visit<Integer>> visits = crawl.visits()) {
      long read = visits.count();
      CrawlReport<Integer> report = crawl.await();
      assertEquals(Outcome.TIMED_OUT, report.outcome());
      assertEquals(report.visits(), read, "every visit handed over was read, and the stream ended");
      assertTrue(read >= 1, "at least the root, listed before the listings hung");
    }
    assertCleanShutdown(source);
  }

  @Test
  void branchSource_close_throwing_isIgnored_andTheOutcomeStands() throws Exception {
    TreeSource source =
        new TreeSource(TREE) {
          @Override
          public void close(Session session) {
            super.close(session);
            throw new IllegalStateException("close failed");
          }
        };
    try (Crawl<Integer> crawl = Crawler.over(source).workers(3).start(0, v -> {})) {
      CrawlReport<Integer> report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertEquals(TREE.size(), report.visits());
    }
    assertCleanShutdown(source);
  }

  @Test
  void branchSource_open_transientFailure_isRetried() throws Exception {
    AtomicInteger opens = new AtomicInteger();
    TreeSource source =
        new TreeSource(TREE) {
          @Override
          public Session open() throws Exception {
            if (opens.incrementAndGet() == 1) {
              throw new TreeSource.InjectedFailure("busy", true);
            }
            return super.open();
          }
        };
    RetryPolicy quick = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1.0, 0.0);
    try (Crawl<Integer> crawl = Crawler.over(source).workers(1).retry(quick).start(0, v -> {})) {
      assertEquals(Outcome.COMPLETE, crawl.await().outcome());
    }
    assertEquals(2, opens.get());
    assertCleanShutdown(source);
  }

  @Test
  void branchSource_exceptionAfterTheCancel_isNotABranchError() throws Exception {
    AtomicReference<Crawl<Integer>> handle = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(1);
    TreeSource source =
        new TreeSource(TREE)
            .hook(
                (node, n) -> {
                  if (n == 5) {
                    ready.await();
                    handle.get().cancel();
                    throw new IOException("connection reset by the cancel");
                  }
                });
    Crawl<Integer> crawl = Crawler.over(source).workers(1).start(0, v -> {});
    handle.set(crawl);
    ready.countDown();
    try (crawl) {
      CrawlReport<Integer> report = crawl.await();
      assertEquals(Outcome.CANCELLED, report.outcome());
      assertEquals(List.of(), report.errors());
    }
    assertCleanShutdown(source);
  }
}
