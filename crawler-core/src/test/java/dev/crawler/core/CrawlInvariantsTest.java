package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariants 1-4 over the product tree shape × workers × seed: every node exactly once, with the
 * right depth, parent and kind; the crawl ends; every session closed; Phaser parties bounded by the
 * workers; no recursion (the deep chains would overflow the stack otherwise).
 */
class CrawlInvariantsTest {
  private static final int SEEDS = Integer.getInteger("crawler.property.seeds", 3);
  private static final int[] WORKERS = {1, 2, 3, 8, 64};

  static Stream<Arguments> shapes() {
    List<Arguments> product = new ArrayList<>();
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Tree> trees =
          List.of(
              Tree.balanced(8, 5),
              Tree.heavyTailed(seed, 60_000),
              Tree.wide(100_000, 20, seed),
              Tree.chain(200_000, (int) seed + 5),
              Tree.single(),
              Tree.withEmptyListings(seed, 20_000));
      for (Tree tree : trees) {
        for (int workers : WORKERS) {
          product.add(Arguments.of(tree, workers, seed));
        }
      }
    }
    return product.stream();
  }

  @ParameterizedTest(name = "{0} workers={1} seed={2}")
  @MethodSource("shapes")
  void pushConsumer_everyNodeExactlyOnce(Tree tree, int workers, long seed) throws Exception {
    TreeSource source = new TreeSource(tree);
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    int peak;
    try (Crawl<Integer> crawl = Crawler.over(source).workers(workers).start(0, visits)) {
      report = crawl.await();
      peak = ((CrawlEngine<?, ?>) crawl).peakParties();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything());
    assertEquals(workers, source.sessionsOpened(), "one session per worker");
    assertTrue(
        peak <= 2 * workers, "Phaser parties peaked at " + peak + " for " + workers + " workers");
    assertEquals(tree.height(), report.maxDepth());
    assertEquals(0, report.unlisted());
    long branches = visits.visited().stream().filter(tree::isBranch).count();
    assertEquals(branches, report.listings(), "one listing per branch");
    assertEquals(
        branches - 1,
        report.handoffs() + report.steals() + report.localDescents(),
        "every branch but the root moved exactly once");
  }

  @ParameterizedTest(name = "{0} workers={1} seed={2}")
  @MethodSource("shapes")
  void stream_everyNodeExactlyOnce(Tree tree, int workers, long seed) throws Exception {
    TreeSource source = new TreeSource(tree);
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl =
            Crawler.over(source).workers(workers).bufferSize(1 + (int) seed * 100).start(0);
        Stream<Visit<Integer>> stream = crawl.visits()) {
      stream.forEach(visits);
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything());
  }

  @ParameterizedTest(name = "{0} workers={1} seed={2}")
  @MethodSource("shapes")
  void batchedListings_everyNodeExactlyOnce(Tree tree, int workers, long seed) throws Exception {
    int batchLimit = 2 + (int) seed * 2;
    TreeSource source = new TreeSource(tree).batchLimit(batchLimit);
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    int peak;
    try (Crawl<Integer> crawl = Crawler.over(source).workers(workers).start(0, visits)) {
      report = crawl.await();
      peak = ((CrawlEngine<?, ?>) crawl).peakParties();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything());
    assertTrue(
        peak <= 2 * workers, "Phaser parties peaked at " + peak + " for " + workers + " workers");
    long branches = visits.visited().stream().filter(tree::isBranch).count();
    assertEquals(branches, source.listings(), "each branch listed once by the source");
    assertTrue(report.listings() <= branches, "batches make fewer engine listings than branches");
    assertTrue(
        source.largestBatch() <= batchLimit,
        "a batch of " + source.largestBatch() + " over the limit " + batchLimit);
    assertEquals(
        branches - 1,
        report.handoffs() + report.steals() + report.localDescents(),
        "every branch but the root moved exactly once, in a group or alone");
  }

  static Stream<Arguments> depthLimits() {
    List<Arguments> product = new ArrayList<>();
    for (Tree tree :
        List.of(
            Tree.balanced(4, 4), Tree.heavyTailed(3, 5_000), Tree.chain(50, 3), Tree.single())) {
      for (int maxDepth : new int[] {0, 1, 2, 3}) {
        for (int workers : new int[] {1, 8}) {
          product.add(Arguments.of(tree, maxDepth, workers));
        }
      }
    }
    return product.stream();
  }

  /**
   * maxDepth(n) visits exactly the nodes at depth 0..n and lists only those above n; 0 is the root
   * alone.
   */
  @ParameterizedTest(name = "{0} maxDepth={1} workers={2}")
  @MethodSource("depthLimits")
  void maxDepth_visitsDepthsUpToTheLimit_andListsAboveIt(Tree tree, int maxDepth, int workers)
      throws Exception {
    TreeSource source = new TreeSource(tree);
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(workers).maxDepth(maxDepth).start(0, visits)) {
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything().maxDepth(maxDepth));
    long listedBranches =
        visits.visited().stream().filter(n -> tree.isBranch(n) && tree.depth(n) < maxDepth).count();
    assertEquals(listedBranches, source.listings(), "only branches above the limit are listed");
    assertEquals(Math.min(maxDepth, tree.height()), report.maxDepth());
  }

  @Test
  void batchedListing_thatFails_isRetriedOneByOne_andBlamesTheRightBranch() throws Exception {
    Tree tree = Tree.balanced(6, 3);
    TreeSource source = new TreeSource(tree).batchLimit(6).failForGood(9);
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl = Crawler.over(source).workers(1).start(0, visits)) {
      report = crawl.await();
    }
    assertEquals(Outcome.PARTIAL, report.outcome());
    assertEquals(List.of(9), report.errors().stream().map(BranchError::branch).toList());
    assertCrawlInvariants(report, visits, source, Expect.everything().failing(Set.of(9)));
  }

  @Test
  void chainOfAMillion_completesWithoutRecursion() throws Exception {
    Tree tree = Tree.chain(1_000_000, 0);
    for (int workers : new int[] {1, 8}) {
      TreeSource source = new TreeSource(tree);
      VisitRecorder visits = new VisitRecorder(tree);
      CrawlReport<Integer> report;
      try (Crawl<Integer> crawl = Crawler.over(source).workers(workers).start(0, visits)) {
        report = crawl.await();
        assertEquals(Outcome.COMPLETE, report.outcome());
        assertEquals(1_000_000, report.maxDepth());
        assertTrue(((CrawlEngine<?, ?>) crawl).peakParties() <= 2 * workers);
      }
      assertCrawlInvariants(report, visits, source, Expect.everything());
    }
  }

  /**
   * A listing's newest sub-branch is the next one its worker lists, never published: on a chain,
   * every link is listed by the worker that found it, and no peer can steal it or have it handed
   * over. (When a spinning peer could steal it, each link crossed cores: 250 ns a link.)
   */
  @Test
  void chain_eachLinkIsListedByTheWorkerThatFoundIt() throws Exception {
    Tree tree = Tree.chain(200_000, 0);
    for (int workers : new int[] {2, 8}) {
      TreeSource source = new TreeSource(tree);
      VisitRecorder visits = new VisitRecorder(tree);
      CrawlReport<Integer> report;
      try (Crawl<Integer> crawl = Crawler.over(source).workers(workers).start(0, visits)) {
        report = crawl.await();
      }
      assertCrawlInvariants(report, visits, source, Expect.everything());
      assertEquals(0, report.steals() + report.handoffs(), "links moved between workers");
      assertEquals(report.listings() - 1, report.localDescents());
    }
  }

  @Test
  void millionSubBranches_completeWithBoundedParties() throws Exception {
    Tree tree = Tree.wideOfEmptyBranches(1_000_000);
    TreeSource source = new TreeSource(tree);
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl = Crawler.over(source).workers(8).start(0, visits)) {
      report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertEquals(1_000_001, report.listings());
      assertTrue(((CrawlEngine<?, ?>) crawl).peakParties() <= 16);
    }
    assertCrawlInvariants(report, visits, source, Expect.everything());
  }

  @Test
  void latency_idlePeersAreFedAndAllWorkersTakePart() throws Exception {
    // A wide root with slow listings: every worker must get work, through handoffs or steals.
    Tree tree = Tree.wide(400, 50, 7);
    TreeSource source = new TreeSource(tree).latency(200_000);
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl = Crawler.over(source).workers(8).start(0, visits)) {
      report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertTrue(report.handoffs() + report.steals() > 0, "no branch moved between workers");
      report.workerBusy().forEach(busy -> assertTrue(busy.toNanos() > 0, "a worker never worked"));
    }
    assertCrawlInvariants(report, visits, source, Expect.everything());
  }
}
