package dev.crawler.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The one invariant checker every engine test ends with: each expected node visited exactly once
 * and nothing else, the report agreeing with what was delivered, every session closed on its own
 * thread, and no crawler thread left (DESIGN.md, invariants 1 and 2).
 */
public final class CrawlAssertions {
  private CrawlAssertions() {}

  /** Every node in {@code expected} was visited exactly once, and no other node at all. */
  public static void assertExactlyOnce(VisitRecorder visits, BitSet expected, Tree tree) {
    assertNoProblems(visits);
    List<String> wrong = new ArrayList<>();
    for (int n = 0; n < tree.size() && wrong.size() < 10; n++) {
      int want = expected.get(n) ? 1 : 0;
      int got = visits.count(n);
      if (got != want) {
        wrong.add("node " + n + " (depth " + tree.depth(n) + ") visited " + got + " times, expected " + want);
      }
    }
    if (!wrong.isEmpty()) {
      fail(tree + ": " + String.join("; ", wrong));
    }
  }

  /** No node was visited twice (for crawls stopped early, which may miss some). */
  public static void assertAtMostOnce(VisitRecorder visits, Tree tree) {
    assertNoProblems(visits);
    for (int n = 0; n < tree.size(); n++) {
      if (visits.count(n) > 1) {
        fail(tree + ": node " + n + " visited " + visits.count(n) + " times");
      }
    }
  }

  /** The report's visit counts equal what the consumer received. */
  public static void assertReportAgrees(CrawlReport<Integer> report, VisitRecorder visits) {
    assertEquals(visits.total(), report.visits(), "report.visits vs visits delivered");
    assertEquals(report.visits(), report.branches() + report.leaves(), "visits = branches + leaves");
  }

  /** Every session closed once, on its own thread; no contract breach; no crawler thread alive. */
  public static void assertCleanShutdown(TreeSource source) {
    assertEquals(0, source.sessionsNotClosed(), "sessions not closed exactly once");
    assertEquals(List.of(), List.copyOf(source.violations()), "source contract violations");
    assertNoCrawlerThreads();
  }

  /**
   * The crawl's report, or a failure naming {@code what} with every crawler thread's stack if the
   * crawl has not ended within {@code timeout}. The crawl is not closed on failure: closing a hung
   * crawl would hang the test too.
   */
  public static <T> CrawlReport<T> awaitOrDump(Crawl<T> crawl, Duration timeout, String what)
      throws InterruptedException {
    try {
      return crawl.await(timeout);
    } catch (TimeoutException e) {
      StringBuilder dump = new StringBuilder("the crawl did not end within " + timeout + ": " + what);
      appendCrawlerStacks(dump);
      throw new AssertionError(dump.toString(), e);
    }
  }

  /** No live thread whose name starts with {@code crawler-}. */
  public static void assertNoCrawlerThreads() {
    Map<Thread, StackTraceElement[]> left = Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().isAlive() && e.getKey().getName().startsWith("crawler-"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    if (!left.isEmpty()) {
      StringBuilder dump = new StringBuilder("crawler threads still alive:");
      appendCrawlerStacks(dump);
      fail(dump.toString());
    }
  }

  private static void appendCrawlerStacks(StringBuilder dump) {
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      if (thread.isAlive() && thread.getName().startsWith("crawler-")) {
        dump.append("\n  ").append(thread.getName()).append(" ").append(thread.getState());
        for (StackTraceElement frame : stack) {
          dump.append("\n      at ").append(frame);
        }
      }
    });
  }

  private static void assertNoProblems(VisitRecorder visits) {
    if (!visits.problems().isEmpty()) {
      fail(visits.problems().size() + " bad visits, first: "
          + visits.problems().stream().limit(5).collect(Collectors.joining("; ")));
    }
  }
}
