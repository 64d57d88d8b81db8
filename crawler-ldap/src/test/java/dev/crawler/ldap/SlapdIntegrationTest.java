package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchScope;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.demo.DemoDirectory;
import dev.crawler.ldap.demo.DemoDirectory.DemoPerson;
import dev.crawler.ldap.testing.Slapd;
import dev.crawler.testing.VisitLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real OpenLDAP slapd with a size limit for the crawling account. Runs wherever slapd is
 * installed; on CI ({@code CI=true}) a missing slapd fails instead of skipping, since {@code
 * .ci/run} installs it.
 */
class SlapdIntegrationTest {
  private static final int SIZE_LIMIT = 100;
  private static final DemoDirectory.Options CHART =
      new DemoDirectory.Options(3_000, 11, SIZE_LIMIT, Duration.ZERO, true);

  @TempDir static Path dir;
  private static Slapd slapd;
  private static final List<DemoPerson> people = new ArrayList<>();

  @BeforeAll
  static void startSlapd() throws Exception {
    boolean onCi = "true".equals(System.getenv("CI"));
    if (onCi) {
      assertTrue(Slapd.installed(), "slapd is missing on CI: .ci/run should have installed it");
    }
    if (!Slapd.installed()) {
      return; // each test is then reported as skipped, with the reason (see requireSlapd)
    }
    slapd = Slapd.start(dir, SIZE_LIMIT);
    List<Entry> entries = new ArrayList<>(DemoDirectory.entries(CHART, people));
    Entry orphan = new Entry("uid=orphan," + DemoDirectory.BASE_DN);
    orphan.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson");
    orphan.addAttribute("uid", "orphan");
    orphan.addAttribute("cn", "Orphan");
    orphan.addAttribute("sn", "Orphan");
    orphan.addAttribute("manager", "uid=ghost," + DemoDirectory.BASE_DN);
    entries.add(orphan); // out of the crawl's reach; found by missingManagers()
    slapd.load(entries);
  }

  /**
   * Per test, so that a machine without slapd reports every test skipped and why, not zero tests.
   */
  @BeforeEach
  void requireSlapd() {
    assumeTrue(
        slapd != null,
        "skipped: slapd is not installed here (apt-get install slapd ldap-utils; CI installs it)");
  }

  @AfterAll
  static void stopSlapd() throws Exception {
    if (slapd != null) {
      slapd.close();
    }
  }

  private static LdapSettings settings() {
    return LdapSettings.builder("127.0.0.1", slapd.port, DemoDirectory.BASE_DN)
        .bind(Slapd.CRAWLER_DN, Slapd.CRAWLER_PASSWORD.toCharArray())
        .build();
  }

  @Test
  void oneBigSearch_hitsTheSizeLimit() throws Exception {
    try (LDAPConnection c =
        new LDAPConnection("127.0.0.1", slapd.port, Slapd.CRAWLER_DN, Slapd.CRAWLER_PASSWORD)) {
      LDAPSearchException e =
          assertThrows(
              LDAPSearchException.class,
              () ->
                  c.search(
                      DemoDirectory.BASE_DN,
                      SearchScope.SUB,
                      "(objectClass=inetOrgPerson)",
                      "uid"));
      assertEquals(ResultCode.SIZE_LIMIT_EXCEEDED, e.getResultCode());
    }
  }

  @Test
  void crawl_visitsEveryPersonOnce_pastTheSizeLimit() throws Exception {
    OrgChartSource source = OrgChartSource.of(settings().toBuilder().batchSize(50).build());
    VisitLog<Person, String> log = new VisitLog<>(Person::uid);
    CrawlReport<Person> report;
    try (Crawl<Person> crawl =
        Crawler.over(source)
            .workers(8)
            .distinctBy(Person::key)
            .start(source.findRoot("ceo"), log)) {
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
    assertCrawlInvariants(report, log, OrgChartSourceTest.managerByUid(people), Set.of());
    assertTrue(source.splits() > 0, "two managers have more reports than the limit");
    assertTrue(source.operations() < people.size() / 5, source.operations() + " operations");
  }

  @Test
  void outOfReach_readEveryone_pastTheSizeLimit() throws Exception {
    OrgChartSource source = OrgChartSource.of(settings());
    List<OutOfReach> missing = source.outOfReach(source.findRoot("ceo"));
    assertEquals(1, missing.size(), missing::toString);
    assertEquals("orphan", missing.get(0).person().uid());
    assertEquals("uid=ghost," + DemoDirectory.BASE_DN, missing.get(0).manager());
    assertEquals(OutOfReach.Reason.MANAGER_DOES_NOT_EXIST, missing.get(0).reason());
    assertTrue(source.splits() > 0, "everyone does not fit one search");
  }

  @Test
  void awkwardUids_asRoots() throws Exception {
    OrgChartSource source = OrgChartSource.of(settings());
    for (String uid : List.of("star*man", "o'neil(contractor)", "doe, jane", "back\\slash")) {
      assertEquals(uid, source.findRoot(uid).uid());
    }
  }
}
