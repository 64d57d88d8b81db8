package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static dev.crawler.testing.CrawlInvariants.awaitOrDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.demo.DemoDirectory;
import dev.crawler.ldap.demo.DemoDirectory.DemoPerson;
import dev.crawler.testing.VisitLog;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Servers found by DNS SRV records ({@code _ldap._tcp.DOMAIN}, as Active Directory's clients find
 * domain controllers), asked of a real DNS server: dnsmasq on loopback. Runs wherever dnsmasq is
 * installed; on CI ({@code CI=true}) a missing dnsmasq fails instead of skipping, since .ci/run
 * installs it.
 */
class SrvDiscoveryTest {
  private static final DemoDirectory.Options CHART =
      new DemoDirectory.Options(500, 3, 100, Duration.ZERO, false);

  @BeforeAll
  static void requireDnsmasq() {
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(
          Dnsmasq.installed(),
          "dnsmasq is missing on CI: .ci/run should have installed it (dnsmasq-base)");
    }
    assumeTrue(
        Dnsmasq.installed(),
        "skipped: dnsmasq is not installed here (apt-get install dnsmasq-base; CI installs it)");
  }

  private static LdapSettings settings(DemoDirectory demo, SrvDiscovery srv) {
    // host:port name a port nobody listens on: only the records can lead to the directory.
    return LdapSettings.builder("127.0.0.1", closedPort(), DemoDirectory.BASE_DN)
        .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
        .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
        .reconnectFor(Duration.ZERO)
        .srv(srv)
        .build();
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theRecordsLeadToTheDirectory_pastADeadServerOfHigherPriority_everyPersonOnce()
      throws Exception {
    try (DemoDirectory demo = DemoDirectory.start(CHART);
        Dnsmasq dns =
            Dnsmasq.start(
                List.of(
                    new Dnsmasq.Srv(
                        "_ldap._tcp.corp.example.test", "127.0.0.1", closedPort(), 0, 100),
                    new Dnsmasq.Srv(
                        "_ldap._tcp.corp.example.test", "localhost", demo.port(), 10, 100)))) {
      OrgChartSource source =
          OrgChartSource.of(settings(demo, new SrvDiscovery("corp.example.test", dns.address())));
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report;
      try (Crawl<Person> crawl =
          Crawler.over(source)
              .workers(4)
              .distinctBy(Person::key)
              .start(source.findRoot("ceo"), log)) {
        report = awaitOrDump(crawl, Duration.ofSeconds(60), "a crawl of servers found by DNS SRV");
      }
      assertEquals(
          Outcome.COMPLETE, report.outcome(), () -> report.errors() + " " + report.failure());
      assertCrawlInvariants(report, log, managerByUid(demo.people()), Set.of());
      assertEquals(demo.people().size(), log.total());
    }
  }

  @Test
  void aDomainWithoutRecords_oneLineNamingThem() throws Exception {
    try (DemoDirectory demo = DemoDirectory.start(CHART);
        Dnsmasq dns =
            Dnsmasq.start(
                List.of(
                    new Dnsmasq.Srv(
                        "_ldap._tcp.corp.example.test", "localhost", demo.port(), 0, 100)))) {
      LdapSettings settings = settings(demo, new SrvDiscovery("other.example.test", dns.address()));
      // The first connection (the root DSE's, to decide the directory's defaults) says it.
      LDAPException e =
          assertThrows(LDAPException.class, () -> OrgChartSource.of(settings).findRoot("ceo"));
      assertEquals(ResultCode.CONNECT_ERROR, e.getResultCode());
      assertEquals(
          "no DNS SRV records _ldap._tcp.other.example.test at DNS server "
              + dns.address()
              + " (no such name): is other.example.test the directory's domain?",
          e.getMessage());
    }
  }

  @Test
  void aDomainIsReadFromTheDcComponentsOfADn() {
    assertEquals("example.com", SrvDiscovery.domainOf("dc=example,dc=com"));
    assertEquals("corp.example.com", SrvDiscovery.domainOf("ou=people,DC=Corp,dc=example,dc=com"));
    assertThrows(
        IllegalArgumentException.class, () -> SrvDiscovery.domainOf("ou=people,o=example"));
    assertThrows(
        IllegalArgumentException.class, () -> SrvDiscovery.domainOf("dc=example,ou=x,dc=com"));
    assertThrows(IllegalArgumentException.class, () -> SrvDiscovery.of("exa mple.com"));
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
