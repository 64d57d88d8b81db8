package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.BranchError;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Children.commitLeaves()} over Kafka, on a real broker with engines in JVMs of their own: a
 * huge listing's committed leaves go into the open transaction, so they count exactly when it
 * commits. A listing that fails after a commit is one branch error, its committed leaves visited
 * once; a process killed after a commit (its transaction aborted by the broker) leaves nothing, and
 * the branch is listed whole again by another process, each leaf once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommittedLeavesOverKafkaTest {
  @TempDir static Path dir;
  private static KafkaBroker broker;
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

  private static String newCrawl() {
    return "leaves-" + Long.toHexString(System.nanoTime());
  }

  private Process engine(String crawl, String process, WideLeavesSource.Mode mode)
      throws Exception {
    Process p =
        KafkaBroker.java(
            List.of(
                "-Xmx256m",
                LeavesEngineMain.class.getName(),
                broker.bootstrap(),
                crawl,
                process,
                mode.name()),
            dir.resolve(crawl + "-" + process + ".log"));
    engines.add(p);
    return p;
  }

  /** Counts every node and notes any delivered twice. */
  private static final class Once implements Consumer<Visit<Integer>> {
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    final Set<Integer> twice = ConcurrentHashMap.newKeySet();

    @Override
    public void accept(Visit<Integer> visit) {
      if (!seen.add(visit.node())) {
        twice.add(visit.node());
      }
    }
  }

  private static DistributedCrawl<Integer> start(String crawl, Once visits) throws Exception {
    return DistributedCrawl.start(
        TreeEngineMain.settings(broker.bootstrap(), crawl),
        new CrawlSpec("wide", List.of()),
        0,
        TreeEngineMain.CODEC,
        visits);
  }

  @Test
  void aListingFailingAfterACommit_isOneBranchError_itsCommittedLeavesOnce() throws Exception {
    String crawl = newCrawl();
    Once visits = new Once();
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, visits)) {
      Process a = engine(crawl, "a", WideLeavesSource.Mode.FAIL_AFTER_COMMIT);
      Process b = engine(crawl, "b", WideLeavesSource.Mode.FAIL_AFTER_COMMIT);
      report = distributed.await();
      for (Process p : List.of(a, b)) {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "an engine did not exit after the end");
        assertEquals(0, p.exitValue());
      }
    }
    assertEquals(Outcome.PARTIAL, report.report().outcome());
    assertEquals(
        List.of(WideLeavesSource.ODD_BRANCH),
        report.report().errors().stream().map(BranchError::branch).toList(),
        "one error, not one per attempt or process");
    assertEquals(
        1,
        report.report().errors().get(0).attempts(),
        "a listing that committed leaves is never retried");
    assertEquals(Set.of(), visits.twice);
    assertEquals(WideLeavesSource.nodesWhenTheOddBranchFailed(), visits.seen.size());
    assertEquals(visits.seen.size(), report.report().visits());
  }

  @Test
  void aProcessKilledAfterACommit_abortsItsLeaves_andAnotherListsTheBranchWhole_eachLeafOnce()
      throws Exception {
    String crawl = newCrawl();
    Once visits = new Once();
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> distributed = start(crawl, visits)) {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              TestClasspath.get(),
              "-Xmx256m",
              LeavesEngineMain.class.getName(),
              broker.bootstrap(),
              crawl,
              "doomed",
              WideLeavesSource.Mode.HANG_AFTER_COMMIT.name());
      Process doomed = new ProcessBuilder(command).redirectErrorStream(true).start();
      engines.add(doomed);
      // Alone, it lists every branch, the odd one too: it commits that one's first leaves, says so,
      // and hangs.
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        do {
          line = out.readLine();
        } while (line != null && !line.equals("committed"));
        assertEquals("committed", line, "the doomed process ended before it committed leaves");
        Process survivor = engine(crawl, "survivor", WideLeavesSource.Mode.PLAIN);
        doomed.destroyForcibly(); // kill -9 with its transaction open, committed leaves and all
        doomed.waitFor();
        report = distributed.await();
        assertTrue(
            survivor.waitFor(60, TimeUnit.SECONDS), "the survivor did not exit after the end");
        assertEquals(0, survivor.exitValue());
      }
    }
    assertEquals(Outcome.COMPLETE, report.report().outcome(), report.report().errors().toString());
    assertEquals(Set.of(), visits.twice, "leaves of the killed transaction were delivered too");
    assertEquals(WideLeavesSource.allNodes(), visits.seen.size());
    assertEquals(visits.seen.size(), report.report().visits());
  }
}
