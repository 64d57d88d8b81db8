package dev.crawler.kafka;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.BranchError;
import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One crawl across several JVMs on a real broker: engine processes in JVMs of their own, the
 * crawl followed from this one. Every node exactly once, whatever dies or joins.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DistributedCrawlTest {
  @TempDir
  static Path dir;
  private static KafkaBroker broker;
  private static final AtomicInteger CRAWLS = new AtomicInteger();
  private final List<Process> engines = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void killEngines() {
    for (Process p : engines) {
      p.destroyForcibly();
      p.onExit().join();
    }
  }

  /** A new crawl id, so tests never share topics. */
  private static String newCrawl() {
    return "t" + CRAWLS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
  }

  private Process engine(String crawl, String process, String tree, int latencyMicros, int... failing)
      throws Exception {
    return engine(List.of(), crawl, process, tree, latencyMicros, failing);
  }

  private Process engine(List<String> jvmOptions, String crawl, String process, String tree, int latencyMicros,
      int... failing) throws Exception {
    List<String> args = new ArrayList<>(List.of("-Xmx256m"));
    args.addAll(jvmOptions);
    args.addAll(List.of(TreeEngineMain.class.getName(), broker.bootstrap(), crawl, process, tree, "4",
        String.valueOf(latencyMicros)));
    for (int f : failing) {
      args.add(String.valueOf(f));
    }
    Process p = KafkaBroker.java(args, dir.resolve(crawl + "-" + process + ".log"));
    engines.add(p);
    return p;
  }

  private static DistributedCrawl<Integer> start(String crawl, String tree,
      java.util.function.Consumer<? super dev.crawler.core.Visit<Integer>> visits) throws Exception {
    return DistributedCrawl.start(TreeEngineMain.settings(broker.bootstrap(), crawl),
        new CrawlSpec("tree", List.of(tree)), 0, TreeEngineMain.CODEC, visits);
  }

  private static void assertExitedCleanly(Process p, String what) throws Exception {
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), what + " did not exit after the end");
    assertEquals(0, p.exitValue(), what + " exited " + p.exitValue());
  }

  @ParameterizedTest(name = "{0} processes, {1}")
  @CsvSource({"1, heavy:1:3000", "2, heavy:2:3000", "3, heavy:3:3000", "3, heavy:4:100000"})
  void everyNodeExactlyOnce_acrossProcesses(int processes, String spec) throws Exception {
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    List<Process> started = new ArrayList<>();
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, visits)) {
      for (int i = 0; i < processes; i++) {
        started.add(engine(crawl, "p" + i, spec, 0));
      }
      report = distributed.await();
      assertEquals(0, distributed.idleWakeups(), "the watcher waits in 30 s long polls and wakes only with news");
    }
    // The sessions lived in the engine processes; each checks its own and exits 0 only if all is well.
    assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
    for (Process p : started) {
      assertExitedCleanly(p, "an engine process");
    }
    long listings = tree.size() == 0 ? 0 : visits.visited().stream().filter(tree::isBranch).count();
    assertEquals(listings, report.report().listings(), "one listing per branch, whole crawl");
    assertTrue(report.processes().size() <= processes);
    assertEquals(tree.size() - 1, report.processes().values().stream().mapToLong(ProcessCounts::visits).sum(),
        "per-process visits add up (the root is the seed's)");
  }

  @Test
  void listingsSlowAgainstTheTransactionTimeout_theCrawlStillEnds_everyNodeOnce() throws Exception {
    // 400 ms a listing, 4 workers, a 2.5 s transaction timeout: the root's 80 branches, all listed
    // in one transaction, would take 8 s. Their 4,000 leaves each fill a record of visits every few
    // listings, and the broker times a transaction from its first record: it would abort that
    // transaction again and again. A transaction takes only what its slice can list, and sends back
    // what it took but could not start in time.
    String spec = "flat:80:4000";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, visits)) {
      Process slow = engine(List.of("-DtransactionTimeoutMillis=2500"), crawl, "slow", spec, 400_000);
      report = distributed.await(Duration.ofMinutes(2));
      assertNotNull(report, "not done after 2 minutes: " + visits.total() + " of " + tree.size() + " visits\n"
          + Files.readString(dir.resolve(crawl + "-slow.log")));
      assertExitedCleanly(slow, "the engine process");
    }
    assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
    long branches = visits.visited().stream().filter(tree::isBranch).count();
    assertEquals(branches, report.report().listings(), "one listing per branch");
  }

  @Test
  void aProcessKilledMidCrawl_theOthersFinish_everyNodeOnce() throws Exception {
    String spec = "heavy:7:20000";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, visits)) {
      java.util.concurrent.CountDownLatch doomedWorks = new java.util.concurrent.CountDownLatch(1);
      distributed.onTransaction(counts -> {
        if (counts.process().equals("doomed")) {
          doomedWorks.countDown();
        }
      });
      // 5 ms a listing: a batch takes long enough that the kill lands in the middle of one.
      Process doomed = engine(crawl, "doomed", spec, 5_000);
      Process a = engine(crawl, "a", spec, 5_000);
      Process b = engine(crawl, "b", spec, 5_000);
      assertTrue(doomedWorks.await(2, TimeUnit.MINUTES), "the doomed process never committed a batch");
      doomed.destroyForcibly(); // kill -9, in its next batch: that transaction is aborted, its partitions move
      doomed.waitFor();
      report = distributed.await();
      assertExitedCleanly(a, "a");
      assertExitedCleanly(b, "b");
    }
    assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
    assertTrue(report.processes().containsKey("doomed"), "the killed process had committed batches before it died");
  }

  /**
   * A dead process's transaction left open on the visits holds back their committed end; visits
   * committed after it were never delivered, and the crawl was reported COMPLETE without them.
   */
  @Test
  void aTransactionLeftOpenOnTheVisits_theWatcherStillDeliversEveryVisitCommittedAfterIt() throws Exception {
    String spec = "balanced:5:4";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    KafkaCrawlSettings settings = TreeEngineMain.settings(broker.bootstrap(), crawl);
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, visits);
        var zombie = Clients.transactional(settings.withTransactionTimeout(Duration.ofSeconds(3)), "zombie")) {
      // As a process killed mid-transaction leaves it: open until the broker times it out.
      zombie.initTransactions();
      zombie.beginTransaction();
      zombie.send(new org.apache.kafka.clients.producer.ProducerRecord<>(settings.visitsTopic(), null,
          Wire.visits(List.of(new Wire.VisitRecord(false, 1, TreeEngineMain.CODEC.encode(-1), null))))).get();
      engine(crawl, "only", spec, 0);
      report = distributed.await();
    }
    assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
  }

  @Test
  void attach_deliversEveryVisitOnce_toACrawlThatEnded_andToOneStillRunning() throws Exception {
    String spec = "heavy:5:3000";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    KafkaCrawlSettings settings = TreeEngineMain.settings(broker.bootstrap(), crawl);
    Milestone tenth = new Milestone(new VisitRecorder(tree), tree.size() / 10);
    VisitRecorder whileRunning = new VisitRecorder(tree);
    DistributedReport<Integer> running;
    try (DistributedCrawl<Integer> started = start(crawl, spec, tenth)) {
      assertTrue(!DistributedCrawl.hasEnded(settings), "nobody listed yet");
      engine(crawl, "only", spec, 1_000);
      tenth.await();
      try (DistributedCrawl<Integer> attached = DistributedCrawl.attach(settings, TreeEngineMain.CODEC,
          whileRunning)) {
        running = attached.await();
      }
      started.await();
    }
    assertCrawlInvariants(running.report(), whileRunning, new TreeSource(tree), Expect.everything());
    assertTrue(DistributedCrawl.hasEnded(settings));
    VisitRecorder afterTheEnd = new VisitRecorder(tree);
    DistributedReport<Integer> ended;
    try (DistributedCrawl<Integer> attached = DistributedCrawl.attach(settings, TreeEngineMain.CODEC, afterTheEnd)) {
      ended = attached.await();
    }
    assertCrawlInvariants(ended.report(), afterTheEnd, new TreeSource(tree), Expect.everything());
    KafkaCrawlException unknown = assertThrows(KafkaCrawlException.class, () -> DistributedCrawl.attach(
        TreeEngineMain.settings(broker.bootstrap(), "no-such-crawl"), TreeEngineMain.CODEC, v -> {}));
    assertTrue(unknown.getMessage().startsWith("no crawl with id no-such-crawl"), unknown.getMessage());
  }

  @Test
  void aProcessJoiningMidCrawl_takesAShare() throws Exception {
    // Every branch but the last level has children (in a heavy-tailed tree most late branches list
    // nothing, and a late process could take only those).
    String spec = "balanced:8:5";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    Milestone tenth = new Milestone(visits, tree.size() / 10);
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, tenth)) {
      // 10 ms a listing, 4,681 branches: alone, the first process would need about 12 s.
      Process first = engine(crawl, "first", spec, 10_000);
      tenth.await();
      Process late = engine(crawl, "late", spec, 10_000);
      report = distributed.await();
      assertExitedCleanly(first, "first");
      assertExitedCleanly(late, "late");
    }
    assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
    ProcessCounts late = report.processes().get("late");
    assertNotNull(late, "the late process committed nothing: " + report.processes() + "\n"
        + Files.readString(dir.resolve(crawl + "-late.log")));
    assertTrue(late.visits() > 0 && late.listings() > 0,
        late + "\n" + Files.readString(dir.resolve(crawl + "-late.log")));
  }

  @Test
  void aCrawlWhoseStarterWentAway_stillEnds_announcedByAnEngine() throws Exception {
    String spec = "balanced:6:5";
    String crawl = newCrawl();
    Milestone some = new Milestone(new VisitRecorder(TreeEngineMain.tree(spec)), 100);
    Process a;
    Process b;
    DistributedCrawl<Integer> distributed = start(crawl, spec, some);
    a = engine(crawl, "a", spec, 1_000);
    b = engine(crawl, "b", spec, 1_000);
    some.await();
    distributed.close(); // the starter stops following: nobody is left to sum the balance but the engines
    assertExitedCleanly(a, "a");
    assertExitedCleanly(b, "b");
  }

  /** An engine whose end watcher died silently on such a record polled for branches forever. */
  @Test
  void anEventThatDoesNotDecode_failsTheEngine_insteadOfLeavingItPolling() throws Exception {
    String spec = "balanced:6:5";
    String crawl = newCrawl();
    Milestone some = new Milestone(new VisitRecorder(TreeEngineMain.tree(spec)), 100);
    Process a;
    DistributedCrawl<Integer> distributed = start(crawl, spec, some);
    try {
      a = engine(crawl, "a", spec, 1_000);
      some.await();
      KafkaCrawlSettings settings = TreeEngineMain.settings(broker.bootstrap(), crawl);
      try (var producer = Clients.plain(settings)) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(settings.eventsTopic(), Wire.DELTA,
            new byte[] {7})).get();
      }
      assertTrue(a.waitFor(60, TimeUnit.SECONDS), "the engine did not exit after an event it cannot read");
      assertEquals(4, a.exitValue(), "exit status of a KafkaCrawlException");
      String log = Files.readString(dir.resolve(crawl + "-a.log"));
      assertTrue(log.contains("cannot follow the events of crawl " + crawl), log);
    } finally {
      distributed.close();
    }
  }

  @Test
  void aFailingBranch_isReportedOnce_notPerRetryOrProcess() throws Exception {
    String spec = "balanced:6:4";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, visits)) {
      engine(crawl, "x", spec, 0, 3, 50);
      engine(crawl, "y", spec, 0, 3, 50);
      report = distributed.await();
    }
    assertEquals(List.of(3, 50), report.report().errors().stream().map(BranchError::branch).sorted().toList());
    assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything().failing(Set.of(3, 50)));
  }

  @Test
  void theBrokerRestartedMidCrawl_theCrawlFinishes_orFailsClearly() throws Exception {
    String spec = "heavy:7:20000";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    Milestone fifth = new Milestone(visits, tree.size() / 5);
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, fifth)) {
      engine(crawl, "a", spec, 2_000);
      engine(crawl, "b", spec, 2_000);
      fifth.await();
      broker.stop();
      broker.start();
      DistributedReport<Integer> report;
      try {
        report = distributed.await(Duration.ofMinutes(3));
      } catch (KafkaCrawlException clearError) {
        assertTrue(clearError.getMessage().contains(crawl) || clearError.getMessage().contains("Kafka"),
            clearError.getMessage());
        return;
      }
      assertNotNull(report, "the crawl neither finished nor failed within 3 minutes of the restart");
      assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
    }
  }

  @Test
  void badAddresses_andUnknownCrawls_areClearErrors_quickly() throws Exception {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> KafkaCrawlSettings.of("no-port", "x"));
    assertTrue(bad.getMessage().startsWith("bad Kafka address 'no-port'"), bad.getMessage());
    KafkaCrawlSettings nobody = new KafkaCrawlSettings("127.0.0.1:1", "x", 1, 1, 1, Duration.ofSeconds(5),
        Duration.ofSeconds(6), Duration.ofSeconds(3), Duration.ofSeconds(1), 100);
    KafkaCrawlException unreachable = assertThrows(KafkaCrawlException.class, () -> CrawlTopics.spec(nobody));
    assertTrue(unreachable.getMessage().startsWith("cannot reach Kafka at 127.0.0.1:1"), unreachable.getMessage());
    KafkaCrawlException missing = assertThrows(KafkaCrawlException.class,
        () -> CrawlTopics.spec(TreeEngineMain.settings(broker.bootstrap(), "no-such-crawl")));
    assertTrue(missing.getMessage().startsWith("no crawl with id no-such-crawl"), missing.getMessage());
    String crawl = newCrawl();
    try (DistributedCrawl<Integer> first = start(crawl, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2)))) {
      KafkaCrawlException taken = assertThrows(KafkaCrawlException.class,
          () -> start(crawl, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
      assertTrue(taken.getMessage().contains("exists already"), taken.getMessage());
      assertEquals(new CrawlSpec("tree", List.of("balanced:2:2")), CrawlTopics.spec(
          TreeEngineMain.settings(broker.bootstrap(), crawl)));
      engine(crawl, "only", "balanced:2:2", 0);
      assertEquals(7, first.await().report().visits());
    }
  }

  @Test
  void topicsAnOperatorCreated_areTakenIfTheyFit_andRefusedInOneLineIfNot() throws Exception {
    String crawl = newCrawl();
    String fewPartitions = newCrawl();
    String compacted = newCrawl();
    KafkaCrawlSettings settings = TreeEngineMain.settings(broker.bootstrap(), crawl);
    KafkaCrawlSettings few = TreeEngineMain.settings(broker.bootstrap(), fewPartitions);
    KafkaCrawlSettings compact = TreeEngineMain.settings(broker.bootstrap(), compacted);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      admin.createTopics(List.of(
          new NewTopic(settings.branchesTopic(), settings.partitions(), (short) 1),
          new NewTopic(settings.visitsTopic(), 1, (short) 1),
          new NewTopic(settings.eventsTopic(), 1, (short) 1),
          new NewTopic(few.branchesTopic(), 3, (short) 1),
          new NewTopic(compact.visitsTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all().get(1, TimeUnit.MINUTES);
    }
    KafkaCrawlException misfit = assertThrows(KafkaCrawlException.class,
        () -> start(fewPartitions, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
    assertEquals("the topic " + few.branchesTopic() + " exists with 3 partitions; the crawl needs "
        + few.partitions() + ": create it so, or delete it", misfit.getMessage());
    KafkaCrawlException compaction = assertThrows(KafkaCrawlException.class,
        () -> start(compacted, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
    assertTrue(compaction.getMessage().startsWith("the topic " + compact.visitsTopic()
        + " has cleanup.policy=compact; the crawl needs delete"), compaction.getMessage());

    // Two starters of one id on topics that existed: the second passes the topics' check before the
    // first seeds, so only the seed itself can refuse it.
    CrawlTopics.create(settings);
    VisitRecorder visits = new VisitRecorder(Tree.balanced(2, 2));
    try (DistributedCrawl<Integer> first = start(crawl, "balanced:2:2", visits)) {
      KafkaCrawlException second = assertThrows(KafkaCrawlException.class, () -> DistributedCrawl.seed(settings,
          new CrawlSpec("tree", List.of("balanced:2:2")), List.of(0), TreeEngineMain.CODEC));
      assertTrue(second.getMessage().contains("exists already"), second.getMessage());
      engine(crawl, "only", "balanced:2:2", 0);
      assertEquals(7, first.await().report().visits());
    }
    assertEquals(7, visits.total(), "every node once");
    KafkaCrawlException used = assertThrows(KafkaCrawlException.class,
        () -> start(crawl, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
    assertTrue(used.getMessage().contains("exists already"), used.getMessage());
  }

  /** Records visits and opens a latch when a given count has come: waiting on it needs no polling. */
  private static final class Milestone implements java.util.function.Consumer<dev.crawler.core.Visit<Integer>> {
    final VisitRecorder visits;
    final long at;
    final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);

    Milestone(VisitRecorder visits, long at) {
      this.visits = visits;
      this.at = at;
    }

    @Override
    public void accept(dev.crawler.core.Visit<Integer> visit) {
      visits.accept(visit);
      if (visits.total() >= at) {
        reached.countDown();
      }
    }

    void await() throws InterruptedException {
      assertTrue(reached.await(2, TimeUnit.MINUTES), "only " + visits.total() + " visits after two minutes");
    }
  }
}
