package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 25, §4: a directory that answers some searches late, or idles most workers. On UnboundID's
 * in-memory server over a real socket, with an interceptor that counts binds and holds back the
 * answer to any search naming {@link #SLOW} until the test ends (past the client's response
 * timeout: what a server busy with an unindexed query looks like to the crawl).
 */
class SlowDirectoryTest {
  private static final String BASE = "ou=people,dc=example,dc=com";

  /** A manager whose reports' query is never answered while the test runs. */
  private static final String SLOW = "uid=b1," + BASE;

  private final CountDownLatch end = new CountDownLatch(1);
  private final AtomicInteger binds = new AtomicInteger();
  private InMemoryDirectoryServer server;

  /** ceo over a and b; a over a1; b over b1; b1 over b1x and b1y. */
  private void start(boolean slow) throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig(
            "default", InetAddress.getByName("127.0.0.1"), 0, null));
    config.addAdditionalBindCredentials("cn=crawler", "secret");
    config.addInMemoryOperationInterceptor(
        new InMemoryOperationInterceptor() {
          @Override
          public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest request) {
            binds.incrementAndGet();
          }

          @Override
          public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
            if (slow
                && request
                    .getRequest()
                    .getFilter()
                    .toString()
                    .toLowerCase(Locale.ROOT)
                    .contains("manager=" + SLOW)) {
              try {
                end.await(); // never answered while the test runs: the client's timeout ends the
                // wait
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        });
    server = new InMemoryDirectoryServer(config);
    server.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
    server.add("dn: " + BASE, "objectClass: organizationalUnit", "ou: people");
    person("ceo", null);
    person("a", "ceo");
    person("b", "ceo");
    person("a1", "a");
    person("b1", "b");
    person("b1x", "b1");
    person("b1y", "b1");
    server.startListening();
  }

  private void person(String uid, String manager) throws Exception {
    server.add(
        "dn: uid=" + uid + "," + BASE,
        "objectClass: inetOrgPerson",
        "uid: " + uid,
        "cn: " + uid,
        "sn: " + uid,
        manager == null ? "description: top" : "manager: uid=" + manager + "," + BASE);
  }

  @AfterEach
  void stop() {
    end.countDown();
    if (server != null) {
      server.shutDown(true);
    }
  }

  private LdapSettings settings(Duration responseTimeout) {
    return LdapSettings.builder("127.0.0.1", server.getListenPort(), BASE)
        .bind("cn=crawler", "secret".toCharArray())
        .schema("(objectClass=inetOrgPerson)", "uid", "manager")
        .timeouts(Duration.ofSeconds(5), responseTimeout)
        .build();
  }

  private static CrawlReport<Person> crawl(
      OrgChartSource source, String root, int workers, Map<String, Integer> seen) throws Exception {
    Crawler<Person, LdapSession> crawler = Crawler.over(source).distinctBy(Person::key);
    if (workers > 0) {
      crawler.workers(workers);
    }
    try (Crawl<Person> crawl =
        crawler.start(source.findRoot(root), v -> seen.merge(v.node().uid(), 1, Integer::sum))) {
      return crawl.await();
    }
  }

  /**
   * A listing whose query times out is retried, then reported as a branch error naming who could
   * not be listed; the rest of the chart is crawled and the crawl ends PARTIAL, never FAILED.
   */
  @ParameterizedTest(name = "workers: {0} (0 = default)")
  @CsvSource({"1", "0"})
  void aListingThatTimesOut_isABranchError_notTheCrawlsFailure(int workers) throws Exception {
    start(true);
    OrgChartSource source = OrgChartSource.of(settings(Duration.ofMillis(300)));
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    CrawlReport<Person> report = crawl(source, "ceo", workers, seen);
    assertEquals(Outcome.PARTIAL, report.outcome(), () -> report.failure() + " " + report.errors());
    assertEquals(1, report.errors().size(), () -> report.errors().toString());
    assertEquals("b", report.errors().get(0).branch().uid(), "whose listing asks for b1's reports");
    assertTrue(
        LdapFailures.isTransient(report.errors().get(0).cause()), report.errors().toString());
    assertEquals(Set.of("ceo", "a", "b", "a1"), seen.keySet(), "everyone but those below b");
    assertTrue(report.retries() > 0, "retried before it was given up");
  }

  /**
   * Binds for a crawl of a few people: a connection is opened, and bound, only by a worker that
   * lists (issue 25, §4: 21-23 binds for a crawl of 1-4 people; 10 here for a root without reports,
   * 16 for seven people, before). Counted by the server.
   */
  @ParameterizedTest(name = "root {0}, workers: {1} (0 = default)")
  @CsvSource({"a1, 0", "a, 0", "ceo, 0", "ceo, 1"})
  void idleWorkers_doNotBind(String root, int workers) throws Exception {
    start(false);
    OrgChartSource source = OrgChartSource.of(settings(Duration.ofSeconds(10)));
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    int before = binds.get();
    CrawlReport<Person> report = crawl(source, root, workers, seen);
    assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
    int used = binds.get() - before;
    System.out.printf(
        "root %s, workers %s: %d people, %d binds, %d operations%n",
        root, workers == 0 ? "default" : workers, seen.size(), used, source.operations());
    // findRoot's connection, and at most one per listing that asked the directory something.
    assertTrue(
        used <= 1 + report.listings(),
        used + " binds for " + seen.size() + " people, " + report.listings() + " listings");
    if (root.equals("a1")) {
      assertEquals(1, used, "a root without reports is listed by nobody: findRoot's bind alone");
    }
  }

  /**
   * A bind refused once the crawl runs (the account's password changed after the root was found)
   * still fails the crawl, as it did when every worker bound before it listed: the first listing's
   * connection fails, the engine replaces the session, and the replacement's open() throws.
   */
  @ParameterizedTest(name = "workers: {0} (0 = default)")
  @CsvSource({"1", "0"})
  void aBindRefusedDuringTheCrawl_failsTheCrawl(int workers) throws Exception {
    start(false);
    String account = "uid=reader," + BASE;
    server.add(
        "dn: " + account,
        "objectClass: inetOrgPerson",
        "uid: reader",
        "cn: reader",
        "sn: reader",
        "userPassword: right");
    LdapSettings settings =
        LdapSettings.builder("127.0.0.1", server.getListenPort(), BASE)
            .bind(account, "right".toCharArray())
            .schema("(&(objectClass=inetOrgPerson)(!(uid=reader)))", "uid", "manager")
            .build();
    OrgChartSource source = OrgChartSource.of(settings);
    Person ceo = source.findRoot("ceo");
    server.modify(
        "dn: " + account, "changetype: modify", "replace: userPassword", "userPassword: changed");
    Crawler<Person, LdapSession> crawler = Crawler.over(source).distinctBy(Person::key);
    if (workers > 0) {
      crawler.workers(workers);
    }
    CrawlReport<Person> report;
    try (Crawl<Person> crawl = crawler.start(ceo, v -> {})) {
      report = crawl.await();
    }
    assertEquals(Outcome.FAILED, report.outcome(), () -> report.errors().toString());
    assertEquals(
        ResultCode.INVALID_CREDENTIALS,
        ((LDAPException) report.failure()).getResultCode(),
        String.valueOf(report.failure()));
  }
}
