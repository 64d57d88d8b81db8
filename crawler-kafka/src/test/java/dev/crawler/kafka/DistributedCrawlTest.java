package dev.crawler.kafka;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crawler.core.BranchError;
import dev.crawler.core.Visit;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One crawl across several JVMs on a real broker: engine processes in JVMs of their own, the crawl
 * followed from this one. Every node exactly once, whatever dies or joins.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DistributedCrawlTest {
  @TempDir static Path dir;
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

  private Process engine(
      String crawl, String process, String tree, int latencyMicros, int... failing)
      throws Exception {
    return engine(List.of(), crawl, process, tree, latencyMicros, failing);
  }

  private Process engine(
      List<String> jvmOptions,
      String crawl,
      String process,
      String tree,
      int latencyMicros,
      int... failing)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("-Xmx256m"));
    args.addAll(jvmOptions);
    args.addAll(
        List.of(
            TreeEngineMain.class.getName(),
            broker.bootstrap(),
            crawl,
            process,
            tree,
            "4",
            String.valueOf(latencyMicros)));
    for (int f : failing) {
      args.add(String.valueOf(f));
    }
    Process p = KafkaBroker.java(args, dir.resolve(crawl + "-" + process + ".log"));
    engines.add(p);
    return p;
  }

  private static DistributedCrawl<Integer> start(
      String crawl, String tree, Consumer<? super Visit<Integer>> visits) throws Exception {
    return DistributedCrawl.start(
        TreeEngineMain.settings(broker.bootstrap(), crawl),
        new CrawlSpec("tree", List.of(tree)),
        0,
        TreeEngineMain.CODEC,
        visits);
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
      assertEquals(
          0,
          distributed.idleWakeups(),
          "the watcher waits in 30 s long polls and wakes only with news");
    }
    // The sessions lived in the engine processes; each checks its own and exits 0 only if all is
    // well.
    assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
    for (Process p : started) {
      assertExitedCleanly(p, "an engine process");
    }
    long listings = tree.size() == 0 ? 0 : visits.visited().stream().filter(tree::isBranch).count();
    assertEquals(listings, report.report().listings(), "one listing per branch, whole crawl");
    assertTrue(report.processes().size() <= processes);
    assertEquals(
        tree.size() - 1,
        report.processes().values().stream().mapToLong(ProcessCounts::visits).sum(),
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
      Process slow =
          engine(List.of("-DtransactionTimeoutMillis=2500"), crawl, "slow", spec, 400_000);
      report = distributed.await(Duration.ofMinutes(2));
      assertNotNull(
          report,
          "not done after 2 minutes: "
              + visits.total()
              + " of "
              + tree.size()
              + " visits\n"
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
      CountDownLatch doomedWorks = new CountDownLatch(1);
      distributed.onTransaction(
          counts -> {
            if (counts.process().equals("doomed")) {
              doomedWorks.countDown();
            }
          });
      // 5 ms a listing: a batch takes long enough that the kill lands in the middle of one.
      Process doomed = engine(crawl, "doomed", spec, 5_000);
      Process a = engine(crawl, "a", spec, 5_000);
      Process b = engine(crawl, "b", spec, 5_000);
      assertTrue(
          doomedWorks.await(2, TimeUnit.MINUTES), "the doomed process never committed a batch");
      doomed.destroyForcibly(); // kill -9, in its next batch: that transaction is aborted, its
      // partitions move
      doomed.waitFor();
      report = distributed.await();
      assertExitedCleanly(a, "a");
      assertExitedCleanly(b, "b");
    }
    assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
    // The latch above opened only once "doomed" was in report.processes(): asserting that it is
    // there could not fail. What the kill must leave: the processes' committed counts add up to
    // the tree once (the killed transaction's visits counted nowhere, its work redone by the
    // living), and the living did some of it.
    assertEquals(
        tree.size() - 1,
        report.processes().values().stream().mapToLong(ProcessCounts::visits).sum(),
        "per-process visits add up to the tree once (the root is the seed's): "
            + report.processes());
    long living =
        report.processes().entrySet().stream()
            .filter(e -> !e.getKey().equals("doomed"))
            .mapToLong(e -> e.getValue().visits())
            .sum();
    assertTrue(living > 0, "the living processes did none of the work: " + report.processes());
  }

  /**
   * A dead process's transaction left open on the visits holds back their committed end; visits
   * committed after it were never delivered, and the crawl was reported COMPLETE without them.
   */
  @Test
  void aTransactionLeftOpenOnTheVisits_theWatcherStillDeliversEveryVisitCommittedAfterIt()
      throws Exception {
    String spec = "balanced:5:4";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    KafkaCrawlSettings settings = TreeEngineMain.settings(broker.bootstrap(), crawl);
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, visits);
        var zombie =
            Clients.transactional(
                settings.withTransactionTimeout(Duration.ofSeconds(3)), "zombie")) {
      // As a process killed mid-transaction leaves it: open until the broker times it out.
      zombie.initTransactions();
      zombie.beginTransaction();
      zombie
          .send(
              new ProducerRecord<>(
                  settings.visitsTopic(),
                  null,
                  Wire.visits(
                      List.of(
                          new Wire.VisitRecord(false, 1, TreeEngineMain.CODEC.encode(-1), null)))))
          .get();
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
      try (DistributedCrawl<Integer> attached =
          DistributedCrawl.attach(settings, TreeEngineMain.CODEC, whileRunning)) {
        running = attached.await();
      }
      started.await();
    }
    assertCrawlInvariants(
        running.report(), whileRunning, new TreeSource(tree), Expect.everything());
    assertTrue(DistributedCrawl.hasEnded(settings));
    VisitRecorder afterTheEnd = new VisitRecorder(tree);
    DistributedReport<Integer> ended;
    try (DistributedCrawl<Integer> attached =
        DistributedCrawl.attach(settings, TreeEngineMain.CODEC, afterTheEnd)) {
      ended = attached.await();
    }
    assertCrawlInvariants(ended.report(), afterTheEnd, new TreeSource(tree), Expect.everything());
    KafkaCrawlException unknown =
        assertThrows(
            KafkaCrawlException.class,
            () ->
                DistributedCrawl.attach(
                    TreeEngineMain.settings(broker.bootstrap(), "no-such-crawl"),
                    TreeEngineMain.CODEC,
                    v -> {}));
    assertTrue(
        unknown.getMessage().startsWith("no crawl with id no-such-crawl"), unknown.getMessage());
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
    assertNotNull(
        late,
        "the late process committed nothing: "
            + report.processes()
            + "\n"
            + Files.readString(dir.resolve(crawl + "-late.log")));
    assertTrue(
        late.visits() > 0 && late.listings() > 0,
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
    distributed
        .close(); // the starter stops following: nobody is left to sum the balance but the engines
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
        producer
            .send(new ProducerRecord<>(settings.eventsTopic(), Wire.DELTA, new byte[] {7}))
            .get();
      }
      assertTrue(
          a.waitFor(60, TimeUnit.SECONDS), "the engine did not exit after an event it cannot read");
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
    assertEquals(
        List.of(3, 50),
        report.report().errors().stream().map(BranchError::branch).sorted().toList());
    assertCrawlInvariants(
        report.report(), visits, new TreeSource(tree), Expect.everything().failing(Set.of(3, 50)));
  }

  @Test
  void theBrokerRestartedMidCrawl_theCrawlFinishes_orFailsClearly() throws Exception {
    String spec = "heavy:7:20000";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    VisitRecorder visits = new VisitRecorder(tree);
    Milestone fifth = new Milestone(visits, tree.size() / 5);
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, fifth)) {
      Process a = engine(crawl, "a", spec, 2_000);
      Process b = engine(crawl, "b", spec, 2_000);
      fifth.await();
      broker.stop();
      broker.start();
      DistributedReport<Integer> report;
      try {
        report = distributed.await(Duration.ofMinutes(3));
      } catch (KafkaCrawlException clearError) {
        assertTrue(
            clearError.getMessage().contains(crawl) || clearError.getMessage().contains("Kafka"),
            clearError.getMessage());
        // A clear failure for the starter, and the engines must not outlive it polling for ever.
        for (Process p : List.of(a, b)) {
          assertTrue(
              p.waitFor(60, TimeUnit.SECONDS), "an engine did not exit after the crawl failed");
        }
        return;
      }
      assertNotNull(
          report, "the crawl neither finished nor failed within 3 minutes of the restart");
      assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
      assertExitedCleanly(a, "a");
      assertExitedCleanly(b, "b");
    }
  }

  /**
   * A broker restarted without its log made the crawl's topics again on the next request (one
   * partition each), and the starter and a joiner sat silent for minutes. Topics deleted, made
   * again, or repartitioned under a running crawl: the starter and every engine (in JVMs of their
   * own) fail in one line, and nobody reports an end.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"made again", "deleted", "events repartitioned"})
  void topicsLostUnderARunningCrawl_theStarterAndTheEnginesFailInOneLine_neverEnd(String how)
      throws Exception {
    String spec = "heavy:9:20000";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    KafkaCrawlSettings settings = TreeEngineMain.settings(broker.bootstrap(), crawl);
    Milestone some = new Milestone(new VisitRecorder(tree), tree.size() / 10);
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, some)) {
      Process a = engine(crawl, "a", spec, 2_000);
      Process b = engine(crawl, "b", spec, 2_000);
      some.await();
      List<String> topics =
          List.of(settings.branchesTopic(), settings.visitsTopic(), settings.eventsTopic());
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
        if (how.equals("events repartitioned")) {
          admin
              .createPartitions(Map.of(settings.eventsTopic(), NewPartitions.increaseTo(2)))
              .all()
              .get(1, TimeUnit.MINUTES);
        } else {
          admin.deleteTopics(topics).all().get(1, TimeUnit.MINUTES);
        }
        if (how.equals("made again")) {
          // As a broker that lost its log makes them on the next request: one partition each.
          for (int attempt = 0; ; attempt++) {
            try {
              admin
                  .createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
                  .all()
                  .get(1, TimeUnit.MINUTES);
              break;
            } catch (ExecutionException stillBeingDeleted) {
              assertTrue(
                  stillBeingDeleted.getCause() instanceof TopicExistsException && attempt < 1_000,
                  stillBeingDeleted.toString());
            }
          }
        }
      }
      KafkaCrawlException lost = null;
      try {
        DistributedReport<Integer> report = distributed.await(Duration.ofMinutes(1));
        fail(
            report == null
                ? "the starter sat silent for a minute"
                : "the crawl ended " + report.report().outcome() + " over lost topics");
      } catch (KafkaCrawlException e) {
        lost = e;
      }
      assertTrue(
          lost.getMessage()
              .startsWith(
                  "the crawl "
                      + crawl
                      + " lost its records at "
                      + broker.bootstrap()
                      + ": the topic "),
          lost.getMessage());
      assertTrue(lost.getMessage().endsWith("; it cannot end: start it again"), lost.getMessage());
      assertEquals(1, lost.getMessage().lines().count(), lost.getMessage());
      for (Process p : List.of(a, b)) {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "an engine did not stop over lost topics");
        assertEquals(4, p.exitValue(), "exit status of a KafkaCrawlException");
      }
      String log = Files.readString(dir.resolve(crawl + "-a.log"));
      assertTrue(log.contains("failed: the crawl " + crawl + " lost its records at "), log);
    }
  }

  /**
   * The end is the sum of the events from offset 0, and the spec is at their head: events whose
   * head is gone (retention, deleted records) cannot be joined, and a process that starts on them
   * fails in one line instead of summing a part. The running crawl, which read them whole, ends.
   */
  @Test
  void eventsWhoseHeadWasDeleted_cannotBeJoined_andTheRunningCrawlStillEnds() throws Exception {
    String spec = "balanced:6:5";
    Tree tree = TreeEngineMain.tree(spec);
    String crawl = newCrawl();
    KafkaCrawlSettings settings = TreeEngineMain.settings(broker.bootstrap(), crawl);
    VisitRecorder visits = new VisitRecorder(tree);
    Milestone some = new Milestone(visits, 100);
    try (DistributedCrawl<Integer> distributed = start(crawl, spec, some)) {
      engine(crawl, "a", spec, 1_000);
      some.await();
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
        admin
            .deleteRecords(
                Map.of(
                    new TopicPartition(settings.eventsTopic(), 0), RecordsToDelete.beforeOffset(1)))
            .all()
            .get(1, TimeUnit.MINUTES);
      }
      String expected =
          "the events of crawl "
              + crawl
              + " at "
              + broker.bootstrap()
              + " were deleted up to offset 1";
      KafkaCrawlException join =
          assertThrows(KafkaCrawlException.class, () -> CrawlTopics.spec(settings));
      assertTrue(join.getMessage().startsWith(expected), join.getMessage());
      Process late = engine(crawl, "late", spec, 1_000);
      assertTrue(
          late.waitFor(60, TimeUnit.SECONDS),
          "a process on events without their head did not stop");
      assertEquals(4, late.exitValue(), "exit status of a KafkaCrawlException");
      String log = Files.readString(dir.resolve(crawl + "-late.log"));
      assertTrue(log.contains("failed: " + expected), log);
      DistributedReport<Integer> report = distributed.await();
      assertCrawlInvariants(report.report(), visits, new TreeSource(tree), Expect.everything());
    }
  }

  @Test
  void badAddresses_andUnknownCrawls_areClearErrors_quickly() throws Exception {
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> KafkaCrawlSettings.of("no-port", "x"));
    assertTrue(bad.getMessage().startsWith("bad Kafka address 'no-port'"), bad.getMessage());
    KafkaCrawlSettings nobody =
        new KafkaCrawlSettings(
            "127.0.0.1:1",
            "x",
            1,
            1,
            1,
            Duration.ofSeconds(5),
            Duration.ofSeconds(6),
            Duration.ofSeconds(3),
            Duration.ofSeconds(1),
            100);
    KafkaCrawlException unreachable =
        assertThrows(KafkaCrawlException.class, () -> CrawlTopics.spec(nobody));
    assertTrue(
        unreachable.getMessage().startsWith("cannot reach Kafka at 127.0.0.1:1"),
        unreachable.getMessage());
    KafkaCrawlException missing =
        assertThrows(
            KafkaCrawlException.class,
            () -> CrawlTopics.spec(TreeEngineMain.settings(broker.bootstrap(), "no-such-crawl")));
    assertTrue(
        missing.getMessage().startsWith("no crawl with id no-such-crawl"), missing.getMessage());
    String crawl = newCrawl();
    try (DistributedCrawl<Integer> first =
        start(crawl, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2)))) {
      KafkaCrawlException taken =
          assertThrows(
              KafkaCrawlException.class,
              () -> start(crawl, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
      assertTrue(taken.getMessage().contains("exists already"), taken.getMessage());
      assertEquals(
          new CrawlSpec("tree", List.of("balanced:2:2")),
          CrawlTopics.spec(TreeEngineMain.settings(broker.bootstrap(), crawl)));
      engine(crawl, "only", "balanced:2:2", 0);
      assertEquals(7, first.await().report().visits());
    }
  }

  @Test
  void topicsAnOperatorCreated_areTakenIfTheyFit_andRefusedInOneLineIfNot() throws Exception {
    String crawl = newCrawl();
    String fewPartitions = newCrawl();
    String compacted = newCrawl();
    String expiring = newCrawl();
    String weekLong = newCrawl();
    KafkaCrawlSettings settings = TreeEngineMain.settings(broker.bootstrap(), crawl);
    KafkaCrawlSettings few = TreeEngineMain.settings(broker.bootstrap(), fewPartitions);
    KafkaCrawlSettings compact = TreeEngineMain.settings(broker.bootstrap(), compacted);
    KafkaCrawlSettings expires = TreeEngineMain.settings(broker.bootstrap(), expiring);
    KafkaCrawlSettings week = TreeEngineMain.settings(broker.bootstrap(), weekLong);
    Map<String, String> kept = Map.of("retention.ms", "-1");
    Map<String, String> aWeek = Map.of("retention.ms", "604800000");
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(settings.branchesTopic(), settings.partitions(), (short) 1)
                      .configs(kept),
                  new NewTopic(settings.visitsTopic(), 1, (short) 1).configs(kept),
                  new NewTopic(settings.eventsTopic(), 1, (short) 1).configs(kept),
                  new NewTopic(few.branchesTopic(), 3, (short) 1),
                  new NewTopic(compact.visitsTopic(), 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact")),
                  // The broker's default retention (7 days): the end needs every event since the
                  // first.
                  new NewTopic(expires.eventsTopic(), 1, (short) 1),
                  new NewTopic(week.branchesTopic(), week.partitions(), (short) 1).configs(aWeek),
                  new NewTopic(week.visitsTopic(), 1, (short) 1).configs(aWeek),
                  new NewTopic(week.eventsTopic(), 1, (short) 1).configs(kept)))
          .all()
          .get(1, TimeUnit.MINUTES);
    }
    KafkaCrawlException expired =
        assertThrows(
            KafkaCrawlException.class,
            () -> start(expiring, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
    assertEquals(
        "the topic "
            + expires.eventsTopic()
            + " has retention.ms=604800000; the crawl needs -1 (its end is"
            + " the sum of every event since the first): set it so",
        expired.getMessage());
    KafkaCrawlException forEver =
        assertThrows(
            KafkaCrawlException.class,
            () -> start(weekLong, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
    assertTrue(
        forEver
            .getMessage()
            .startsWith(
                "the topic "
                    + week.branchesTopic()
                    + " has retention.ms=604800000;"
                    + " the crawl needs -1"),
        forEver.getMessage());
    // Asked to keep branches and visits a day, the crawl takes topics that keep them a week.
    try (DistributedCrawl<Integer> aDay =
        DistributedCrawl.start(
            week.withTopics(new TopicSettings(0, Duration.ofDays(1))),
            new CrawlSpec("tree", List.of("balanced:2:2")),
            0,
            TreeEngineMain.CODEC,
            new VisitRecorder(Tree.balanced(2, 2)))) {
      engine(weekLong, "only", "balanced:2:2", 0);
      assertEquals(7, aDay.await().report().visits());
    }
    KafkaCrawlException misfit =
        assertThrows(
            KafkaCrawlException.class,
            () -> start(fewPartitions, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
    assertEquals(
        "the topic "
            + few.branchesTopic()
            + " exists with 3 partitions; the crawl needs "
            + few.partitions()
            + ": create it so, or delete it",
        misfit.getMessage());
    KafkaCrawlException compaction =
        assertThrows(
            KafkaCrawlException.class,
            () -> start(compacted, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
    assertTrue(
        compaction
            .getMessage()
            .startsWith(
                "the topic "
                    + compact.visitsTopic()
                    + " has cleanup.policy=compact; the crawl needs delete"),
        compaction.getMessage());

    // Two starters of one id on topics that existed: the second passes the topics' check before the
    // first seeds, so only the seed itself can refuse it.
    CrawlTopics.create(settings);
    VisitRecorder visits = new VisitRecorder(Tree.balanced(2, 2));
    try (DistributedCrawl<Integer> first = start(crawl, "balanced:2:2", visits)) {
      KafkaCrawlException second =
          assertThrows(
              KafkaCrawlException.class,
              () ->
                  DistributedCrawl.seed(
                      settings,
                      new CrawlSpec("tree", List.of("balanced:2:2")),
                      List.of(0),
                      TreeEngineMain.CODEC));
      assertTrue(second.getMessage().contains("exists already"), second.getMessage());
      engine(crawl, "only", "balanced:2:2", 0);
      assertEquals(7, first.await().report().visits());
    }
    assertEquals(7, visits.total(), "every node once");
    KafkaCrawlException used =
        assertThrows(
            KafkaCrawlException.class,
            () -> start(crawl, "balanced:2:2", new VisitRecorder(Tree.balanced(2, 2))));
    assertTrue(used.getMessage().contains("exists already"), used.getMessage());
  }

  /**
   * The topics a crawl makes keep what its end needs (the events whole, whatever the broker's
   * default retention), with a majority of replicas in sync, as many replicas as asked (3 by
   * default, or as many as there are brokers); asking more than the brokers is one line.
   */
  @Test
  void theTopicsACrawlMakes_keepItsEventsWhole_andAsManyReplicasAsTheClusterHas() throws Exception {
    String crawl = newCrawl();
    KafkaCrawlSettings settings =
        TreeEngineMain.settings(broker.bootstrap(), crawl)
            .withPartitions(5)
            .withTopics(new TopicSettings(0, Duration.ofHours(30)));
    VisitRecorder visits = new VisitRecorder(Tree.balanced(2, 2));
    try (DistributedCrawl<Integer> distributed =
        DistributedCrawl.start(
            settings,
            new CrawlSpec("tree", List.of("balanced:2:2")),
            0,
            TreeEngineMain.CODEC,
            visits)) {
      engine(
          crawl,
          "only",
          "balanced:2:2",
          0); // its own settings say 12 partitions: it must send to the topic's 5
      assertEquals(7, distributed.await().report().visits());
    }
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(
                  List.of(settings.branchesTopic(), settings.visitsTopic(), settings.eventsTopic()))
              .allTopicNames()
              .get(1, TimeUnit.MINUTES);
      assertEquals(5, topics.get(settings.branchesTopic()).partitions().size());
      for (var topic : topics.values()) {
        assertEquals(1, topic.partitions().get(0).replicas().size(), "one broker: one replica");
      }
      var resources =
          topics.keySet().stream()
              .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
              .toList();
      var configs = admin.describeConfigs(resources).all().get(1, TimeUnit.MINUTES);
      for (var resource : resources) {
        var config = configs.get(resource);
        boolean events = resource.name().equals(settings.eventsTopic());
        assertEquals(
            events ? "-1" : String.valueOf(Duration.ofHours(30).toMillis()),
            config.get("retention.ms").value(),
            resource.name());
        assertEquals("-1", config.get("retention.bytes").value(), resource.name());
        assertEquals("1", config.get("min.insync.replicas").value(), resource.name());
        assertEquals("delete", config.get("cleanup.policy").value(), resource.name());
      }
    }
    KafkaCrawlException tooMany =
        assertThrows(
            KafkaCrawlException.class,
            () ->
                DistributedCrawl.start(
                    TreeEngineMain.settings(broker.bootstrap(), newCrawl())
                        .withTopics(new TopicSettings(3, null)),
                    new CrawlSpec("tree", List.of("balanced:2:2")),
                    0,
                    TreeEngineMain.CODEC,
                    new VisitRecorder(Tree.balanced(2, 2))));
    assertEquals(
        "the crawl's topics need 3 replicas, and Kafka at "
            + broker.bootstrap()
            + " has 1 broker: ask for 1"
            + " or fewer",
        tooMany.getMessage());
    assertEquals(
        List.of(1, 1, 2, 3, 3),
        IntStream.of(1, 2, 3, 4, 5).mapToObj(TopicSettings::minInSync).toList(),
        "a majority of 3 or more replicas");
    assertEquals(3, TopicSettings.DEFAULT.replicasOn(5));
    assertEquals(2, TopicSettings.DEFAULT.replicasOn(2));
  }

  /**
   * Records visits and opens a latch when a given count has come: waiting on it needs no polling.
   */
  private static final class Milestone implements Consumer<Visit<Integer>> {
    final VisitRecorder visits;
    final long at;
    final CountDownLatch reached = new CountDownLatch(1);

    Milestone(VisitRecorder visits, long at) {
      this.visits = visits;
      this.at = at;
    }

    @Override
    public void accept(Visit<Integer> visit) {
      visits.accept(visit);
      if (visits.total() >= at) {
        reached.countDown();
      }
    }

    void await() throws InterruptedException {
      assertTrue(
          reached.await(2, TimeUnit.MINUTES),
          "only " + visits.total() + " visits after two minutes");
    }
  }
}
