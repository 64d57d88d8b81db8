package dev.crawler.core;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.testing.CrawlInvariants.Expect;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import dev.crawler.testing.VisitRecorder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Crawler.startWorkers(n)}: the other workers wait until a quarter of some worker's recent
 * listings took longer than 1 ms. The clock is a {@link FakeTime}, so whether a listing is slow is
 * decided by the test, never by how loaded the machine is.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReserveWorkersTest {
  /** The threads that listed, by a hook that runs inside each listing. */
  private final Set<Thread> listers = ConcurrentHashMap.newKeySet();

  @ParameterizedTest(name = "start with {0} of 8")
  @ValueSource(ints = {1, 2, 3})
  void fastListings_leaveTheReserveWaiting_andTheCrawlStillCompletes(int start) throws Exception {
    Tree tree = Tree.balanced(6, 5);
    TreeSource source = new TreeSource(tree).hook((node, n) -> listers.add(Thread.currentThread()));
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(8)
            .startWorkers(start)
            .timeSource(new FakeTime())
            .start(0, visits)) {
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything());
    assertEquals(8, source.sessionsOpened(), "every worker opens its session, held or not");
    assertTrue(listers.size() <= start, listers.size() + " threads listed, " + start + " may");
  }

  /**
   * Listings that keep waiting (a cold disk) release the reserve: here one in three takes 2 ms by
   * the crawl's clock. (Only one worker lists until then, so the fake clock moves only inside its
   * listings.)
   */
  @Test
  void listingsThatKeepWaiting_releaseTheReserve_forTheRestOfTheCrawl() throws Exception {
    FakeTime time = new FakeTime();
    Tree tree = Tree.balanced(6, 5);
    TreeSource source =
        new TreeSource(tree)
            .latency(100_000)
            .hook(
                (node, n) -> {
                  listers.add(Thread.currentThread());
                  if (n % 3 == 1) {
                    time.advance(2_000_000);
                  }
                });
    crawlOf8StartingWith1(tree, source, time);
    assertTrue(
        listers.size() > 2,
        "only " + listers.size() + " threads listed after the reserve was released");
  }

  /**
   * Slow listings now and then (a JIT warm-up, a preemption, a huge directory) do not: here the
   * first three and then one in twenty take 2 ms, more than a warm walk of 1.1M entries showed.
   */
  @Test
  void occasionalSlowListings_leaveTheReserveWaiting() throws Exception {
    FakeTime time = new FakeTime();
    Tree tree = Tree.balanced(6, 5);
    TreeSource source =
        new TreeSource(tree)
            .hook(
                (node, n) -> {
                  listers.add(Thread.currentThread());
                  if (n <= 3 || n % 20 == 0) {
                    time.advance(2_000_000);
                  }
                });
    crawlOf8StartingWith1(tree, source, time);
    assertEquals(1, listers.size(), "the reserve was released");
  }

  /**
   * Crawls {@code tree} with 8 workers, 1 listing from the start, and checks that it completed
   * whole.
   */
  private static void crawlOf8StartingWith1(Tree tree, TreeSource source, FakeTime time)
      throws Exception {
    VisitRecorder visits = new VisitRecorder(tree);
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(8).startWorkers(1).timeSource(time).start(0, visits)) {
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertCrawlInvariants(report, visits, source, Expect.everything());
  }

  /** A stop releases held workers: a crawl cancelled while its one listing blocks still ends. */
  @RepeatedTest(20)
  void aStop_releasesTheReserve() throws Exception {
    CountDownLatch listing = new CountDownLatch(1);
    TreeSource source =
        new TreeSource(Tree.balanced(4, 3))
            .hook(
                (node, n) -> {
                  listing.countDown();
                  new CountDownLatch(1).await(); // blocks until the stop interrupts it
                });
    CrawlReport<Integer> report;
    try (Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(4)
            .startWorkers(1)
            .timeSource(new FakeTime())
            .start(0, v -> {})) {
      listing.await();
      crawl.cancel();
      report = crawl.await();
    }
    assertEquals(Outcome.CANCELLED, report.outcome());
    assertEquals(0, source.sessionsNotClosed(), "every session closed, the held workers' too");
  }
}
