package dev.crawler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Settings are checked when set, with the bad value in the message, and can be set once. */
class CrawlerBuilderTest {
  private static final BranchSource<String, Void> NOTHING = (session, branch, out) -> {};

  @Test
  void badValues_areRejectedWithTheValueInTheMessage() {
    assertMessage("workers (0) must be from 1 to 10000", () -> Crawler.over(NOTHING).workers(0));
    assertMessage(
        "rateLimit (-1.0) must be positive and finite", () -> Crawler.over(NOTHING).rateLimit(-1));
    assertMessage(
        "deadline (PT0S) must be positive", () -> Crawler.over(NOTHING).deadline(Duration.ZERO));
    assertMessage("maxDepth (-2) must not be negative", () -> Crawler.over(NOTHING).maxDepth(-2));
    assertMessage(
        "bufferSize (0) must be from 1 to 16777216", () -> Crawler.over(NOTHING).bufferSize(0));
    assertMessage(
        "maxAttempts (0) must be at least 1",
        () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1, 0));
    assertMessage(
        "jitter (2.0) must be between 0 and 1",
        () -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 1, 2));
  }

  @Test
  void settings_canBeSetOnce() {
    Crawler<String, Void> crawler = Crawler.over(NOTHING).workers(4);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> crawler.workers(5));
    assertEquals("workers was already set to 4", e.getMessage());
  }

  /** A source that opens a session per worker and says how many workers suit it. */
  private static BranchSource<String, Void> preferring(int workers, AtomicInteger sessions) {
    return new BranchSource<>() {
      @Override
      public Void open() {
        sessions.incrementAndGet();
        return null;
      }

      @Override
      public void list(Void session, String branch, Children<String> out) {}

      @Override
      public int preferredWorkers() {
        return workers;
      }
    };
  }

  @Test
  void workers_default_toWhatTheSourcePrefers_elseTheEngineDefault() throws Exception {
    for (int[] preferredAndRun : new int[][] {{3, 3}, {0, Crawler.DEFAULT_WORKERS}}) {
      AtomicInteger sessions = new AtomicInteger();
      try (Crawl<String> crawl =
          Crawler.over(preferring(preferredAndRun[0], sessions)).start("r", v -> {})) {
        crawl.await();
      }
      assertEquals(
          preferredAndRun[1],
          sessions.get(),
          "sessions when the source prefers " + preferredAndRun[0]);
    }
    AtomicInteger sessions = new AtomicInteger();
    try (Crawl<String> crawl =
        Crawler.over(preferring(3, sessions)).workers(2).start("r", v -> {})) {
      crawl.await();
    }
    assertEquals(2, sessions.get(), "the caller's choice wins");
    assertMessage(
        "the source's preferredWorkers() (-1) must be from 0 to 10000",
        () -> Crawler.over(preferring(-1, sessions)).start("r", v -> {}));
  }

  @Test
  void nulls_areRejected() {
    assertThrows(NullPointerException.class, () -> Crawler.over(null));
    assertThrows(NullPointerException.class, () -> Crawler.over(NOTHING).start(null));
    assertThrows(NullPointerException.class, () -> Crawler.over(NOTHING).start("root", null));
  }

  @Test
  void maxDepth_visitsButDoesNotListTheLastLevel() throws Exception {
    BranchSource<String, Void> deep =
        (session, branch, out) -> {
          out.branch(branch + "/a");
          out.leaf(branch + "/f");
        };
    try (Crawl<String> crawl = Crawler.over(deep).workers(2).maxDepth(2).start("r", v -> {})) {
      CrawlReport<String> report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertEquals(2, report.listings(), "r and r/a are listed, r/a/a is not");
      assertEquals(5, report.visits(), "r, r/a, r/f, r/a/a, r/a/f");
      assertEquals(2, report.maxDepth());
    }
  }

  @Test
  void distinctBy_stopsCyclesAndCountsDuplicates() throws Exception {
    // Not a tree: node i lists (2i mod 100) and (2i+1 mod 100), so everything repeats.
    BranchSource<Integer, Void> graph =
        (session, node, out) -> {
          out.branch((2 * node) % 100);
          out.branch((2 * node + 1) % 100);
        };
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    try (Crawl<Integer> crawl =
        Crawler.over(graph)
            .workers(4)
            .distinctBy(n -> n)
            .start(
                1,
                v -> {
                  if (!seen.add(v.node())) {
                    throw new AssertionError("visited twice: " + v.node());
                  }
                })) {
      CrawlReport<Integer> report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertEquals(100, report.visits());
      assertEquals(100, report.listings());
      assertEquals(200 - 99, report.duplicatesSkipped(), "200 children found, 99 of them new");
    }
  }

  @Test
  void childrenUsedAfterTheListing_isRejected() throws Exception {
    AtomicReference<Children<String>> kept = new AtomicReference<>();
    BranchSource<String, Void> leaky = (session, branch, out) -> kept.set(out);
    try (Crawl<String> crawl = Crawler.over(leaky).workers(1).start("r", v -> {})) {
      crawl.await();
    }
    assertThrows(IllegalStateException.class, () -> kept.get().leaf("late"));
  }

  private static void assertMessage(String expected, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(expected, e.getMessage());
  }
}
