package dev.crawler.kafka;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crawler.core.BranchError;
import dev.crawler.core.Outcome;
import dev.crawler.core.spi.Children;
import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing calls that outlast the transaction timeout, on a real broker, with an engine process in
 * this JVM (so the test sets its hold cap): the crawl always ends, every node once, and its outcome
 * says what happened. A transaction timed out by the broker is retried alone ({@code
 * EngineProcess}'s lone transactions); a branch that cannot be listed within the timeout even alone
 * becomes a branch error naming the setting, not a retry for ever.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlowListingsOverKafkaTest {
  /** Far below the 16 MB a process holds, and below the slow calls below. */
  private static final Duration TIMEOUT = Duration.ofMillis(2500);

  /**
   * Twice the transaction timeout: a call of this length outlasts any transaction it runs in once
   * its clock started.
   */
  private static final long SLOW_NANOS = 2 * TIMEOUT.toNanos();

  /** How long the crawl may take before the test calls it a hang. */
  private static final Duration HANG = Duration.ofMinutes(2);

  @TempDir static Path dir;
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** A crawl that ended, its invariants checked: its report and what it delivered. */
  private record Ran(DistributedReport<Integer> report, VisitRecorder visits) {}

  /**
   * Crawls {@code tree} with one engine process in this JVM, 4 workers, the short transaction
   * timeout, holding at most {@code heldBytes}; listings of branches {@code slow} accepts last
   * {@link #SLOW_NANOS}. Fails with the engine's stacks if the crawl has not ended within {@link
   * #HANG}, and if the engine did not end cleanly with it.
   */
  private static Ran crawl(Tree tree, IntPredicate slow, long heldBytes) throws Exception {
    return crawl(
        new TreeSource(tree)
            .hook(
                (node, n) -> {
                  if (slow.test(node)) {
                    LockSupport.parkNanos(SLOW_NANOS);
                  }
                }),
        heldBytes);
  }

  /** As above, listing with {@code source}. */
  private static Ran crawl(TreeSource source, long heldBytes) throws Exception {
    Tree tree = source.tree();
    String crawl = "slow-" + Long.toHexString(System.nanoTime());
    KafkaCrawlSettings settings =
        TreeEngineMain.settings(broker.bootstrap(), crawl)
            .withWorkers(4)
            .withTransactionTimeout(TIMEOUT);
    VisitRecorder visits = new VisitRecorder(tree);
    EngineProcess<Integer, TreeSource.Session> engine =
        EngineProcess.of(settings, source, TreeEngineMain.CODEC, "p0").heldBytes(heldBytes);
    CompletableFuture<ProcessCounts> ran = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                ran.complete(engine.run());
              } catch (Throwable e) {
                ran.completeExceptionally(e);
              }
            },
            "engine-p0");
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed =
        DistributedCrawl.start(
            settings, new CrawlSpec("tree", List.of()), 0, TreeEngineMain.CODEC, visits)) {
      thread.start();
      report = distributed.await(HANG);
      if (report == null) {
        fail(
            "the crawl did not end within "
                + HANG
                + " ("
                + visits.total()
                + " of "
                + tree.size()
                + " visits; engine "
                + (ran.isDone()
                    ? "ended: " + ran.handle((c, e) -> String.valueOf(e)).join()
                    : "running")
                + ")"
                + stacks(thread));
      }
    } finally {
      engine.abandon();
      thread.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertTrue(ran.isDone(), "the engine did not end with the crawl" + stacks(thread));
    ran.join(); // its failure, if any, fails the test
    assertCrawlInvariants(report.report(), visits, source, expectFor(report));
    return new Ran(report, visits);
  }

  private static Expect expectFor(DistributedReport<Integer> report) {
    return Expect.everything()
        .failing(Set.copyOf(report.report().errors().stream().map(BranchError::branch).toList()));
  }

  private static String stacks(Thread engine) {
    StringBuilder dump = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey() == engine || e.getKey().getName().startsWith("crawler")) {
        dump.append("\n\"").append(e.getKey().getName()).append('"');
        for (StackTraceElement frame : e.getValue()) {
          dump.append("\n    at ").append(frame);
        }
      }
    }
    return dump.toString();
  }

  @Test
  void theHoldCapReached_whileOneListingOutlastsTheTimeout_theCrawlEnds_complete_everyNodeOnce()
      throws Exception {
    // The root's two branches are listed in one transaction: the fast one's 50,000 leaves fill a
    // pack of visits, which is over the 1-byte cap, so the records go out and the broker's clock
    // starts; the slow one then outlasts the timeout and the broker aborts the transaction. Listed
    // together again, they would be aborted again, for ever.
    Tree tree = Tree.flat(2, 50_000);
    int slow = tree.child(0, 0);
    Ran ran = crawl(tree, node -> node == slow, 1);
    assertEquals(
        Outcome.COMPLETE, ran.report().report().outcome(), "each branch fits a transaction alone");
  }

  @Test
  void aListingAlwaysLongerThanTheTimeout_nothingHeldOver_theCrawlEnds_complete() throws Exception {
    // Held, nothing reaches the broker until the slow call returns: its clock never runs that long.
    Tree tree = Tree.flat(1, 10);
    int slow = tree.child(0, 0);
    Ran ran = crawl(tree, node -> node == slow, 16L * 1024 * 1024);
    assertEquals(Outcome.COMPLETE, ran.report().report().outcome());
  }

  @Test
  void aListingThatSendsThenOutlastsTheTimeout_isABranchErrorNamingTheTimeout_notRetriedForEver()
      throws Exception {
    // The slow branch commits its 50,000 leaves (a huge directory's first part), which fill a pack
    // of visits over the cap, and then runs on past the timeout: its transaction's clock started
    // with its own records, so even alone it is aborted every time. After a few tries it is a
    // branch error that says which setting to raise, and the crawl is PARTIAL.
    Tree tree = Tree.flat(2, 50_000);
    int slow = tree.child(0, 0);
    TreeSource source =
        new TreeSource(tree) {
          @Override
          public void list(Session session, Integer branch, Children<Integer> out)
              throws Exception {
            super.list(session, branch, out);
            if (branch == slow) {
              out.commitLeaves();
              LockSupport.parkNanos(SLOW_NANOS);
            }
          }
        };
    Ran ran = crawl(source, 1);
    assertEquals(Outcome.PARTIAL, ran.report().report().outcome());
    List<BranchError<Integer>> errors = ran.report().report().errors();
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(slow, errors.get(0).branch());
    String message = String.valueOf(errors.get(0).cause().getMessage());
    assertTrue(message.contains("transaction timeout"), message);
  }

  @Test
  void manySlowListingsInOneSlice_theCrawlEnds_complete_everyNodeOnce() throws Exception {
    // Twelve branches, each listed in twice the timeout, four workers: a slice is held open while
    // its first calls run, its other workers list more slow branches into it, and nothing it holds
    // reaches the broker before its last call returns; what it set aside follows the same way.
    Tree tree = Tree.flat(12, 10);
    int root = 0;
    Ran ran = crawl(tree, node -> node != root, 16L * 1024 * 1024);
    assertEquals(Outcome.COMPLETE, ran.report().report().outcome());
  }
}
