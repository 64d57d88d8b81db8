package dev.crawler.kafka;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.Outcome;
import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a crawl's life on a real broker, with engine processes in JVMs of their own: crawls
 * listed with their state, deleted (never one in use unless forced), cleaned up after their grace
 * period, and their ids used again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrawlLifecycleTest {
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

  private static String newCrawl() {
    return "life" + CRAWLS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
  }

  private static KafkaCrawlSettings settings(String crawl) {
    return TreeEngineMain.settings(broker.bootstrap(), crawl);
  }

  private Process engine(String crawl, String process, String tree, int latencyMicros)
      throws Exception {
    Process p =
        KafkaBroker.java(
            List.of(
                "-Xmx256m",
                TreeEngineMain.class.getName(),
                broker.bootstrap(),
                crawl,
                process,
                tree,
                "2",
                String.valueOf(latencyMicros)),
            dir.resolve(crawl + "-" + process + ".log"));
    engines.add(p);
    return p;
  }

  private static DistributedCrawl<Integer> start(String crawl, String tree, VisitRecorder visits)
      throws Exception {
    return DistributedCrawl.start(
        settings(crawl), new CrawlSpec("tree", List.of(tree)), 0, TreeEngineMain.CODEC, visits);
  }

  /** Runs a crawl of {@code tree} to its end with one engine process; returns what it visited. */
  private VisitRecorder finish(String crawl, String tree) throws Exception {
    VisitRecorder visits = new VisitRecorder(TreeEngineMain.tree(tree));
    try (DistributedCrawl<Integer> distributed = start(crawl, tree, visits)) {
      Process p = engine(crawl, "p", tree, 0);
      DistributedReport<Integer> report = distributed.await();
      assertCrawlInvariants(
          report.report(), visits, new TreeSource(TreeEngineMain.tree(tree)), Expect.everything());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the engine did not exit after the end");
    }
    return visits;
  }

  private static CrawlInfo find(List<CrawlInfo> crawls, String id) {
    return crawls.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
  }

  @Test
  void crawls_areListedWithTheirState_andOnlyOneNotInUseIsDeleted_unlessForced() throws Exception {
    String finished = newCrawl();
    String running = newCrawl();
    String abandoned = newCrawl();
    Instant before =
        Instant.now().minusSeconds(60); // the broker's record times come from this machine's clock
    finish(finished, "balanced:3:3");
    // Its starter follows it (a reader) and stops: then nobody lists or reads it.
    start(abandoned, "balanced:3:3", new VisitRecorder(Tree.balanced(3, 3))).close();
    CountDownLatch listing = new CountDownLatch(1);
    try (DistributedCrawl<Integer> slow =
        start(running, "balanced:8:5", new VisitRecorder(Tree.balanced(8, 5)))) {
      slow.onTransaction(counts -> listing.countDown());
      engine(running, "slow", "balanced:8:5", 20_000); // about a minute alone
      assertTrue(listing.await(2, TimeUnit.MINUTES), "the slow engine never committed");

      List<CrawlInfo> crawls = Crawls.list(settings("any"));
      CrawlInfo f = find(crawls, finished);
      assertEquals(CrawlInfo.State.FINISHED, f.state());
      assertEquals(Outcome.COMPLETE, f.outcome());
      assertEquals(Tree.balanced(3, 3).size(), f.visits());
      assertTrue(f.bytes() > 0, "bytes " + f.bytes());
      assertTrue(
          f.started().isAfter(before) && !f.ended().isBefore(f.started()),
          f.started() + " " + f.ended());
      assertEquals(0, f.processes() + f.readers(), "its engine left, its starter stopped reading");
      assertEquals(CrawlLifetime.DEFAULT, f.lifetime());
      assertEquals(f.ended().plus(Duration.ofDays(1)), f.cleanupDue());

      CrawlInfo a = find(crawls, abandoned);
      assertEquals(CrawlInfo.State.ABANDONED, a.state());
      assertNull(a.outcome());
      assertEquals(1, a.visits(), "the root's visit, with the seed");
      assertNull(a.cleanupDue(), "a crawl that did not end is never cleaned up by itself");

      CrawlInfo r = find(crawls, running);
      assertEquals(CrawlInfo.State.RUNNING, r.state());
      assertEquals(1, r.processes());
      assertEquals(1, r.readers(), "its starter");

      KafkaCrawlException refused =
          assertThrows(KafkaCrawlException.class, () -> Crawls.delete(settings(running), false));
      assertEquals(
          "the crawl " + running + " is running: 1 process lists it and 1 process reads it",
          refused.getMessage());
      assertEquals(
          CrawlInfo.State.RUNNING,
          Crawls.describe(settings(running)).state(),
          "refused: nothing deleted");

      Crawls.Deleted forced = Crawls.delete(settings(running), true);
      assertEquals(running, forced.crawl().id());
      assertTrue(
          forced.groupsLeft().contains("crawler." + running), "the engine is still in its group");
      Crawls.delete(settings(abandoned), false);
      Crawls.delete(settings(finished), false);
      List<CrawlInfo> after = Crawls.list(settings("any"));
      for (String gone : List.of(finished, running, abandoned)) {
        assertNull(find(after, gone), gone + " is still listed: " + find(after, gone));
      }
    }
    KafkaCrawlException none =
        assertThrows(KafkaCrawlException.class, () -> Crawls.delete(settings(finished), false));
    assertEquals("no crawl with id " + finished + " at " + broker.bootstrap(), none.getMessage());
  }

  @Test
  void aDeletedCrawlsId_canBeUsedAgain_everyNodeOnce() throws Exception {
    String crawl = newCrawl();
    finish(crawl, "balanced:4:4");
    KafkaCrawlException taken =
        assertThrows(
            KafkaCrawlException.class,
            () ->
                start(
                    crawl, "heavy:3:2000", new VisitRecorder(TreeEngineMain.tree("heavy:3:2000"))));
    assertTrue(taken.getMessage().contains("exists already"), taken.getMessage());
    Crawls.delete(settings(crawl), false);
    // Another tree under the same id: nothing of the first crawl's topics, offsets or transactions
    // shows.
    VisitRecorder again = finish(crawl, "heavy:3:2000");
    assertEquals(TreeEngineMain.tree("heavy:3:2000").size(), again.total());
    CrawlInfo info = Crawls.describe(settings(crawl));
    assertEquals(
        TreeEngineMain.tree("heavy:3:2000").size(), info.visits(), "the new crawl's events alone");
  }

  @Test
  void theCleanup_deletesFinishedCrawlsPastTheirGrace_unlessKeptOrRead() throws Exception {
    String due = newCrawl();
    String kept = newCrawl();
    String notYet = newCrawl();
    String read = newCrawl();
    String unfinished = newCrawl();
    for (String crawl : List.of(due, kept, notYet, read)) {
      finish(crawl, "balanced:2:3");
    }
    Crawls.setLifetime(settings(due), CrawlLifetime.cleanedAfter(Duration.ofMillis(1)));
    Crawls.setLifetime(settings(kept), CrawlLifetime.KEEP);
    Crawls.setLifetime(settings(read), CrawlLifetime.cleanedAfter(Duration.ofMillis(1)));
    start(unfinished, "balanced:2:3", new VisitRecorder(Tree.balanced(2, 3))).close();
    Crawls.setLifetime(settings(unfinished), CrawlLifetime.cleanedAfter(Duration.ofMillis(1)));
    Set<String> ours = Set.of(due, kept, notYet, read, unfinished);
    try (ReaderPresence reader = ReaderPresence.start(settings(read))) {
      assertTrue(reader.awaitMember(Duration.ofMinutes(1)), "the reader never joined its group");
      Instant now = Instant.now();
      assertEquals(
          List.of(due),
          Crawls.sweep(settings("any"), now).stream().filter(ours::contains).toList());
      assertEquals(
          List.of(), Crawls.sweep(settings("any"), now).stream().filter(ours::contains).toList());
      assertEquals(1, Crawls.describe(settings(read)).readers());
    }
    Instant now = Instant.now();
    assertEquals(
        List.of(read),
        Crawls.sweep(settings("any"), now).stream().filter(ours::contains).toList(),
        "once its reader left");
    // A day on, the default grace is over too; a kept crawl and one that never ended stay.
    assertEquals(
        List.of(notYet),
        Crawls.sweep(settings("any"), now.plus(Duration.ofDays(2))).stream()
            .filter(ours::contains)
            .toList());
    Set<String> left =
        Set.copyOf(
            Crawls.list(settings("any")).stream()
                .map(CrawlInfo::id)
                .filter(ours::contains)
                .toList());
    assertEquals(Set.of(kept, unfinished), left);
  }
}
