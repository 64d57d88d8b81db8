package dev.crawler.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.BranchError;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.RetryPolicy;
import dev.crawler.testing.CrawlInvariants;
import dev.crawler.testing.VisitLog;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpListingSource} against a real HTTP server on loopback ({@link ListingServer}), with
 * latency on every request and one fault at a time. Every test ends with {@link CrawlInvariants}
 * and checks that every session that listed was logged out.
 */
class HttpListingSourceTest {
  /** 121 directories (the last level empty) and 160 files. */
  private static final RemoteTree TREE = RemoteTree.generate(3, 4, 4);

  private static final String FAULTY = "/dir 0/répertoire 1/";
  private static final int WORKERS = 8;

  /** Retries a few milliseconds apart: the waits are the engine's business, tested there. */
  private static final RetryPolicy QUICK_RETRIES =
      new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2, 0.5);

  private ListingServer server;
  private final VisitLog<RemoteEntry, String> visits = new VisitLog<>(RemoteEntry::path);

  @BeforeEach
  void startServer() throws Exception {
    server = ListingServer.serve(TREE, Duration.ofMillis(2));
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void crawl_wholeTree_everyEntryOnceAndEveryDirectoryListedOnce() throws Exception {
    CrawlReport<RemoteEntry> report = crawl(crawler(Duration.ofSeconds(30)));

    assertEquals(Outcome.COMPLETE, report.outcome(), report.errors().toString());
    assertEquals(TREE.parents().size(), report.visits());
    Map<String, Integer> once = new TreeMap<>();
    TREE.directories().forEach(directory -> once.put(directory, 1));
    assertEquals(once, server.listings());
    assertSessionsClosed(WORKERS);
    CrawlInvariants.assertCrawlInvariants(report, visits, TREE.parents(), Set.of());
  }

  @Test
  void crawl_busyServer_retriedAndListed() throws Exception {
    server.fail(FAULTY, 503, 2);

    CrawlReport<RemoteEntry> report = crawl(crawler(Duration.ofSeconds(30)));

    assertEquals(Outcome.COMPLETE, report.outcome(), report.errors().toString());
    assertEquals(2, report.retries());
    assertEquals(3, server.listings(FAULTY));
    assertSessionsClosed(WORKERS);
    CrawlInvariants.assertCrawlInvariants(report, visits, TREE.parents(), Set.of());
  }

  @Test
  void crawl_serverBusyThroughEveryAttempt_branchErrorAndTheRestListed() throws Exception {
    server.fail(FAULTY, 503, Integer.MAX_VALUE);

    CrawlReport<RemoteEntry> report = crawl(crawler(Duration.ofSeconds(30)));

    assertFailedOnly(report, 3, ListingStatusException.class);
    assertEquals(503, ((ListingStatusException) report.errors().get(0).cause()).status());
  }

  @Test
  void crawl_directoryGone_branchErrorWithoutRetry() throws Exception {
    server.fail(FAULTY, 404, Integer.MAX_VALUE);

    CrawlReport<RemoteEntry> report = crawl(crawler(Duration.ofSeconds(30)));

    assertFailedOnly(report, 1, ListingStatusException.class);
    assertEquals(1, server.listings(FAULTY));
  }

  @Test
  void crawl_listingWithoutItsEndLine_neverTakenForTheWholeDirectory() throws Exception {
    server.truncate(FAULTY);

    CrawlReport<RemoteEntry> report = crawl(crawler(Duration.ofSeconds(30)));

    assertFailedOnly(report, 3, BadListingException.class);
    assertTrue(((BadListingException) report.errors().get(0).cause()).isTruncated());
  }

  @Test
  void crawl_sessionsExpire_replacedAndEveryListingRetried() throws Exception {
    server.expireTokensAfter(5);

    CrawlReport<RemoteEntry> report = crawl(crawler(Duration.ofSeconds(30)));

    assertEquals(Outcome.COMPLETE, report.outcome(), report.errors().toString());
    assertTrue(server.sessionsOpened() > WORKERS, server.sessionsOpened() + " sessions opened");
    assertEquals(0, server.sessionsLeftOpen(), "sessions left open on the server");
    CrawlInvariants.assertCrawlInvariants(report, visits, TREE.parents(), Set.of());
  }

  @Test
  void crawl_hungResponse_cutByTheRequestTimeoutAndRetried() throws Exception {
    server.hang(FAULTY);

    // Long enough that no request of the rest of the tree (2 ms each) times out, on a busy machine
    // too.
    CrawlReport<RemoteEntry> report = crawl(crawler(Duration.ofSeconds(1)));

    assertFailedOnly(report, 3, HttpTimeoutException.class);
  }

  @Test
  void crawl_hungResponse_cutByTheCrawlsDeadline() throws Exception {
    server.hang(FAULTY);

    CrawlReport<RemoteEntry> report =
        crawl(crawler(Duration.ofMinutes(10)).deadline(Duration.ofMillis(500)));

    assertEquals(Outcome.TIMED_OUT, report.outcome());
    assertEquals(List.of(), report.errors());
    assertSessionsClosed(WORKERS);
    CrawlInvariants.assertCrawlInvariants(report, visits, TREE.parents(), Set.of());
  }

  @Test
  void crawl_hungResponse_cutByCancel() throws Exception {
    server.hang(FAULTY);
    CrawlReport<RemoteEntry> report;
    try (Crawl<RemoteEntry> crawl =
        crawler(Duration.ofMinutes(10)).start(RemoteEntry.root(), visits)) {
      server.awaitHang();
      crawl.cancel();
      report = crawl.await();
    }

    assertEquals(Outcome.CANCELLED, report.outcome());
    assertEquals(List.of(), report.errors());
    assertSessionsClosed(WORKERS);
    CrawlInvariants.assertCrawlInvariants(report, visits, TREE.parents(), Set.of());
  }

  private Crawler<RemoteEntry, ListingSession> crawler(Duration requestTimeout) {
    return Crawler.over(HttpListingSource.of(server.uri(), requestTimeout))
        .workers(WORKERS)
        .retry(QUICK_RETRIES);
  }

  private CrawlReport<RemoteEntry> crawl(Crawler<RemoteEntry, ListingSession> crawler)
      throws InterruptedException {
    try (Crawl<RemoteEntry> crawl = crawler.start(RemoteEntry.root(), visits)) {
      return crawl.await();
    }
  }

  /**
   * The crawl ran to its end with one error, for {@link #FAULTY}; the checker makes sure nothing
   * below it was visited.
   */
  private void assertFailedOnly(
      CrawlReport<RemoteEntry> report, int attempts, Class<? extends Exception> cause) {
    assertEquals(Outcome.PARTIAL, report.outcome());
    assertEquals(1, report.errors().size(), report.errors().toString());
    BranchError<RemoteEntry> error = report.errors().get(0);
    assertEquals(FAULTY, error.branch().path());
    assertEquals(attempts, error.attempts());
    assertInstanceOf(cause, error.cause());
    assertSessionsClosed(WORKERS);
    CrawlInvariants.assertCrawlInvariants(report, visits, TREE.parents(), Set.of(FAULTY));
  }

  private void assertSessionsClosed(int atMostOpened) {
    assertTrue(
        server.sessionsOpened() <= atMostOpened, server.sessionsOpened() + " sessions opened");
    assertEquals(0, server.sessionsLeftOpen(), "sessions left open on the server");
  }
}
