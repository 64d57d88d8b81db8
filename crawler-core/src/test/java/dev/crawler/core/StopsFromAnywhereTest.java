package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCleanShutdown;
import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static dev.crawler.testing.CrawlInvariants.assertNoCrawlerThreads;
import static dev.crawler.testing.CrawlInvariants.awaitOrDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 26's stops, one test each, every one of which hung or crashed before its fix: an {@link
 * Error} from {@code close()}, {@code close()} and {@code await()} called from inside the crawl,
 * waits too long for a {@code long} of nanoseconds, an {@code open()} that blocks on one worker, a
 * thread factory that fails halfway, and a rate limit after a stall.
 */
class StopsFromAnywhereTest {
  private static final Tree TREE = Tree.balanced(8, 3);
  private static final Duration ENDS_WITHIN = Duration.ofSeconds(30);

  /** A source whose sessions close normally and then throw {@code error}. */
  private static TreeSource closingWith(Tree tree, Error error) {
    return new TreeSource(tree) {
      @Override
      public void close(Session session) {
        super.close(session);
        throw error;
      }
    };
  }

  @Test
  void branchSource_closeThrowingAnError_push_isIgnored_andTheCrawlEnds() throws Exception {
    TreeSource source = closingWith(TREE, new AssertionError("close failed"));
    VisitRecorder visits = new VisitRecorder(TREE);
    Crawl<Integer> crawl = Crawler.over(source).workers(4).start(0, visits);
    CrawlReport<Integer> report = awaitOrDump(crawl, ENDS_WITHIN, "close() throws an Error, push");
    crawl.close();
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything());
  }

  @Test
  void branchSource_closeThrowingAnError_stream_endsTheStream() throws Exception {
    TreeSource source = closingWith(TREE, new OutOfMemoryError("pretend"));
    VisitRecorder visits = new VisitRecorder(TREE);
    Crawl<Integer> crawl = Crawler.over(source).workers(4).start(0);
    // Read on another thread, so a stream that never ends fails this test with a dump, not by the
    // suite's timeout.
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              try (Stream<Visit<Integer>> s = crawl.visits()) {
                s.forEach(visits);
              }
            });
    CrawlReport<Integer> report =
        awaitOrDump(crawl, ENDS_WITHIN, "close() throws an Error, stream");
    reader.get();
    crawl.close();
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything());
  }

  @Test
  void crawl_close_fromInsideThePushConsumer_cancels_andTheCrawlEnds() throws Exception {
    TreeSource source = new TreeSource(TREE);
    AtomicReference<Crawl<Integer>> handle = new AtomicReference<>();
    CountDownLatch handleSet = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    VisitRecorder visits = new VisitRecorder(TREE);
    Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(4)
            .start(
                0,
                v -> {
                  visits.accept(v);
                  if (seen.incrementAndGet() == 50) {
                    awaitQuietly(handleSet);
                    handle.get().close();
                    handle.get().close(); // idempotent there too
                  }
                });
    handle.set(crawl);
    handleSet.countDown();
    CrawlReport<Integer> report = awaitOrDump(crawl, ENDS_WITHIN, "close() inside the consumer");
    crawl.close();
    assertEquals(Outcome.CANCELLED, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything().readPartly());
  }

  @Test
  void crawl_close_fromInsideTheSourceAndTheErrorListener_cancels() throws Exception {
    for (String where : List.of("source", "listener")) {
      AtomicReference<Crawl<Integer>> handle = new AtomicReference<>();
      CountDownLatch handleSet = new CountDownLatch(1);
      TreeSource source =
          new TreeSource(TREE)
              .hook(
                  (node, n) -> {
                    if (where.equals("source") && n == 5) {
                      handleSet.await();
                      handle.get().close();
                    }
                  })
              .failForGood(1);
      Crawler<Integer, TreeSource.Session> crawler = Crawler.over(source).workers(3);
      if (where.equals("listener")) {
        crawler.errorListener(
            e -> {
              awaitQuietly(handleSet);
              handle.get().close();
            });
      }
      Crawl<Integer> crawl = crawler.start(0, v -> {});
      handle.set(crawl);
      handleSet.countDown();
      CrawlReport<Integer> report = awaitOrDump(crawl, ENDS_WITHIN, "close() inside the " + where);
      crawl.close();
      assertEquals(Outcome.CANCELLED, report.outcome(), where);
      assertCleanShutdown(source);
    }
  }

  @Test
  void crawl_await_fromInsideTheCrawl_throws_insteadOfWaitingForItself() throws Exception {
    for (boolean timed : new boolean[] {false, true}) {
      AtomicReference<Crawl<Integer>> handle = new AtomicReference<>();
      CountDownLatch handleSet = new CountDownLatch(1);
      TreeSource source = new TreeSource(TREE);
      Crawl<Integer> crawl =
          Crawler.over(source)
              .workers(2)
              .start(
                  0,
                  v -> {
                    if (v.node() == 0) {
                      awaitQuietly(handleSet);
                      try {
                        if (timed) {
                          handle.get().await(Duration.ofSeconds(1));
                        } else {
                          handle.get().await();
                        }
                      } catch (InterruptedException | TimeoutException e) {
                        throw new AssertionError(e);
                      }
                    }
                  });
      handle.set(crawl);
      handleSet.countDown();
      CrawlReport<Integer> report = awaitOrDump(crawl, ENDS_WITHIN, "await() inside the consumer");
      crawl.close();
      assertEquals(Outcome.FAILED, report.outcome());
      assertTrue(
          report.failure() instanceof IllegalStateException, String.valueOf(report.failure()));
      assertTrue(
          report.failure().getMessage().contains("would wait for itself"),
          report.failure().getMessage());
      assertCleanShutdown(source);
    }
  }

  @Test
  void crawl_await_withWaitsTooLongForNanoseconds_orNegative_behavesLikeAWait() throws Exception {
    Duration forever = ChronoUnit.FOREVER.getDuration();
    TreeSource source = new TreeSource(TREE);
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(2).deadline(forever).start(0, v -> {})) {
      CrawlReport<Integer> report = crawl.await(forever);
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertSame(
          report,
          crawl.await(Duration.ofSeconds(-5)),
          "a finished crawl answers a negative wait at once");
      assertSame(report, crawl.await(Duration.ofSeconds(Long.MAX_VALUE)));
    }
    CountDownLatch release = new CountDownLatch(1);
    TreeSource stuck = new TreeSource(TREE).hook((node, n) -> release.await());
    try (Crawl<Integer> crawl = Crawler.over(stuck).workers(2).start(0, v -> {})) {
      assertThrows(TimeoutException.class, () -> crawl.await(Duration.ofDays(-1)));
      assertThrows(TimeoutException.class, () -> crawl.await(Duration.ZERO));
      assertThrows(NullPointerException.class, () -> crawl.await(null));
      release.countDown();
      assertEquals(Outcome.COMPLETE, crawl.await(forever).outcome());
    }
    assertCleanShutdown(source);
    assertCleanShutdown(stuck);
  }

  /**
   * Worker 0's {@code open()} blocks, deaf to interrupts, until the test lets it go: the others
   * must crawl the whole tree meanwhile, with all workers listing from the start and with one.
   */
  @Test
  void branchSource_openBlockingOnOneWorker_theOthersTakeTheRoot() throws Exception {
    for (int startWorkers : new int[] {4, 1}) {
      CountDownLatch letOpen = new CountDownLatch(1);
      TreeSource source =
          new TreeSource(TREE) {
            @Override
            public Session open() throws Exception {
              if (Thread.currentThread().getName().endsWith("-0")) {
                awaitDeaf(letOpen);
              }
              return super.open();
            }
          }.latency(2_000_000L); // slow listings release the reserve, when there is one
      VisitRecorder visits = new VisitRecorder(TREE);
      CountDownLatch allSeen = new CountDownLatch(TREE.size());
      Crawl<Integer> crawl =
          Crawler.over(source)
              .workers(4)
              .startWorkers(startWorkers)
              .start(
                  0,
                  v -> {
                    visits.accept(v);
                    allSeen.countDown();
                  });
      String what = "worker 0's open() blocks, startWorkers " + startWorkers;
      if (!allSeen.await(ENDS_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
        letOpen.countDown();
        crawl.close();
        throw new AssertionError(
            what + ": " + allSeen.getCount() + " of " + TREE.size() + " nodes unvisited");
      }
      assertFalse(crawl.isDone(), "the blocked worker is still in open()");
      letOpen.countDown();
      CrawlReport<Integer> report = awaitOrDump(crawl, ENDS_WITHIN, what);
      crawl.close();
      assertEquals(Outcome.COMPLETE, report.outcome(), what);
      assertCrawlInvariants(report, visits, source, Expect.everything());
      assertEquals(4, source.sessionsOpened(), "the late session was opened, then closed");
    }
  }

  @Test
  void crawler_start_threadFactoryFailingHalfway_stopsAndJoinsTheStartedWorkers() throws Exception {
    for (boolean returnsNull : new boolean[] {false, true}) {
      TreeSource source = new TreeSource(TREE).latency(1_000_000L);
      AtomicInteger made = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      RuntimeException refused = new IllegalStateException("no more threads");
      ThreadFactory factory =
          r -> {
            if (made.incrementAndGet() == 3) {
              if (returnsNull) {
                return null;
              }
              throw refused;
            }
            Thread t = new Thread(r, "crawler-worker-test-" + made.get());
            t.setDaemon(true);
            threads.add(t);
            return t;
          };
      RuntimeException thrown =
          assertThrows(
              RuntimeException.class,
              () ->
                  Crawler.over(source)
                      .workers(4)
                      .deadline(Duration.ofMinutes(5))
                      .threadFactory(factory)
                      .start(0, v -> {}));
      if (!returnsNull) {
        assertSame(refused, thrown);
      }
      for (Thread t : threads) {
        assertFalse(t.isAlive(), t.getName() + " still runs after start() threw");
      }
      assertCleanShutdown(source);
    }
  }

  /**
   * A stall (the clock jumps while a worker waits for its slot) must not let the slots that passed
   * during it start together: every start is at least an interval after the one before.
   */
  @Test
  void pacer_afterAStall_keepsStartsSpaced() throws Exception {
    AtomicLong clock = new AtomicLong();
    AtomicLong stallOnNextWait = new AtomicLong();
    TimeSource stalling =
        new TimeSource() {
          @Override
          public long nanoTime() {
            return clock.get();
          }

          @Override
          public void sleep(long nanos) {
            if (nanos > 0) {
              clock.addAndGet(nanos + stallOnNextWait.getAndSet(0));
            }
          }

          @Override
          public Timer schedule(long delayNanos, Runnable action, String name) {
            throw new UnsupportedOperationException();
          }
        };
    long interval = 10_000_000L; // 100 per second
    Pacer pacer = new Pacer(100, stalling);
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      if (i == 5) {
        stallOnNextWait.set(50 * interval);
      }
      pacer.acquire();
      starts.add(clock.get());
    }
    for (int i = 1; i < starts.size(); i++) {
      assertTrue(
          starts.get(i) - starts.get(i - 1) >= interval,
          "start "
              + i
              + " came "
              + (starts.get(i) - starts.get(i - 1)) / 1_000
              + " µs after the one before: "
              + starts);
    }
    assertNoCrawlerThreads();
  }

  /** On a machine that always wakes late, a slot is given up once per acquire, not forever. */
  @Test
  void pacer_onAMachineThatAlwaysWakesLate_givesUpASlotAtMostOnce() throws Exception {
    AtomicLong clock = new AtomicLong();
    AtomicInteger sleeps = new AtomicInteger();
    TimeSource late =
        new TimeSource() {
          @Override
          public long nanoTime() {
            return clock.get();
          }

          @Override
          public void sleep(long nanos) {
            sleeps.incrementAndGet();
            clock.addAndGet(Math.max(0, nanos) + 50_000_000L); // every wake-up 50 ms late
          }

          @Override
          public Timer schedule(long delayNanos, Runnable action, String name) {
            throw new UnsupportedOperationException();
          }
        };
    Pacer pacer = new Pacer(1000, late);
    for (int i = 0; i < 100; i++) {
      pacer.acquire();
    }
    assertTrue(sleeps.get() <= 200, sleeps.get() + " waits for 100 listings");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits for {@code latch} whatever interrupts come, and restores them: an open() that ignores
   * them.
   */
  private static void awaitDeaf(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
