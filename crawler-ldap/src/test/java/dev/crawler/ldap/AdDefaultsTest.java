package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.testing.VisitLog;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The defaults a crawl takes on Active Directory when the settings leave them to the directory
 * (issue 25, section 2): AD's person filter, people named by {@code sAMAccountName}, a root found
 * by {@code sAMAccountName}, {@code userPrincipalName} or {@code mail}, and disabled accounts
 * known. On an in-memory server that stores entries as AD does ({@code user} objects, {@code
 * objectCategory}, {@code directReports}, {@code userAccountControl}, no {@code uid}) and says in
 * its root DSE that it is Active Directory, or not.
 */
class AdDefaultsTest {
  private static final String BASE = AdShapedDirectory.BASE;
  private static final Set<String> DISABLED = AdShapedDirectory.DISABLED;

  private static String dn(String name) {
    return AdShapedDirectory.dn(name);
  }

  private static CrawlReport<Person> crawl(
      OrgChartSource source, Person root, VisitLog<Person, String> log) throws Exception {
    try (Crawl<Person> crawl = Crawler.over(source).distinctBy(Person::key).start(root, log)) {
      return crawl.await();
    }
  }

  @Test
  void onActiveDirectory_theDefaultsAreAds() throws Exception {
    try (AdShapedDirectory directory = new AdShapedDirectory(true)) {
      LdapSettings chosen = OrgChartSource.of(directory.settings()).settings();
      assertEquals("(&(objectCategory=person)(objectClass=user))", chosen.personFilter());
      assertEquals("sAMAccountName", chosen.uidAttribute());
      assertEquals("directReports", chosen.reportsAttribute());
    }
  }

  /** "crawl ldap --root ceo" on AD answered "no person with uid=ceo". */
  @ParameterizedTest
  @ValueSource(strings = {"ceo", "ceo@example.com", "ceo.mail@example.com"})
  void onActiveDirectory_theRootIsFoundByLogonNameUpnOrMail_andTheCrawlReachesThePeopleOnly(
      String root) throws Exception {
    try (AdShapedDirectory directory = new AdShapedDirectory(true)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      Person ceo = source.findRoot(root);
      assertEquals(dn("ceo"), ceo.dn());
      assertEquals("ceo", ceo.uid(), "named by sAMAccountName");
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report = crawl(source, ceo, log);
      assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
      assertCrawlInvariants(
          report, log, AdShapedDirectory.MANAGER_OF, Set.of()); // not the computer build01$
    }
  }

  @Test
  void onActiveDirectory_aNameTwoPeopleAnswerTo_isAmbiguous_namingThem() throws Exception {
    try (AdShapedDirectory directory = new AdShapedDirectory(true)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      NoSuchPersonException e =
          assertThrows(NoSuchPersonException.class, () -> source.findRoot("amb"));
      assertTrue(
          e.getMessage()
              .startsWith("2 people have amb as sAMAccountName, userPrincipalName or mail ("),
          e.getMessage());
      assertTrue(
          e.getMessage().contains(dn("amb")) && e.getMessage().contains(dn("other")),
          e.getMessage());
      assertTrue(e.getMessage().endsWith("name the root by its DN"), e.getMessage());
      NoSuchPersonException none =
          assertThrows(NoSuchPersonException.class, () -> source.findRoot("nobody"));
      assertEquals(
          "no person with nobody as sAMAccountName, userPrincipalName or mail under " + BASE,
          none.getMessage());
    }
  }

  @Test
  void onActiveDirectory_whatTheSettingsNameWins() throws Exception {
    try (AdShapedDirectory directory = new AdShapedDirectory(true)) {
      OrgChartSource source =
          OrgChartSource.of(
              directory.settings().toBuilder()
                  .schema("(objectClass=user)", "mail", "manager")
                  .build());
      assertEquals("(objectClass=user)", source.settings().personFilter());
      assertEquals("mail", source.settings().uidAttribute());
      NoSuchPersonException e =
          assertThrows(NoSuchPersonException.class, () -> source.findRoot("ceo"));
      assertEquals("no person with mail=ceo under " + BASE, e.getMessage());
      Person cto = source.findRoot("cto.mail@example.com");
      VisitLog<Person, String> log = new VisitLog<>(Person::dn);
      assertEquals(Outcome.COMPLETE, crawl(source, cto, log).outcome());
      assertEquals(
          Set.of(dn("cto"), dn("dev1"), dn("dev2"), dn("old"), dn("build01")),
          log.counts().keySet(),
          "(objectClass=user) as given: the computer account too");
    }
  }

  @Test
  void elsewhere_theDefaultsAreInetOrgPersonAndUid() throws Exception {
    try (AdShapedDirectory directory = new AdShapedDirectory(false)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      assertEquals("(objectClass=inetOrgPerson)", source.settings().personFilter());
      assertEquals("uid", source.settings().uidAttribute());
      assertEquals(null, source.settings().reportsAttribute());
      NoSuchPersonException e =
          assertThrows(NoSuchPersonException.class, () -> source.findRoot("ceo"));
      assertEquals("no person with uid=ceo under " + BASE, e.getMessage());
    }
  }

  /** A disabled manager is known as such, and their reports are still found below them. */
  @Test
  void disabledAccounts_areMarked_andWalkedThrough() throws Exception {
    try (AdShapedDirectory directory = new AdShapedDirectory(true)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      Map<String, Boolean> disabled = new ConcurrentHashMap<>();
      Person ceo = source.findRoot("ceo");
      try (Crawl<Person> crawl =
          Crawler.over(source)
              .distinctBy(Person::key)
              .start(
                  ceo,
                  visit -> {
                    disabled.put(visit.node().uid(), visit.node().isDisabled());
                    log.accept(visit);
                  })) {
        assertEquals(Outcome.COMPLETE, crawl.await().outcome());
      }
      assertEquals(AdShapedDirectory.MANAGER_OF.keySet(), disabled.keySet());
      disabled.forEach((name, is) -> assertEquals(DISABLED.contains(name), is, name));
      assertEquals("gone", log.parents().get("ops1"));
      Person gone = source.codec().decode(source.codec().encodeForVisit(source.findRoot("gone")));
      assertTrue(gone.isDisabled(), "crosses processes (crawler-kafka) as it is");
      assertFalse(source.codec().decode(source.codec().encodeForVisit(ceo)).isDisabled());
    }
  }
}
