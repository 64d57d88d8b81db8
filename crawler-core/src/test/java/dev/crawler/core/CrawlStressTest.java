package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized scenarios, many times: tree shape, workers, workers held in reserve, injected
 * permanent and transient failures, a cancel at a random listing, a slow consumer, push or stream
 * delivery. Each run ends with the invariant checker. {@code -Dcrawler.stress.runs=N} sets the
 * count (small by default for the 2-core CI); {@code -Dcrawler.stress.seed=S} replays one sequence,
 * and {@code -Dcrawler.stress.runSeed=R} replays the one run a failure names (its message gives the
 * command).
 */
class CrawlStressTest {
  private static final int RUNS = Integer.getInteger("crawler.stress.runs", 150);
  private static final long SEED = Long.getLong("crawler.stress.seed", System.nanoTime());

  /** One run's own seed, to replay exactly that run; {@code null} for the usual sequence. */
  private static final Long RUN_SEED = Long.getLong("crawler.stress.runSeed");

  private static final int[] WORKERS = {1, 2, 3, 8, 64};
  private static final RetryPolicy QUICK_RETRY =
      new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1.0, 0.0);

  @Test
  @Timeout(
      value = 60,
      unit = TimeUnit.MINUTES) // scaled by the run count; each run is guarded below
  void randomScenarios_keepEveryInvariant() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    long nodesChecked = 0;
    int cancelled = 0;
    int held = 0;
    int stopsInjected = 0;
    int runs = RUN_SEED == null ? RUNS : 1;
    for (int run = 0; run < runs; run++) {
      long runSeed = RUN_SEED == null ? random.nextLong() : RUN_SEED;
      try {
        nodesChecked += runOnce(runSeed);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "stress run "
                + run
                + " of sequence "
                + SEED
                + " failed; replay it alone with: mvn -pl crawler-core -am test"
                + " -Dtest=CrawlStressTest -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dcrawler.stress.runSeed="
                + runSeed,
            e);
      }
      if (lastRunCancelled) {
        cancelled++;
      }
      if (lastRunHeldWorkers) {
        held++;
      }
      if (lastRunStop != StopKind.NONE) {
        stopsInjected++;
      }
    }
    System.out.printf(
        "stress: %d crawls, %d with a stop injected (Errors from open, list, close and the"
            + " consumer; cancel and close from inside), %d cancelled midway, %d with workers held"
            + " in reserve, %d nodes checked, 0 failures (seed %d)%n",
        runs, stopsInjected, cancelled, held, nodesChecked, SEED);
  }

  private boolean lastRunCancelled;

  /** How the last run was to be stopped. */
  private StopKind lastRunStop;

  /** Whether the last run started with workers held in reserve. */
  private boolean lastRunHeldWorkers;

  private long runOnce(long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    lastRunHeldWorkers = false;
    Tree tree =
        switch (random.nextInt(5)) {
          case 0 -> Tree.balanced(2 + random.nextInt(8), 2 + random.nextInt(3));
          case 1 -> Tree.heavyTailed(seed, 2_000 + random.nextInt(30_000));
          case 2 -> Tree.wide(1_000 + random.nextInt(20_000), random.nextInt(60), seed);
          case 3 -> Tree.chain(1_000 + random.nextInt(20_000), random.nextInt(10));
          default -> Tree.withEmptyListings(seed, 1_000 + random.nextInt(10_000));
        };
    int workers = WORKERS[random.nextInt(WORKERS.length)];
    int batchLimit = random.nextInt(3) == 0 ? 2 + random.nextInt(6) : 1;
    StopKind stop =
        random.nextBoolean()
            ? StopKind.NONE
            : StopKind.values()[1 + random.nextInt(StopKind.values().length - 1)];
    Error injected = new AssertionError("injected by the stress run: " + stop);
    int openFailingAt = 1 + random.nextInt(workers);
    boolean slowOpen =
        workers > 1 && random.nextInt(4) == 0; // worker 0's open() waits, deaf to interrupts
    TreeSource source =
        new FaultySessions(tree, stop, injected, openFailingAt, slowOpen).batchLimit(batchLimit);
    Set<Integer> failed = new HashSet<>();
    Set<Integer> faulty = new HashSet<>();
    int faults = random.nextInt(4) == 0 ? 0 : random.nextInt(20);
    for (int i = 0; i < faults; i++) {
      int node = random.nextInt(tree.size());
      if (!tree.isBranch(node) || !faulty.add(node)) {
        continue; // a node gets at most one fault, or a later one would override the first
      }
      if (batchLimit > 1 || random.nextBoolean()) {
        // (a batch consumes transient failures of a branch differently: permanent ones only)
        source.failForGood(node);
        failed.add(node);
      } else {
        int times = 1 + random.nextInt(3); // 3 or more exhausts the 3 attempts
        source.failTransiently(node, times);
        if (times >= 3) {
          failed.add(node);
        }
      }
    }
    boolean cancel = stop == StopKind.CANCEL_IN_SOURCE;
    long cancelAt = 1 + random.nextInt(Math.max(1, tree.size() / 4));
    // Some workers held in reserve (Crawler.startWorkers); in half of those runs the first
    // listings wait 1.5 ms, like a cold disk's, so the reserve starts while others list and fail.
    int startWorkers = random.nextInt(3) == 0 ? 1 + random.nextInt(workers) : workers;
    long slowListings = startWorkers < workers && random.nextBoolean() ? 6 + random.nextInt(10) : 0;
    CompletableFuture<Crawl<Integer>> handle = new CompletableFuture<>();
    if (cancel || slowListings > 0 || stop == StopKind.ERROR_IN_LIST) {
      source.hook(
          (node, listing) -> {
            if (listing <= slowListings) {
              LockSupport.parkNanos(
                  1_500_000); // a listing's latency; a stop's interrupt cuts it short
            }
            if (cancel && listing == cancelAt) {
              handle.thenAccept(Crawl::cancel);
            }
            if (stop == StopKind.ERROR_IN_LIST && listing == cancelAt) {
              throw injected;
            }
          });
    }
    boolean stream = random.nextBoolean();
    boolean slowConsumer = random.nextInt(5) == 0;
    VisitRecorder visits = new VisitRecorder(tree);
    AtomicLong consumed = new AtomicLong();
    Consumer<Visit<Integer>> consumer =
        v -> {
          long n = consumed.incrementAndGet();
          if (stop == StopKind.ERROR_IN_CONSUMER && n == cancelAt) {
            throw injected;
          }
          if (slowConsumer && v.node() % 97 == 0) {
            LockSupport.parkNanos(20_000);
          }
          visits.accept(v);
          if (stop == StopKind.CANCEL_IN_CONSUMER && n == cancelAt) {
            handle.join().cancel();
          }
          if (stop == StopKind.CLOSE_IN_CONSUMER && n == cancelAt) {
            handle.join().close();
          }
        };
    Crawler<Integer, TreeSource.Session> crawler =
        Crawler.over(source).workers(workers).retry(QUICK_RETRY);
    if (startWorkers < workers) {
      crawler.startWorkers(startWorkers);
      lastRunHeldWorkers = true;
    }
    CrawlReport<Integer> report;
    boolean readerStopped = false;
    if (stream) {
      crawler.bufferSize(1 + random.nextInt(2_000));
      try (Crawl<Integer> crawl = crawler.start(0)) {
        handle.complete(crawl);
        try (Stream<Visit<Integer>> s = crawl.visits()) {
          s.forEach(consumer);
        } catch (AssertionError e) {
          if (e != injected) {
            throw e;
          }
          readerStopped = true; // the reader's action threw, and the stream's close cancelled
        }
        report = crawl.await(Duration.ofMinutes(2));
        assertSame(report, crawl.await(ChronoUnit.FOREVER.getDuration()));
        assertSame(report, crawl.await(Duration.ofDays(-1)));
      }
    } else {
      try (Crawl<Integer> crawl = crawler.start(0, consumer)) {
        handle.complete(crawl);
        report = crawl.await(Duration.ofMinutes(2));
        assertSame(report, crawl.await(ChronoUnit.FOREVER.getDuration()));
      }
    }
    lastRunCancelled = report.outcome() == Outcome.CANCELLED;
    lastRunStop = stop;
    // A close from the stream's reader hands out nothing more, not even what was buffered.
    boolean readPartly =
        stream
            && (readerStopped
                || (stop == StopKind.CLOSE_IN_CONSUMER && !report.outcome().ranToEnd()));
    Expect expect = Expect.everything().failing(failed);
    assertCrawlInvariants(report, visits, source, readPartly ? expect.readPartly() : expect);
    if (!report.outcome().ranToEnd()) {
      Outcome expected =
          switch (stop) {
            case NONE, ERROR_IN_CLOSE -> null;
            case CANCEL_IN_SOURCE, CANCEL_IN_CONSUMER, CLOSE_IN_CONSUMER -> Outcome.CANCELLED;
            case ERROR_IN_CONSUMER -> stream ? Outcome.CANCELLED : Outcome.FAILED;
            case ERROR_IN_LIST, ERROR_IN_OPEN -> Outcome.FAILED;
          };
      assertEquals(expected, report.outcome(), "only the run's stop (" + stop + ") ends it early");
      if (expected == Outcome.FAILED) {
        assertSame(injected, report.failure());
      }
    }
    return visits.total();
  }

  /** How a run is stopped early, if at all. */
  private enum StopKind {
    NONE,
    /** The source cancels at a random listing. */
    CANCEL_IN_SOURCE,
    /** The consumer, or the stream's reader, cancels at a random visit. */
    CANCEL_IN_CONSUMER,
    /** The consumer, or the stream's reader, closes the crawl at a random visit. */
    CLOSE_IN_CONSUMER,
    /** A listing throws an Error. */
    ERROR_IN_LIST,
    /** The consumer, or the stream reader's action, throws an Error. */
    ERROR_IN_CONSUMER,
    /** One worker's open() throws an Error. */
    ERROR_IN_OPEN,
    /** Every session's close() throws an Error, after closing: it changes nothing. */
    ERROR_IN_CLOSE
  }

  /**
   * A tree source whose sessions may open or close with faults: an Error, or worker 0's slow open.
   */
  private static final class FaultySessions extends TreeSource {
    private final StopKind stop;
    private final Error injected;
    private final int openFailingAt;
    private final boolean slowOpen;
    private final AtomicInteger opens = new AtomicInteger();

    FaultySessions(Tree tree, StopKind stop, Error injected, int openFailingAt, boolean slowOpen) {
      super(tree);
      this.stop = stop;
      this.injected = injected;
      this.openFailingAt = openFailingAt;
      this.slowOpen = slowOpen;
    }

    @Override
    public Session open() throws Exception {
      if (slowOpen && Thread.currentThread().getName().endsWith("-0")) {
        long end = System.nanoTime() + 2_000_000;
        for (long left = 2_000_000; left > 0; left = end - System.nanoTime()) {
          LockSupport.parkNanos(left); // deaf to interrupts
        }
      }
      if (stop == StopKind.ERROR_IN_OPEN && opens.incrementAndGet() == openFailingAt) {
        throw injected;
      }
      return super.open();
    }

    @Override
    public void close(Session session) {
      super.close(session);
      if (stop == StopKind.ERROR_IN_CLOSE) {
        throw injected;
      }
    }
  }
}
