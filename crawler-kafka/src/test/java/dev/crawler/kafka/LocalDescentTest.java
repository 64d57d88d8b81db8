package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.RetryPolicy;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.kafka.LocalDescent.Placed;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local descent's protocol without a broker: transactions run one after another in this JVM,
 * each crawling the frontier the one before set aside, as the topic would hand it on. Whatever the
 * budget, every node is visited exactly once, at its depth under its parent, and every branch is
 * listed exactly once.
 */
class LocalDescentTest {
  /** A clock that moves one tick each time it is read: a slice of N ticks ends after N checks. */
  private final AtomicLong ticks = new AtomicLong();

  private static final RetryPolicy RETRY_AT_ONCE =
      new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1, 0);

  static Stream<Arguments> budgets() {
    List<Arguments> cases = new ArrayList<>();
    List<Tree> trees =
        List.of(
            Tree.balanced(3, 7),
            Tree.heavyTailed(11, 3_000),
            Tree.flat(40, 30),
            Tree.chain(400, 5),
            Tree.wide(2_000, 10, 3),
            Tree.single());
    for (Tree tree : trees) {
      for (int workers : new int[] {1, 4}) {
        for (long slice : new long[] {0, 7, 200, Long.MAX_VALUE / 4}) {
          for (int cap : new int[] {0, 5, 1_000_000}) {
            for (int batchLimit : new int[] {1, 6}) {
              cases.add(Arguments.of(tree, workers, slice, cap, batchLimit));
            }
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, W={1}, slice={2} ticks, cap={3}, batch={4}")
  @MethodSource("budgets")
  void everyNodeOnce_everyBranchListedOnce_whateverTheBudget(
      Tree tree, int workers, long slice, int cap, int batchLimit) throws Exception {
    TreeSource source = new TreeSource(tree).batchLimit(batchLimit);
    for (int node = 5; node < tree.size(); node += 31) {
      if (tree.isBranch(node)) {
        source.failTransiently(node, 1); // a batch listed again must set nothing aside twice
      }
    }
    AtomicIntegerArray visits = new AtomicIntegerArray(tree.size());
    visits.incrementAndGet(0); // the root: its visit is the seeding's
    List<Placed<Integer>> seeds = List.of(seed(0, 0));
    long listings = 0;
    int transactions = 0;
    while (!seeds.isEmpty()) {
      assertTrue(++transactions <= tree.size(), "no progress: more transactions than nodes");
      LocalDescent<Integer, TreeSource.Session> descent =
          new LocalDescent<>(
              source,
              TreeEngineMain.CODEC,
              seeds.size(),
              ticks::incrementAndGet,
              slice,
              cap,
              new ListingPace(Long.MAX_VALUE),
              1);
      List<String> wrong = new CopyOnWriteArrayList<>();
      CrawlReport<Placed<Integer>> report;
      try (Crawl<Placed<Integer>> crawl =
          Crawler.over(descent)
              .workers(workers)
              .retry(RETRY_AT_ONCE)
              .startAll(
                  seeds,
                  visit -> {
                    if (visit.depth() == 0) {
                      return;
                    }
                    int node = visit.node().node;
                    visits.incrementAndGet(node);
                    if (visit.node().depth != tree.depth(node)
                        || TreeEngineMain.CODEC.decode(visit.parent().visitBytes)
                            != tree.parent(node)
                        || TreeEngineMain.CODEC.decode(visit.node().visitBytes) != node
                        || visit.isBranch() != tree.isBranch(node)) {
                      wrong.add(node + " at " + visit.node().depth);
                    }
                  })) {
        report = crawl.await();
      }
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertEquals(List.of(), wrong, "misplaced visits");
      listings += descent.listings();
      List<Placed<Integer>> next = new ArrayList<>();
      for (Placed<Integer> aside : descent.frontier()) {
        assertTrue(tree.isBranch(aside.node), aside + " set aside but not a branch");
        next.add(seed(aside.node, aside.depth));
      }
      seeds = next;
    }
    for (int node = 0; node < tree.size(); node++) {
      assertEquals(1, visits.get(node), "visits of node " + node);
    }
    long branches = IntStream.range(0, tree.size()).filter(tree::isBranch).count();
    assertEquals(
        branches, listings, "every branch listed once, set-aside ones by a later transaction");
    assertEquals(0, source.sessionsNotClosed());
  }

  /**
   * A huge listing's committed leaves reach the local engine (and so the transaction's visits) as
   * they are committed, not when the listing returns; and a listing that fails after a commit is a
   * branch error at once, with its committed leaves visited once (it was held whole, then retried
   * and its leaves dropped, when the descent did not forward the commit).
   */
  @Test
  void committedLeaves_reachTheLocalEngineAtOnce_andAFailureAfterACommitIsABranchError()
      throws Exception {
    AtomicLong delivered = new AtomicLong();
    java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.Set<Integer> twice = java.util.concurrent.ConcurrentHashMap.newKeySet();
    WideLeavesSource source =
        new WideLeavesSource(WideLeavesSource.Mode.FAIL_AFTER_COMMIT, delivered::get);
    LocalDescent<Integer, Void> descent =
        new LocalDescent<>(
            source,
            TreeEngineMain.CODEC,
            1,
            ticks::incrementAndGet,
            Long.MAX_VALUE / 4,
            1_000_000,
            new ListingPace(Long.MAX_VALUE),
            1);
    CrawlReport<Placed<Integer>> report;
    try (Crawl<Placed<Integer>> crawl =
        Crawler.over(descent)
            .workers(1)
            .retry(RETRY_AT_ONCE)
            .startAll(
                List.of(seed(0, 0)),
                visit -> {
                  if (!seen.add(visit.node().node)) {
                    twice.add(visit.node().node);
                  }
                  if (!visit.isBranch()) {
                    delivered.incrementAndGet();
                  }
                })) {
      report = crawl.await();
    }
    assertEquals(
        0, source.lateCommits.get(), "committed leaves waited for the end of their listing");
    assertEquals(Outcome.PARTIAL, report.outcome());
    assertEquals(
        List.of(WideLeavesSource.ODD_BRANCH),
        report.errors().stream().map(e -> e.branch().node).toList());
    assertEquals(
        1, report.errors().get(0).attempts(), "a listing that committed leaves is never retried");
    assertEquals(java.util.Set.of(), twice);
    assertEquals(
        WideLeavesSource.nodesWhenTheOddBranchFailed(),
        seen.size(),
        "every leaf once, the failed listing's committed ones too");
  }

  @Test
  void aSliceWithNoTimeLeft_listsOneSeed_andSetsAsideTheOtherSeeds_andWhatItFound()
      throws Exception {
    Tree tree = Tree.balanced(4, 4);
    List<Placed<Integer>> seeds = List.of(seed(1, 1), seed(2, 1), seed(3, 1));
    LocalDescent<Integer, TreeSource.Session> descent =
        new LocalDescent<>(
            new TreeSource(tree),
            TreeEngineMain.CODEC,
            seeds.size(),
            () -> 0,
            0,
            1_000_000,
            new ListingPace(Long.MAX_VALUE),
            1);
    try (Crawl<Placed<Integer>> crawl =
        Crawler.over(descent).workers(1).startAll(seeds, visit -> {})) {
      crawl.await();
    }
    assertEquals(1, descent.listings(), "one listing, so that every transaction makes progress");
    List<Placed<Integer>> frontier = descent.frontier();
    assertEquals(
        6, frontier.size(), "two seeds and the listed seed's 4 children, set aside: " + frontier);
    assertEquals(
        2, frontier.stream().filter(p -> p.seed).count(), "the two seeds go back as they came");
    for (Placed<Integer> p : frontier) {
      assertEquals(tree.depth(p.node), p.depth, p + " keeps its depth");
      assertEquals(p.node, TreeEngineMain.CODEC.decode(p.bytes), p + " keeps its bytes");
    }
  }

  @Test
  void aSliceWithNoTimeLeft_listsOneSeedPerWorker() throws Exception {
    Tree tree = Tree.balanced(4, 4);
    List<Placed<Integer>> seeds = List.of(seed(1, 1), seed(2, 1), seed(3, 1));
    LocalDescent<Integer, TreeSource.Session> descent =
        new LocalDescent<>(
            new TreeSource(tree),
            TreeEngineMain.CODEC,
            seeds.size(),
            () -> 0,
            0,
            1_000_000,
            new ListingPace(Long.MAX_VALUE),
            2);
    try (Crawl<Placed<Integer>> crawl =
        Crawler.over(descent).workers(1).startAll(seeds, visit -> {})) {
      crawl.await();
    }
    assertEquals(2, descent.listings(), "two calls go ahead");
    assertEquals(
        1 + 8, descent.frontier().size(), "a seed and the listed seeds' 8 children, set aside");
  }

  @Test
  void theLocalCap_doesNotSetSeedsAside_onlyWhatWasFound() throws Exception {
    Tree tree = Tree.balanced(4, 4);
    List<Placed<Integer>> seeds = List.of(seed(1, 1), seed(2, 1), seed(3, 1));
    LocalDescent<Integer, TreeSource.Session> descent =
        new LocalDescent<>(
            new TreeSource(tree),
            TreeEngineMain.CODEC,
            seeds.size(),
            () -> 0,
            Long.MAX_VALUE / 4,
            0,
            new ListingPace(Long.MAX_VALUE),
            1);
    try (Crawl<Placed<Integer>> crawl =
        Crawler.over(descent).workers(2).startAll(seeds, visit -> {})) {
      crawl.await();
    }
    assertEquals(3, descent.listings());
    assertEquals(12, descent.frontier().size(), "the seeds' 12 children, set aside");
  }

  @Test
  void everyListingCall_isTimedIntoThePace() throws Exception {
    Tree tree = Tree.balanced(2, 3); // 7 branches
    ListingPace pace = new ListingPace(Long.MAX_VALUE);
    LocalDescent<Integer, TreeSource.Session> descent =
        new LocalDescent<>(
            new TreeSource(tree),
            TreeEngineMain.CODEC,
            1,
            ticks::incrementAndGet,
            Long.MAX_VALUE / 4,
            1_000_000,
            pace,
            1);
    assertFalse(pace.measured());
    try (Crawl<Placed<Integer>> crawl =
        Crawler.over(descent).workers(1).startAll(List.of(seed(0, 0)), v -> {})) {
      crawl.await();
    }
    assertEquals(7, descent.listings());
    assertTrue(pace.measured());
    assertTrue(
        pace.callNanos() >= 1, "a call on this clock takes at least one tick: " + pace.callNanos());
  }

  @Test
  void theLocalCap_endsTheBudget_beforeTheSlice() throws Exception {
    Tree tree = Tree.balanced(4, 6); // 1,365 branches
    LocalDescent<Integer, TreeSource.Session> descent =
        new LocalDescent<>(
            new TreeSource(tree),
            TreeEngineMain.CODEC,
            1,
            () -> 0,
            Long.MAX_VALUE / 4,
            10,
            new ListingPace(Long.MAX_VALUE),
            1);
    try (Crawl<Placed<Integer>> crawl =
        Crawler.over(descent).workers(1).startAll(List.of(seed(0, 0)), v -> {})) {
      crawl.await();
    }
    // One worker, depth first: the budget ends once more than 10 branches wait, after a few
    // listings.
    assertTrue(descent.listings() < 10, "listings " + descent.listings());
    assertTrue(descent.frontier().size() > 10, "frontier " + descent.frontier().size());
  }

  @Test
  void aCodecWithItsOwnVisitBytes_isUsedForVisits_andTheWholeEncodingForBranches()
      throws Exception {
    // Visit bytes are the node's negation: a test can tell which encoding each Placed carries.
    NodeCodec<Integer> lean =
        new NodeCodec<>() {
          @Override
          public byte[] encode(Integer node) {
            return TreeEngineMain.CODEC.encode(node);
          }

          @Override
          public byte[] encodeForVisit(Integer node) {
            return TreeEngineMain.CODEC.encode(-node);
          }

          @Override
          public Integer decode(byte[] bytes) {
            return TreeEngineMain.CODEC.decode(bytes);
          }
        };
    assertTrue(LocalDescent.leanVisits(lean));
    assertEquals(false, LocalDescent.leanVisits(TreeEngineMain.CODEC));
    Tree tree = Tree.balanced(3, 2);
    LocalDescent<Integer, TreeSource.Session> descent =
        new LocalDescent<>(
            new TreeSource(tree),
            lean,
            1,
            () -> 0,
            0,
            1_000_000,
            new ListingPace(Long.MAX_VALUE),
            1);
    List<Placed<Integer>> found = Collections.synchronizedList(new ArrayList<>());
    try (Crawl<Placed<Integer>> crawl =
        Crawler.over(descent).workers(1).startAll(List.of(seed(0, 0)), v -> found.add(v.node()))) {
      crawl.await();
    }
    assertEquals(4, found.size(), "the root and its 3 children");
    for (Placed<Integer> p : found.subList(1, 4)) {
      assertEquals(-p.node, TreeEngineMain.CODEC.decode(p.visitBytes));
      assertEquals(
          p.node, TreeEngineMain.CODEC.decode(p.bytes), "a branch keeps its whole encoding");
    }
  }

  /**
   * Seeds 1 and 2 of a balanced tree, two workers, a slice of 10 ticks. Both calls begin within the
   * slice; then seed 1's moves the clock past its end, and waits until {@code seed1Waits} visits
   * below seed 2 were made: the slow call that holds a transaction open. Seed 2's call returns only
   * once the clock moved, so everything below it is found after the slice's time.
   */
  private LocalDescent<Integer, TreeSource.Session> oneSlowSeed(
      Tree tree, boolean mayHold, int seed1Waits) throws Exception {
    AtomicLong clock = new AtomicLong();
    java.util.concurrent.CountDownLatch seed2Begun = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch clockMoved = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch visitedBelow2 =
        new java.util.concurrent.CountDownLatch(seed1Waits);
    // Bounded waits, so that code which never lists below seed 2 here fails an assertion, not the
    // timeout.
    TreeSource source =
        new TreeSource(tree)
            .hook(
                (node, n) -> {
                  if (node == 1) {
                    seed2Begun.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    clock.set(100);
                    clockMoved.countDown();
                    visitedBelow2.await(20, java.util.concurrent.TimeUnit.SECONDS);
                  } else if (node == 2) {
                    seed2Begun.countDown();
                    clockMoved.await(20, java.util.concurrent.TimeUnit.SECONDS);
                  }
                });
    List<Placed<Integer>> seeds = List.of(seed(1, 1), seed(2, 1));
    LocalDescent<Integer, TreeSource.Session> descent =
        new LocalDescent<>(
            source,
            TreeEngineMain.CODEC,
            seeds.size(),
            clock::get,
            10,
            1_000_000,
            new ListingPace(Long.MAX_VALUE),
            1,
            () -> mayHold);
    CrawlReport<Placed<Integer>> report;
    try (Crawl<Placed<Integer>> crawl =
        Crawler.over(descent)
            .workers(2)
            .startAll(
                seeds,
                visit -> {
                  for (int n = tree.parent(visit.node().node);
                      n > 0 && visit.depth() > 0;
                      n = tree.parent(n)) {
                    if (n == 2) {
                      visitedBelow2.countDown();
                    }
                  }
                })) {
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertEquals(List.of(), List.copyOf(source.violations()));
    return descent;
  }

  private static List<Integer> sorted(List<Placed<Integer>> placed) {
    return placed.stream().map(p -> p.node).sorted().toList();
  }

  private static List<Integer> childrenOf(Tree tree, int... nodes) {
    List<Integer> children = new ArrayList<>();
    for (int node : nodes) {
      for (int i = 0; i < tree.childCount(node); i++) {
        children.add(tree.child(node, i));
      }
    }
    return children.stream().sorted().toList();
  }

  @Test
  void aCallThatOutlastsTheSlice_holdsItOpen_andTheOtherWorkersListOnIntoIt() throws Exception {
    Tree tree = Tree.balanced(2, 4); // below seed 2: 6 branches (and 8 leaves), 14 nodes
    LocalDescent<Integer, TreeSource.Session> descent = oneSlowSeed(tree, true, 14);
    // Both seeds and the 6 branches below seed 2, listed while seed 1's call held the slice open;
    // once it returned the hold was over, and its 2 children were set aside.
    assertEquals(2 + 6, descent.listings());
    assertEquals(childrenOf(tree, 1), sorted(descent.frontier()));
  }

  @Test
  void aTransactionThatCannotHold_setsAsideWhatItFindsPastTheSlice() throws Exception {
    Tree tree = Tree.balanced(2, 4);
    LocalDescent<Integer, TreeSource.Session> descent = oneSlowSeed(tree, false, 2);
    assertEquals(2, descent.listings(), "the two seeds, nothing below them");
    assertEquals(childrenOf(tree, 1, 2), sorted(descent.frontier()));
  }

  private static Placed<Integer> seed(int node, int depth) {
    byte[] bytes = TreeEngineMain.CODEC.encode(node);
    return Placed.seed(node, depth, bytes, bytes);
  }
}
