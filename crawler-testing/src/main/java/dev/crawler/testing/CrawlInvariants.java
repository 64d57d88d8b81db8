package dev.crawler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crawler.core.BranchError;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The one invariant checker every engine and source test ends with (ARCHITECTURE.md, invariants 1
 * and 2): {@link #assertCrawlInvariants} for crawls of a {@link Tree}, {@link
 * #assertCrawlInvariants(CrawlReport, VisitLog, Map, Set)} for any other source. Phaser parties,
 * invariant 3, are the engine's own business and are checked by its tests, which can see them.
 */
public final class CrawlInvariants {
  private CrawlInvariants() {}

  /**
   * What a crawl of a tree should have done, besides what every crawl must do.
   *
   * @param failedBranches branches whose listing fails for good
   * @param maxDepth the crawl's {@code maxDepth}, {@link Integer#MAX_VALUE} for none
   * @param readEverything whether the consumer received every visit the crawl handed over (not so
   *     for a stream closed early, or a reader that threw)
   */
  public record Expect(Set<Integer> failedBranches, int maxDepth, boolean readEverything) {
    /**
     * A crawl with no failures and no depth limit, read to the end.
     *
     * @return the expectation
     */
    public static Expect everything() {
      return new Expect(Set.of(), Integer.MAX_VALUE, true);
    }

    /**
     * This expectation, with {@code branches} failing for good instead.
     *
     * @param branches the branches whose listing fails
     * @return a new expectation
     */
    public Expect failing(Set<Integer> branches) {
      return new Expect(Set.copyOf(branches), maxDepth, readEverything);
    }

    /**
     * This expectation, for a crawl with {@code maxDepth(depth)}.
     *
     * @param depth the crawl's maximum depth
     * @return a new expectation
     */
    public Expect maxDepth(int depth) {
      return new Expect(failedBranches, depth, readEverything);
    }

    /**
     * The consumer stopped reading before the end: it saw at most what was handed over.
     *
     * @return a new expectation
     */
    public Expect readPartly() {
      return new Expect(failedBranches, maxDepth, false);
    }
  }

  /**
   * Every invariant of a finished crawl of {@code source}'s tree:
   *
   * <ul>
   *   <li>every visit had the right depth, parent and kind, and came after its parent's;
   *   <li>a crawl that ran to its end, read to its end, visited exactly the nodes it could reach,
   *       each once, with one error per failing branch it reached and none other, and ended
   *       COMPLETE or PARTIAL accordingly with nothing left unlisted; a crawl stopped early visited
   *       nothing twice and reported only failing branches;
   *   <li>the report's counts agree with what the consumer received;
   *   <li>every session was closed once, on the thread that opened it, the source's contract was
   *       kept, and no crawler thread is left.
   * </ul>
   *
   * @param report the finished crawl's report
   * @param visits every visit the consumer received
   * @param source the source the crawl listed
   * @param expect what this crawl should have done
   */
  public static void assertCrawlInvariants(
      CrawlReport<Integer> report, VisitRecorder visits, TreeSource source, Expect expect) {
    Tree tree = source.tree();
    assertNoProblems(visits);
    Set<Integer> errorBranches =
        report.errors().stream().map(BranchError::branch).collect(Collectors.toSet());
    assertEquals(
        report.errors().size(), errorBranches.size(), "one error per branch: " + report.errors());
    if (report.outcome().ranToEnd() && expect.readEverything()) {
      assertExactlyOnce(
          visits, tree.expectedVisits(expect.failedBranches(), expect.maxDepth()), tree);
      Set<Integer> reachedFailures = new TreeSet<>();
      for (int branch : expect.failedBranches()) {
        if (visits.count(branch) > 0 && tree.depth(branch) < expect.maxDepth()) {
          reachedFailures.add(branch);
        }
      }
      assertEquals(
          reachedFailures,
          new TreeSet<>(errorBranches),
          "an error for each failing branch reached");
      assertEquals(errorBranches.isEmpty() ? Outcome.COMPLETE : Outcome.PARTIAL, report.outcome());
      assertEquals(0, report.unlisted(), "nothing left unlisted by a crawl that ran to its end");
    } else {
      assertAtMostOnce(visits, tree);
      assertTrue(
          expect.failedBranches().containsAll(errorBranches),
          "errors only for failing branches: " + report.errors());
    }
    assertEquals(
        report.visits(), report.branches() + report.leaves(), "visits = branches + leaves");
    if (expect.readEverything()) {
      assertEquals(visits.total(), report.visits(), "report.visits vs visits delivered");
    } else {
      assertTrue(
          visits.total() <= report.visits(),
          "read " + visits.total() + ", handed over " + report.visits());
    }
    assertCleanShutdown(source);
  }

  /**
   * Every invariant of a finished crawl of any source, against the tree it should have found:
   * nothing visited twice, every parent delivered before its children (as a branch, one level up)
   * with the expected parent, no child of a failing branch visited; for a crawl that ran to its
   * end, every expected node visited and nothing else, with an error for each failing branch; no
   * crawler thread left.
   *
   * @param <K> the key type
   * @param report the finished crawl's report
   * @param visits every visit the crawl delivered
   * @param expectedParents every node the crawl can reach, by key, with its parent's key ({@code
   *     null} for the root)
   * @param failedBranches keys of branches whose listing fails for good
   */
  public static <K> void assertCrawlInvariants(
      CrawlReport<?> report,
      VisitLog<?, K> visits,
      Map<K, K> expectedParents,
      Set<K> failedBranches) {
    List<String> problems = new ArrayList<>(visits.problems());
    visits
        .counts()
        .forEach(
            (key, count) -> {
              if (count != 1) {
                problems.add(key + " visited " + count + " times");
              }
              if (!expectedParents.containsKey(key)) {
                problems.add(key + " visited, but not in the tree");
              } else if (!Objects.equals(expectedParents.get(key), visits.parents().get(key))) {
                problems.add(
                    key
                        + " with parent "
                        + visits.parents().get(key)
                        + ", expected "
                        + expectedParents.get(key));
              } else if (expectedParents.get(key) != null
                  && failedBranches.contains(expectedParents.get(key))) {
                // A failed listing hands over no child (invariant 7): a child seen anyway was taken
                // from a
                // listing that must not count, one cut short or not trusted.
                problems.add(key + " visited, but its parent's listing failed");
              }
            });
    if (report.outcome().ranToEnd()) {
      expectedParents.forEach(
          (key, parent) -> {
            boolean reachable =
                parent == null
                    || visits.counts().containsKey(parent) && !failedBranches.contains(parent);
            if (reachable && !visits.counts().containsKey(key)) {
              problems.add(key + " not visited");
            }
          });
      Set<Object> errors =
          report.errors().stream().map(e -> visits.keyOf(e.branch())).collect(Collectors.toSet());
      Set<Object> expectedErrors = new HashSet<>();
      for (K failed : failedBranches) {
        if (visits.counts().containsKey(failed)) {
          expectedErrors.add(failed);
        }
      }
      if (!errors.equals(expectedErrors)) {
        problems.add("errors for " + errors + ", expected for " + expectedErrors);
      }
    }
    if (!problems.isEmpty()) {
      fail(
          problems.size()
              + " problems, first: "
              + problems.stream().limit(10).collect(Collectors.joining("; ")));
    }
    assertEquals(report.visits(), visits.total(), "report.visits vs visits delivered");
    assertNoCrawlerThreads();
  }

  /**
   * The invariants every crawl keeps whatever tree it found, for a test whose oracle is not the
   * whole tree (git's list of files, a filtered {@code find}) and that compares what was found on
   * its own: nothing visited twice, every child after its parent, one level below it, the report's
   * count equal to the visits delivered, no crawler thread left.
   *
   * @param report the finished crawl's report
   * @param visits every visit the crawl delivered
   */
  public static void assertVisitedOnce(CrawlReport<?> report, VisitLog<?, ?> visits) {
    List<String> problems = new ArrayList<>(visits.problems());
    visits
        .counts()
        .forEach(
            (key, count) -> {
              if (count != 1) {
                problems.add(key + " visited " + count + " times");
              }
            });
    if (!problems.isEmpty()) {
      fail(
          problems.size()
              + " problems, first: "
              + problems.stream().limit(10).collect(Collectors.joining("; ")));
    }
    assertEquals(report.visits(), visits.total(), "report.visits vs visits delivered");
    assertNoCrawlerThreads();
  }

  /**
   * The crawl's report, or a failure naming {@code what} with every crawler thread's stack if the
   * crawl has not ended within {@code timeout}. The crawl is not closed on failure: closing a hung
   * crawl would hang the test too.
   *
   * @param <T> the node type
   * @param crawl the crawl to await
   * @param timeout how long to wait: far longer than the crawl takes, a hang's bound
   * @param what the crawl, for the failure's message
   * @return the crawl's report
   * @throws InterruptedException if interrupted while waiting
   */
  public static <T> CrawlReport<T> awaitOrDump(Crawl<T> crawl, Duration timeout, String what)
      throws InterruptedException {
    try {
      return crawl.await(timeout);
    } catch (TimeoutException e) {
      StringBuilder dump =
          new StringBuilder("the crawl did not end within " + timeout + ": " + what);
      appendCrawlerStacks(dump);
      throw new AssertionError(dump.toString(), e);
    }
  }

  /**
   * For tests of stopping that record no visits: every session closed once, on its own thread; no
   * contract breach; no crawler thread alive.
   *
   * @param source the source the crawl listed
   */
  public static void assertCleanShutdown(TreeSource source) {
    assertEquals(0, source.sessionsNotClosed(), "sessions not closed exactly once");
    assertEquals(List.of(), List.copyOf(source.violations()), "source contract violations");
    assertNoCrawlerThreads();
  }

  /** No live thread whose name starts with {@code crawler-}. */
  public static void assertNoCrawlerThreads() {
    boolean any =
        Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.isAlive() && t.getName().startsWith("crawler-"));
    if (any) {
      StringBuilder dump = new StringBuilder("crawler threads still alive:");
      appendCrawlerStacks(dump);
      fail(dump.toString());
    }
  }

  private static void appendCrawlerStacks(StringBuilder dump) {
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (thread.isAlive() && thread.getName().startsWith("crawler-")) {
                dump.append("\n  ").append(thread.getName()).append(" ").append(thread.getState());
                for (StackTraceElement frame : stack) {
                  dump.append("\n      at ").append(frame);
                }
              }
            });
  }

  private static void assertExactlyOnce(VisitRecorder visits, BitSet expected, Tree tree) {
    List<String> wrong = new ArrayList<>();
    for (int n = 0; n < tree.size() && wrong.size() < 10; n++) {
      int want = expected.get(n) ? 1 : 0;
      int got = visits.count(n);
      if (got != want) {
        wrong.add(
            "node "
                + n
                + " (depth "
                + tree.depth(n)
                + ") visited "
                + got
                + " times, expected "
                + want);
      }
    }
    if (!wrong.isEmpty()) {
      fail(tree + ": " + String.join("; ", wrong));
    }
  }

  private static void assertAtMostOnce(VisitRecorder visits, Tree tree) {
    for (int n = 0; n < tree.size(); n++) {
      if (visits.count(n) > 1) {
        fail(tree + ": node " + n + " visited " + visits.count(n) + " times");
      }
    }
  }

  private static void assertNoProblems(VisitRecorder visits) {
    if (!visits.problems().isEmpty()) {
      fail(
          visits.problems().size()
              + " bad visits, first: "
              + visits.problems().stream().limit(5).collect(Collectors.joining("; ")));
    }
  }
}
