package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static dev.crawler.testing.CrawlInvariants.awaitOrDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
 * Invariant 2, stop by stop: every way a crawl can stop (Errors from every method of the source,
 * the consumer and the listener; close and cancel from inside) × push and stream delivery × buffer
 * sizes × sources that propagate, swallow or ignore interrupts, open slowly and close slowly. Each
 * case ends the crawl with the outcome that stop promises, visits nothing twice, closes every
 * session on its own thread and leaves no thread behind. {@code -Dcrawler.stress.stopRepeats=N}
 * repeats each case (2 by default).
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
    /**
     * Push: the consumer throws (FAILED). Stream: the reader's action throws, which closes the
     * stream.
     */
    CONSUMER_THROWS(null),
    /** Stream only: the reader closes the stream after 50 visits. */
    STREAM_CLOSED(Outcome.CANCELLED),
    SOURCE_THROWS_ERROR(Outcome.FAILED),
    /**
     * Push: the consumer throws an Error (FAILED). Stream: the reader's action does (CANCELLED).
     */
    CONSUMER_THROWS_ERROR(null),
    /** The third worker's open() throws an Error. */
    OPEN_THROWS_ERROR(Outcome.FAILED),
    /** Every session's close() throws an Error after closing: logged, ignored. */
    CLOSE_THROWS_ERROR(Outcome.COMPLETE),
    /** A listing fails, and isTransient() throws an Error when asked about it. */
    IS_TRANSIENT_THROWS_ERROR(Outcome.FAILED),
    /** A listing fails for good, and the error listener throws an Error. */
    LISTENER_THROWS_ERROR(Outcome.FAILED),
    /** The consumer (push) or the stream's reader calls close() after 50 visits. */
    CLOSE_FROM_CONSUMER(Outcome.CANCELLED),
    /** The consumer (push) or the stream's reader calls cancel() after 50 visits. */
    CANCEL_FROM_CONSUMER(Outcome.CANCELLED);

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
    CLOSES_SLOWLY,
    /** Like PROPAGATES, and worker 0's open() takes 20 ms, deaf to interrupts. */
    OPENS_SLOWLY
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
  void everyStop_endsTheCrawl_cleanly(Stop stop, String delivery, int buffer, Behaviour behaviour)
      throws Exception {
    for (int i = 0; i < REPEATS; i++) {
      runOnce(stop, delivery.equals("stream"), buffer, behaviour);
    }
  }

  private void runOnce(Stop stop, boolean stream, int buffer, Behaviour behaviour)
      throws Exception {
    CompletableFuture<Crawl<Integer>> handle = new CompletableFuture<>();
    AssertionError sourceBug = new AssertionError("source bug");
    AtomicInteger opens = new AtomicInteger();
    TreeSource source =
        new TreeSource(TREE) {
          @Override
          public Session open() throws Exception {
            if (behaviour == Behaviour.OPENS_SLOWLY
                && Thread.currentThread().getName().endsWith("-0")) {
              waitDeaf(20_000_000L);
            }
            if (stop == Stop.OPEN_THROWS_ERROR && opens.incrementAndGet() == 3) {
              throw sourceBug;
            }
            return super.open();
          }

          @Override
          public void close(Session session) {
            if (behaviour == Behaviour.CLOSES_SLOWLY) {
              waitDeaf(20_000_000L);
            }
            super.close(session);
            if (stop == Stop.CLOSE_THROWS_ERROR) {
              throw sourceBug;
            }
          }

          @Override
          public boolean isTransient(Exception failure) {
            if (stop == Stop.IS_TRANSIENT_THROWS_ERROR) {
              throw sourceBug;
            }
            return super.isTransient(failure);
          }
        }.hook(
            (node, n) -> {
              if (stop == Stop.CANCEL && n == 100) {
                handle.thenAccept(Crawl::cancel);
              }
              if (stop == Stop.SOURCE_THROWS_ERROR && n == 100) {
                throw sourceBug;
              }
              listFor(behaviour);
            });
    if (stop == Stop.FAIL_FAST
        || stop == Stop.IS_TRANSIENT_THROWS_ERROR
        || stop == Stop.LISTENER_THROWS_ERROR) {
      source.failForGood(300);
    }
    Crawler<Integer, TreeSource.Session> crawler = Crawler.over(source).workers(WORKERS);
    if (stop == Stop.DEADLINE) {
      crawler.deadline(Duration.ofMillis(20));
    }
    if (stop == Stop.FAIL_FAST) {
      crawler.onError(ErrorPolicy.FAIL_FAST);
    }
    if (stop == Stop.LISTENER_THROWS_ERROR) {
      crawler.errorListener(
          e -> {
            throw sourceBug;
          });
    }
    RuntimeException consumerBug = new RuntimeException("consumer bug");
    Error consumerError = new AssertionError("consumer error");
    AtomicInteger consumed = new AtomicInteger();
    VisitRecorder visits = new VisitRecorder(TREE);
    Consumer<Visit<Integer>> consumer =
        v -> {
          // Counted before the visit is recorded, so the visit that stops the crawl is not
          // recorded:
          // the stream's reader drops it too.
          boolean fiftieth = consumed.incrementAndGet() == 50;
          if (fiftieth && stop == Stop.CONSUMER_THROWS) {
            throw consumerBug;
          }
          if (fiftieth && stop == Stop.CONSUMER_THROWS_ERROR) {
            throw consumerError;
          }
          visits.accept(v);
          if (fiftieth && stop == Stop.CLOSE_FROM_CONSUMER) {
            handle.join().close();
          }
          if (fiftieth && stop == Stop.CANCEL_FROM_CONSUMER) {
            handle.join().cancel();
          }
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
        } else if (stop == Stop.CONSUMER_THROWS_ERROR) {
          assertSame(consumerError, assertThrows(AssertionError.class, () -> s.forEach(consumer)));
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
    boolean consumerThrows = stop == Stop.CONSUMER_THROWS || stop == Stop.CONSUMER_THROWS_ERROR;
    Outcome expected =
        consumerThrows ? (stream ? Outcome.CANCELLED : Outcome.FAILED) : stop.outcome;
    assertEquals(expected, report.outcome(), what);
    if (expected == Outcome.FAILED) {
      Throwable cause =
          switch (stop) {
            case CONSUMER_THROWS -> consumerBug;
            case CONSUMER_THROWS_ERROR -> consumerError;
            case SOURCE_THROWS_ERROR,
                OPEN_THROWS_ERROR,
                IS_TRANSIENT_THROWS_ERROR,
                LISTENER_THROWS_ERROR ->
                sourceBug;
            default -> null;
          };
      if (cause != null) {
        assertSame(cause, report.failure(), what);
      }
    }
    boolean readEverything = !stream || (stop != Stop.STREAM_CLOSED && !consumerThrows);
    boolean failsAt300 = stop == Stop.FAIL_FAST || stop == Stop.LISTENER_THROWS_ERROR;
    Expect expect = Expect.everything().failing(failsAt300 ? Set.of(300) : Set.of());
    assertCrawlInvariants(report, visits, source, readEverything ? expect : expect.readPartly());
  }

  private static void listFor(Behaviour behaviour) throws InterruptedException {
    switch (behaviour) {
      case PROPAGATES, CLOSES_SLOWLY, OPENS_SLOWLY -> TimeUnit.MILLISECONDS.sleep(1);
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
