package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static dev.crawler.testing.CrawlInvariants.awaitOrDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.demo.DemoDirectory;
import dev.crawler.ldap.demo.DemoDirectory.DemoPerson;
import dev.crawler.testing.VisitLog;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 25, §4: a directory that does not index the manager attribute answers an OR of {@code
 * (manager=...)} terms in a time that grows with the number of terms (Samba: 16 terms in 0.77 s,
 * 400 in 11.9 s). UnboundID's in-memory server over a real socket, with an interceptor that holds
 * each search back {@link #perTerm} per term of its filter, and a client timeout that the settings'
 * 400-term queries overrun. The crawl must size its queries to what the server answers in time:
 * every person exactly once, COMPLETE, at one worker and at the default.
 */
class SlowOrQueriesTest {
  private Duration perTerm = Duration.ofMillis(4);

  /** 300 terms take 1.2 s here, the settings' 400 1.6 s: past it. */
  private static final Duration TIMEOUT = Duration.ofMillis(1_200);

  private DemoDirectory.Options chart =
      new DemoDirectory.Options(2_000, 7, 300, Duration.ZERO, false);

  private final AtomicInteger mostTermsAnswered = new AtomicInteger();
  private final AtomicInteger timedOut = new AtomicInteger();
  private InMemoryDirectoryServer server;
  private List<DemoPerson> people;

  /**
   * @param serverTimeLimit the server ends a search at {@link #TIMEOUT} with "time limit exceeded"
   *     (AD's MaxQueryDuration), rather than the client giving up on it
   */
  private void start(boolean serverTimeLimit) throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig(
            "default", InetAddress.getByName("127.0.0.1"), 0, null));
    config.setEqualityIndexAttributes("manager", "uid");
    config.setMaxSizeLimit(chart.sizeLimit());
    config.addAdditionalBindCredentials(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD);
    config.addInMemoryOperationInterceptor(
        new InMemoryOperationInterceptor() {
          @Override
          public void processSearchRequest(InMemoryInterceptedSearchRequest request)
              throws LDAPException {
            Filter filter = request.getRequest().getFilter();
            int terms = terms(filter);
            if (serverTimeLimit && perTerm.toNanos() * terms >= TIMEOUT.toNanos()) {
              timedOut.incrementAndGet();
              LockSupport.parkNanos(TIMEOUT.toNanos());
              throw new LDAPException(
                  ResultCode.TIME_LIMIT_EXCEEDED, "the query ran past the time limit");
            }
            if (terms > 1) {
              long began = System.nanoTime();
              LockSupport.parkNanos(
                  perTerm.toNanos() * terms); // the scan an unindexed attribute costs
              if (System.nanoTime() - began < TIMEOUT.toNanos()) {
                mostTermsAnswered.accumulateAndGet(terms, Math::max);
              } else {
                timedOut.incrementAndGet();
              }
            }
          }
        });
    server = new InMemoryDirectoryServer(config);
    server.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
    server.add("dn: " + DemoDirectory.BASE_DN, "objectClass: organizationalUnit", "ou: people");
    people = new ArrayList<>();
    for (Entry entry : DemoDirectory.entries(chart, people)) {
      server.add(entry);
    }
    server.startListening();
  }

  /**
   * The terms of the OR of manager terms inside the crawl's filter, {@code
   * (&(person)(|(manager=a)...))}.
   */
  private static int terms(Filter filter) {
    int most = 0;
    if (filter.getFilterType() == Filter.FILTER_TYPE_OR) {
      most = filter.getComponents().length;
    }
    if (filter.getFilterType() == Filter.FILTER_TYPE_AND
        || filter.getFilterType() == Filter.FILTER_TYPE_OR) {
      for (Filter component : filter.getComponents()) {
        most = Math.max(most, terms(component));
      }
    }
    return most;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutDown(true);
    }
  }

  /**
   * The client's timeout, or the server's time limit (then the client waits 30 s): on the old code,
   * listings of queries of up to 400 terms timed out three times each and were branch errors
   * (PARTIAL), or failed at once with "time limit exceeded".
   */
  @ParameterizedTest(name = "workers: {0} (0 = default), the server's time limit: {1}")
  @CsvSource({"1, false", "0, false", "1, true", "0, true"})
  void queriesShrinkToWhatTheServerAnswersInTime_everyPersonOnce(
      int workers, boolean serverTimeLimit) throws Exception {
    start(serverTimeLimit);
    LdapSettings settings =
        LdapSettings.builder("127.0.0.1", server.getListenPort(), DemoDirectory.BASE_DN)
            .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
            .schema("(objectClass=inetOrgPerson)", "uid", "manager")
            .timeouts(Duration.ofSeconds(5), serverTimeLimit ? Duration.ofSeconds(30) : TIMEOUT)
            .build();
    assertEquals(
        400, settings.batchSize(), "the default: 400 terms take longer than the timeout here");
    OrgChartSource source = OrgChartSource.of(settings);
    VisitLog<Person, String> log = new VisitLog<>(Person::uid);
    Crawler<Person, LdapSession> crawler = Crawler.over(source).distinctBy(Person::key);
    if (workers > 0) {
      crawler.workers(workers);
    }
    CrawlReport<Person> report;
    try (Crawl<Person> crawl = crawler.start(source.findRoot("ceo"), log)) {
      report =
          awaitOrDump(
              crawl, Duration.ofSeconds(120), "a crawl of a directory slow on long OR queries");
    }
    System.out.printf(
        "server time limit %s, workers %s: %d operations, %d splits, most terms answered %d, %d"
            + " queries past the timeout%n",
        serverTimeLimit,
        workers == 0 ? "default" : workers,
        source.operations(),
        source.splits(),
        mostTermsAnswered.get(),
        timedOut.get());
    assertEquals(
        Outcome.COMPLETE, report.outcome(), () -> report.failure() + " " + report.errors());
    assertCrawlInvariants(report, log, managerByUid(people), Set.of());
    assertEquals(people.size(), log.total());
    assertTrue(mostTermsAnswered.get() > 1, "queries of several terms were answered");
  }

  /**
   * So slow that even the first queries (8-16 terms) run past the client's timeout: each such
   * listing fails as transient, and its retry, on a new connection, is cut to what would have
   * answered within a quarter of the timeout. Everyone still exactly once, COMPLETE.
   */
  @ParameterizedTest(name = "workers: {0} (0 = default)")
  @CsvSource({"1", "0"})
  void evenTheFirstQueriesTimeOut_theRetriesAreCutSmaller_everyPersonOnce(int workers)
      throws Exception {
    perTerm = Duration.ofMillis(200); // 8 terms: 1.6 s, past the 1.2 s timeout; one term: no wait
    chart = new DemoDirectory.Options(300, 11, 300, Duration.ZERO, false);
    start(false);
    LdapSettings settings =
        LdapSettings.builder("127.0.0.1", server.getListenPort(), DemoDirectory.BASE_DN)
            .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
            .schema("(objectClass=inetOrgPerson)", "uid", "manager")
            .timeouts(Duration.ofSeconds(5), TIMEOUT)
            .build();
    OrgChartSource source = OrgChartSource.of(settings);
    VisitLog<Person, String> log = new VisitLog<>(Person::uid);
    Crawler<Person, LdapSession> crawler = Crawler.over(source).distinctBy(Person::key);
    if (workers > 0) {
      crawler.workers(workers);
    }
    CrawlReport<Person> report;
    try (Crawl<Person> crawl = crawler.start(source.findRoot("ceo"), log)) {
      report =
          awaitOrDump(
              crawl, Duration.ofSeconds(120), "a crawl of a directory slow on any OR query");
    }
    System.out.printf(
        "very slow, workers %s: %d operations, most terms answered %d, %d queries past the timeout,"
            + " %d retries%n",
        workers == 0 ? "default" : workers,
        source.operations(),
        mostTermsAnswered.get(),
        timedOut.get(),
        report.retries());
    assertEquals(
        Outcome.COMPLETE, report.outcome(), () -> report.failure() + " " + report.errors());
    assertCrawlInvariants(report, log, managerByUid(people), Set.of());
    assertEquals(people.size(), log.total());
    assertTrue(timedOut.get() > 0, "queries ran past the timeout: the path under test was taken");
  }

  private static Map<String, String> managerByUid(List<DemoPerson> people) {
    Map<String, String> uidByDn = new HashMap<>();
    for (DemoPerson p : people) {
      uidByDn.put(p.dn().toLowerCase(Locale.ROOT), p.uid());
    }
    Map<String, String> managers = new HashMap<>();
    for (DemoPerson p : people) {
      managers.put(
          p.uid(),
          p.managerDn() == null ? null : uidByDn.get(p.managerDn().toLowerCase(Locale.ROOT)));
    }
    return managers;
  }
}
