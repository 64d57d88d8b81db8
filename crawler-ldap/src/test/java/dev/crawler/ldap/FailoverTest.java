package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static dev.crawler.testing.CrawlInvariants.awaitOrDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.demo.DemoDirectory;
import dev.crawler.ldap.demo.DemoDirectory.DemoPerson;
import dev.crawler.testing.VisitLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two directory servers with the same data (two domain controllers, a replica), the first shut down
 * in the middle of a crawl: the crawl goes on at the second and visits everyone exactly once. With
 * no reconnect budget at all, so that what carries the crawl is the failover, not a wait for the
 * first server to come back.
 */
class FailoverTest {
  private static final DemoDirectory.Options CHART =
      new DemoDirectory.Options(3_000, 5, 100, Duration.ZERO, true);

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

  @ParameterizedTest(name = "workers={0}")
  @ValueSource(ints = {1, 8})
  void firstServerShutDownMidCrawl_theSecondAnswers_everyPersonExactlyOnce(int workers)
      throws Exception {
    try (DemoDirectory first = DemoDirectory.start(CHART);
        DemoDirectory second = DemoDirectory.start(CHART)) {
      assertEquals(first.people(), second.people(), "the same data on both");
      LdapSettings settings =
          LdapSettings.builder("127.0.0.1", first.port(), DemoDirectory.BASE_DN)
              .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
              .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
              .batchSize(40)
              .failover(List.of(new LdapSettings.Server("127.0.0.1", second.port())))
              .reconnectFor(Duration.ZERO)
              .build();
      OrgChartSource source = OrgChartSource.of(settings);
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      AtomicInteger visits = new AtomicInteger();
      CrawlReport<Person> report;
      try (Crawl<Person> crawl =
          Crawler.over(source)
              .workers(workers)
              .distinctBy(Person::key)
              .start(
                  source.findRoot("ceo"),
                  v -> {
                    log.accept(v);
                    if (visits.incrementAndGet() == 300) {
                      first
                          .server()
                          .shutDown(true); // from the consumer: the crawl is surely running
                    }
                  })) {
        report =
            awaitOrDump(crawl, Duration.ofSeconds(60), "a crawl failing over to the second server");
      }
      assertEquals(
          Outcome.COMPLETE, report.outcome(), () -> report.errors() + " " + report.failure());
      assertCrawlInvariants(report, log, managerByUid(first.people()), Set.of());
      assertTrue(second.searchesServed() > 0, "the second server answered the rest");
      assertTrue(report.retries() > 0, "listings in flight at the shutdown were retried");
    }
  }
}
