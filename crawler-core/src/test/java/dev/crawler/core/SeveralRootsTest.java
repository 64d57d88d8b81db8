package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCleanShutdown;
import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Crawler.startAll}: one crawl from several roots visits every node under each root exactly
 * once, each root at depth 0 with no parent, and the workers share the roots' work.
 */
class SeveralRootsTest {

  static Stream<Arguments> forests() {
    List<Arguments> cases = new ArrayList<>();
    for (Tree tree : List.of(Tree.balanced(5, 4), Tree.heavyTailed(2, 20_000), Tree.flat(50, 3))) {
      for (int workers : new int[] {1, 3, 8}) {
        cases.add(Arguments.of(tree, workers));
      }
    }
    return cases.stream();
  }

  /**
   * The roots are node 0's children that are branches: the crawl must visit their subtrees, one
   * level up, and nothing else.
   */
  @ParameterizedTest(name = "{0} workers={1}")
  @MethodSource("forests")
  void startAll_visitsEachRootsSubtreeExactlyOnce(Tree tree, int workers) throws Exception {
    List<Integer> roots = new ArrayList<>();
    for (int i = 0; i < tree.childCount(0); i++) {
      if (tree.isBranch(tree.child(0, i))) {
        roots.add(tree.child(0, i));
      }
    }
    // Each node under a root, with its parent (none for a root): one level up from the tree's view.
    Map<Integer, Integer> expectedParents = new HashMap<>();
    for (int n = 1; n < tree.size(); n++) {
      int top = n;
      while (tree.depth(top) > 1) {
        top = tree.parent(top);
      }
      if (roots.contains(top)) {
        expectedParents.put(n, tree.depth(n) == 1 ? null : tree.parent(n));
      }
    }
    TreeSource source = new TreeSource(tree);
    VisitLog<Integer, Integer> log = new VisitLog<>(n -> n);
    List<String> wrongKind = new CopyOnWriteArrayList<>();
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(workers)
            .startAll(
                roots,
                log.andThen(
                    v -> {
                      if (v.isBranch() != tree.isBranch(v.node())
                          || v.depth() != tree.depth(v.node()) - 1) {
                        wrongKind.add(v.node() + " as " + v.kind() + " at depth " + v.depth());
                      }
                    }))) {
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertEquals(List.of(), wrongKind);
    assertCrawlInvariants(report, log, expectedParents, Set.of());
    assertEquals(0, report.unlisted());
    // The other roots wait on worker 0's stack like any pending branch: only the first is held.
    assertEquals(
        report.listings() - 1,
        report.handoffs() + report.steals() + report.localDescents(),
        "every branch but the first root moved once");
    assertCleanShutdown(source);
  }

  @ParameterizedTest(name = "{0} workers={1}")
  @MethodSource("forests")
  void startAll_withDistinctBy_crawlsARepeatedRootOnce_andMaxDepthZero_visitsTheRootsAlone(
      Tree tree, int workers) throws Exception {
    List<Integer> two = branchesUnderTheTop(tree, 2);
    List<Integer> roots = List.of(two.get(0), two.get(1), two.get(0));
    TreeSource source = new TreeSource(tree);
    AtomicInteger visits = new AtomicInteger();
    try (Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(workers)
            .distinctBy(n -> n)
            .maxDepth(0)
            .startAll(roots, v -> visits.incrementAndGet())) {
      CrawlReport<Integer> report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertEquals(2, report.visits());
      assertEquals(0, source.listings());
    }
    assertEquals(2, visits.get());
    assertCleanShutdown(source);
  }

  @ParameterizedTest(name = "{0} workers={1}")
  @MethodSource("forests")
  void startAll_stream_endsAfterEveryRoot(Tree tree, int workers) throws Exception {
    List<Integer> roots = branchesUnderTheTop(tree, 2);
    TreeSource source = new TreeSource(tree);
    try (Crawl<Integer> crawl =
            Crawler.over(source).workers(workers).bufferSize(5).startAll(roots);
        Stream<Visit<Integer>> stream = crawl.visits()) {
      long roots0 = stream.filter(v -> v.depth() == 0).count();
      assertEquals(2, roots0);
      assertTrue(crawl.await().outcome().ranToEnd());
    }
    assertCleanShutdown(source);
  }

  private static List<Integer> branchesUnderTheTop(Tree tree, int count) {
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < tree.childCount(0) && found.size() < count; i++) {
      if (tree.isBranch(tree.child(0, i))) {
        found.add(tree.child(0, i));
      }
    }
    return found;
  }

  @Test
  void startAll_noRoots_orANullRoot_isRejected() {
    Crawler<Integer, TreeSource.Session> crawler = Crawler.over(new TreeSource(Tree.single()));
    assertThrows(IllegalArgumentException.class, () -> crawler.startAll(List.of()));
    List<Integer> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> crawler.startAll(withNull));
  }
}
