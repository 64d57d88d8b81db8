package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static dev.crawler.testing.CrawlInvariants.awaitOrDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariant 2, stop by stop: every way a crawl can stop × push and stream delivery × buffer sizes
 * × sources that propagate, swallow or ignore interrupts and close slowly. Each case ends the
 * crawl with the outcome that stop promises, visits nothing twice, closes every session on its
 * own thread and leaves no thread behind. {@code -Dcrawler.stress.stopRepeats=N} repeats each case
 * (2 by default).
 */
class StopMatrixTest {
  private static final int REPEATS = Integer.getInteger("crawler.stress.stopRepeats", 2);
  /** 600 branches of 5 leaves; at 1 ms per listing even 8 workers need 75 ms. */
  private static final Tree TREE = Tree.flat(600, 5);
  private static final int WORKERS = 8;
  private static final Duration ENDS_WITHIN = Duration.ofSeconds(30);

  /** Every way a crawl stops. */
  enum Stop {
    COMPLETION(Outcome.COMPLETE),
    CANCEL(Outcome.CANCELLED),
    DEADLINE(Outcome.TIMED_OUT),
    FAIL_FAST(Outcome.FAILED),
    /** Push: the consumer throws (FAILED). Stream: the reader's action throws, which closes the stream. */
    CONSUMER_THROWS(null),
    /** Stream only: the reader closes the stream after 50 visits. */
    STREAM_CLOSED(Outcome.CANCELLED),
    SOURCE_THROWS_ERROR(Outcome.FAILED);

    final Outcome outcome;

    Stop(Outcome outcome) {
      this.outcome = outcome;
    }
  }

  /** What the source does with the interrupt of a stop. */
  enum Behaviour {
    /** Listings sleep 1 ms and let the InterruptedException out. */
    PROPAGATES,
    /** Listings sleep 1 ms, swallow the InterruptedException and return their children. */
    SWALLOWS,
    /** Listings wait 1 ms whatever happens, keeping the interrupt flag set. */
    IGNORES,
    /** Like PROPAGATES, and each session takes 20 ms to close, deaf to interrupts. */
    CLOSES_SLOWLY
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Stop stop : Stop.values()) {
      for (boolean stream : new boolean[] {false, true}) {
        if (stop == Stop.STREAM_CLOSED && !stream) {
          continue;
        }
        for (int buffer : stream ? new int[] {1, 7, 4096} : new int[] {0}) {
          for (Behaviour behaviour : Behaviour.values()) {
            cases.add(Arguments.of(stop, stream ? "stream" : "push", buffer, behaviour));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} buffer={2} {3}")
  @MethodSource("cases")
  void everyStop_endsTheCrawl_cleanly(Stop stop, String delivery, int buffer, Behaviour behaviour) throws Exception {
    for (int i = 0; i < REPEATS; i++) {
      runOnce(stop, delivery.equals("stream"), buffer, behaviour);
    }
  }

  private void runOnce(Stop stop, boolean stream, int buffer, Behaviour behaviour) throws Exception {
    CompletableFuture<Crawl<Integer>> handle = new CompletableFuture<>();
    AssertionError sourceBug = new AssertionError("source bug");
    TreeSource source = new TreeSource(TREE) {
      @Override
      public void close(Session session) {
        if (behaviour == Behaviour.CLOSES_SLOWLY) {
          waitDeaf(20_000_000L);
        }
        super.close(session);
      }
    }.hook((node, n) -> {
      if (stop == Stop.CANCEL && n == 100) {
        handle.thenAccept(Crawl::cancel);
      }
      if (stop == Stop.SOURCE_THROWS_ERROR && n == 100) {
        throw sourceBug;
      }
      listFor(behaviour);
    });
    if (stop == Stop.FAIL_FAST) {
      source.failForGood(300);
    }
    Crawler<Integer, TreeSource.Session> crawler = Crawler.over(source).workers(WORKERS);
    if (stop == Stop.DEADLINE) {
      crawler.deadline(Duration.ofMillis(20));
    }
    if (stop == Stop.FAIL_FAST) {
      crawler.onError(ErrorPolicy.FAIL_FAST);
    }
    RuntimeException consumerBug = new RuntimeException("consumer bug");
    AtomicInteger consumed = new AtomicInteger();
    VisitRecorder visits = new VisitRecorder(TREE);
    Consumer<Visit<Integer>> consumer = v -> {
      if (stop == Stop.CONSUMER_THROWS && consumed.incrementAndGet() == 50) {
        throw consumerBug;
      }
      visits.accept(v);
    };
    String what = stop + (stream ? " stream buffer=" + buffer : " push") + " " + behaviour;
    Crawl<Integer> crawl;
    if (stream) {
      crawl = crawler.bufferSize(buffer).start(0);
      handle.complete(crawl);
      try (Stream<Visit<Integer>> s = crawl.visits()) {
        if (stop == Stop.STREAM_CLOSED) {
          s.limit(50).forEach(consumer);
        } else if (stop == Stop.CONSUMER_THROWS) {
          assertSame(consumerBug, assertThrows(RuntimeException.class, () -> s.forEach(consumer)));
        } else {
          s.forEach(consumer);
        }
      }
    } else {
      crawl = crawler.start(0, consumer);
      handle.complete(crawl);
    }
    CrawlReport<Integer> report = awaitOrDump(crawl, ENDS_WITHIN, what);
    crawl.close();
    Outcome expected = stop == Stop.CONSUMER_THROWS ? (stream ? Outcome.CANCELLED : Outcome.FAILED) : stop.outcome;
    assertEquals(expected, report.outcome(), what);
    if (expected == Outcome.FAILED) {
      Throwable cause = stop == Stop.CONSUMER_THROWS ? consumerBug : stop == Stop.SOURCE_THROWS_ERROR ? sourceBug : null;
      if (cause != null) {
        assertSame(cause, report.failure(), what);
      }
    }
    boolean readEverything = !stream || (stop != Stop.STREAM_CLOSED && stop != Stop.CONSUMER_THROWS);
    Expect expect = Expect.everything().failing(stop == Stop.FAIL_FAST ? Set.of(300) : Set.of());
    assertCrawlInvariants(report, visits, source, readEverything ? expect : expect.readPartly());
  }

  private static void listFor(Behaviour behaviour) throws InterruptedException {
    switch (behaviour) {
      case PROPAGATES, CLOSES_SLOWLY -> TimeUnit.MILLISECONDS.sleep(1);
      case SWALLOWS -> {
        try {
          TimeUnit.MILLISECONDS.sleep(1);
        } catch (InterruptedException swallowed) {
          // gone, as some sources do it
        }
      }
      case IGNORES -> waitDeaf(1_000_000L);
    }
  }

  /** Waits the whole time, interrupted or not, and leaves the interrupt flag as it was. */
  private static void waitDeaf(long nanos) {
    long end = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
