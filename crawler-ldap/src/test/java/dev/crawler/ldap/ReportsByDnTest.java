package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.testing.VisitLog;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * On Active Directory, reports are asked for by the DNs the back-link holds ({@code
 * (distinguishedName=...)}, which AD and Samba index), not by {@code (manager=...)}, which Samba
 * does not (issue 25, section 4); elsewhere by the manager attribute, as before. Either way, every
 * person once: the back-link's values that are no person (the computer build01, in cto's {@code
 * directReports}) are not found by DN, as the manager query would not find them. On the AD-shaped
 * in-memory directory, with {@link AdLimitsProxy} (no limits) in front counting the filters' terms.
 */
class ReportsByDnTest {
  private static final AdLimitsProxy.Limits NO_LIMITS =
      new AdLimitsProxy.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, false);

  @ParameterizedTest(name = "Active Directory announced: {0}, workers: {1}")
  @CsvSource({"true, 1", "true, 16", "false, 1", "false, 16"})
  void onActiveDirectory_reportsAreAskedForByDn_elsewhereByManager_everyoneOnce(
      boolean ad, int workers) throws Exception {
    try (AdShapedDirectory directory = new AdShapedDirectory(ad)) {
      crawlAndCount(directory, ad, workers, AdShapedDirectory.MANAGER_OF.size());
    }
  }

  /**
   * A back-link naming more than the manager query would find changes nothing: a DN that no longer
   * exists, a person outside the base who names ceo, and dev1, whom cto's back-link names too and
   * who names cto (as when someone moved and ceo's back-link was read before). Each is left out of
   * ceo's reports, as {@code (manager=ceo)} under the base leaves them out, and dev1 is cto's,
   * once.
   */
  @ParameterizedTest(name = "workers: {0}")
  @CsvSource({"1", "16"})
  void backLinkValuesTheManagerQueryWouldNotFind_areLeftOut_asByManager(int workers)
      throws Exception {
    try (AdShapedDirectory directory = new AdShapedDirectory(true)) {
      String outside = "CN=outsider,OU=Elsewhere,DC=example,DC=com";
      directory
          .server()
          .add(
              "dn: OU=Elsewhere,DC=example,DC=com",
              "objectClass: top",
              "objectClass: organizationalUnit",
              "ou: Elsewhere");
      directory
          .server()
          .add(
              "dn: " + outside,
              "distinguishedName: " + outside,
              "objectClass: top",
              "objectClass: user",
              "objectCategory: person",
              "cn: outsider",
              "sAMAccountName: outsider",
              "manager: " + AdShapedDirectory.dn("ceo"),
              "userAccountControl: 512");
      directory
          .server()
          .modify(
              AdShapedDirectory.dn("ceo"),
              new Modification(
                  ModificationType.ADD,
                  "directReports",
                  AdShapedDirectory.dn("departed"),
                  outside,
                  AdShapedDirectory.dn("dev1")));
      // ceo's back-link now names 7 (3 of them by DN once more, below) and cto's 4.
      crawlAndCount(directory, true, workers, AdShapedDirectory.MANAGER_OF.size() + 3);
    }
  }

  private static void crawlAndCount(
      AdShapedDirectory directory, boolean ad, int workers, int dnTerms) throws Exception {
    try (AdLimitsProxy proxy = AdLimitsProxy.start("127.0.0.1", directory.port(), NO_LIMITS)) {
      // AD's filter and naming given, and the back-link named: the same walk on both, only the
      // root DSE's capability differs.
      LdapSettings settings =
          LdapSettings.builder("127.0.0.1", proxy.port(), AdShapedDirectory.BASE)
              .bind(AdShapedDirectory.ADMIN, AdShapedDirectory.PASSWORD.toCharArray())
              .schema(
                  DirectoryDefaults.AD_PERSON_FILTER, DirectoryDefaults.AD_UID_ATTRIBUTE, "manager")
              .reportsAttribute(ad ? null : "directReports")
              .build();
      OrgChartSource source = OrgChartSource.of(settings);
      assertEquals("directReports", source.settings().reportsAttribute());
      Person ceo = source.findRoot(AdShapedDirectory.dn("ceo"));
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report;
      try (Crawl<Person> crawl =
          Crawler.over(source).workers(workers).distinctBy(Person::key).start(ceo, log)) {
        report = crawl.await();
      }
      assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
      assertCrawlInvariants(report, log, AdShapedDirectory.MANAGER_OF, Set.of());
      long byDn = proxy.equalityTerms("distinguishedName");
      long byManager = proxy.equalityTerms("manager");
      if (ad) {
        // Every person below ceo, and build01 (in cto's back-link), by DN, and one person once
        // more to learn that the server finds people so; nobody by manager.
        assertEquals(dnTerms + 1, byDn, "distinguishedName terms");
        assertEquals(0, byManager, "manager terms");
        // Each person read once, and the root and the DN probe's person once more: the size
        // limit, which no DN query nears, is not probed for by reading everyone's DN first.
        assertTrue(
            source.entriesRead() <= dnTerms + 2,
            "entries read: " + source.entriesRead() + " for " + dnTerms + " DN terms");
      } else {
        assertEquals(0, byDn, "distinguishedName terms");
        assertTrue(byManager > 0, "manager terms: " + byManager);
      }
    }
  }
}
