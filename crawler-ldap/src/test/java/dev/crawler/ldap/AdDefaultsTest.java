package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.testing.VisitLog;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private static final String BASE = "OU=People,DC=example,DC=com";
  private static final String ADMIN = "CN=Administrator,CN=Users,DC=example,DC=com";
  private static final String PASSWORD = "secret";
  /** userAccountControl of a normal account; | 0x2 when disabled. */
  private static final int NORMAL = 0x200;

  /** Each person by sAMAccountName with their manager's ({@code null} for the top), managers first. */
  private static Map<String, String> chart() {
    Map<String, String> managerOf = new LinkedHashMap<>();
    managerOf.put("ceo", null);
    managerOf.put("cto", "ceo");
    managerOf.put("gone", "ceo"); // disabled, with enabled reports
    managerOf.put("dev1", "cto");
    managerOf.put("dev2", "cto");
    managerOf.put("ops1", "gone");
    managerOf.put("ops2", "gone");
    managerOf.put("amb", "ceo");
    managerOf.put("other", "ceo"); // whose mail is "amb": a second match for amb
    return managerOf;
  }

  private static final Set<String> DISABLED = Set.of("gone");

  private static String dn(String name) {
    return "CN=" + name + "," + BASE;
  }

  /** An AD-shaped directory: users, a computer account with a manager, a contact that is no user. */
  private static final class AdShaped implements AutoCloseable {
    final InMemoryDirectoryServer server;
    final Map<String, String> managerOf = chart();

    AdShaped(boolean announceActiveDirectory) throws Exception {
      InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("DC=example,DC=com");
      config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("default",
          InetAddress.getByName("127.0.0.1"), 0, null));
      config.setSchema(null); // AD's schema is not the standard one: user, objectCategory, sAMAccountName
      if (announceActiveDirectory) {
        config.setCustomRootDSEAttributes(List.of(
            new Attribute("supportedCapabilities", DirectoryDefaults.ACTIVE_DIRECTORY_OID)));
      }
      config.addAdditionalBindCredentials(ADMIN, PASSWORD);
      server = new InMemoryDirectoryServer(config);
      server.add("dn: DC=example,DC=com", "objectClass: top", "objectClass: domain", "dc: example");
      server.add("dn: " + BASE, "objectClass: top", "objectClass: organizationalUnit", "ou: People");
      Map<String, List<String>> reports = new HashMap<>();
      managerOf.forEach((name, manager) -> {
        if (manager != null) {
          reports.computeIfAbsent(manager, k -> new ArrayList<>()).add(dn(name));
        }
      });
      reports.computeIfAbsent("cto", k -> new ArrayList<>()).add(dn("build01"));
      for (Map.Entry<String, String> person : managerOf.entrySet()) {
        String name = person.getKey();
        Entry entry = new Entry(dn(name));
        entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "user");
        entry.addAttribute("objectCategory", "person");
        entry.addAttribute("cn", name);
        entry.addAttribute("sAMAccountName", name);
        entry.addAttribute("userPrincipalName", name + "@example.com");
        entry.addAttribute("mail", name.equals("other") ? "amb" : name + ".mail@example.com");
        entry.addAttribute("userAccountControl", Integer.toString(DISABLED.contains(name) ? NORMAL | 0x2 : NORMAL));
        if (person.getValue() != null) {
          entry.addAttribute("manager", dn(person.getValue()));
        }
        if (reports.containsKey(name)) {
          entry.addAttribute("directReports", reports.get(name).toArray(String[]::new));
        }
        server.add(entry);
      }
      // A computer is a user too, of another category: not a person, though it has a manager.
      server.add("dn: " + dn("build01"), "objectClass: top", "objectClass: user", "objectClass: computer",
          "objectCategory: computer", "cn: build01", "sAMAccountName: build01$", "manager: " + dn("cto"),
          "userAccountControl: 4096");
      server.startListening();
    }

    /** As a caller who names no filter and no uid attribute: the directory's. */
    LdapSettings settings() {
      return LdapSettings.of("127.0.0.1", server.getListenPort(), BASE)
          .withBind(ADMIN, PASSWORD.toCharArray())
          .withSchema(null, null, "manager");
    }

    @Override
    public void close() {
      server.shutDown(true);
    }
  }

  private static CrawlReport<Person> crawl(OrgChartSource source, Person root, VisitLog<Person, String> log)
      throws Exception {
    try (Crawl<Person> crawl = Crawler.over(source).distinctBy(Person::key).start(root, log)) {
      return crawl.await();
    }
  }

  @Test
  void onActiveDirectory_theDefaultsAreAds() throws Exception {
    try (AdShaped directory = new AdShaped(true)) {
      LdapSettings chosen = OrgChartSource.of(directory.settings()).settings();
      assertEquals("(&(objectCategory=person)(objectClass=user))", chosen.personFilter());
      assertEquals("sAMAccountName", chosen.uidAttribute());
      assertEquals("directReports", chosen.reportsAttribute());
    }
  }

  /** "crawl ldap --root ceo" on AD answered "no person with uid=ceo". */
  @ParameterizedTest
  @ValueSource(strings = {"ceo", "ceo@example.com", "ceo.mail@example.com"})
  void onActiveDirectory_theRootIsFoundByLogonNameUpnOrMail_andTheCrawlReachesThePeopleOnly(String root)
      throws Exception {
    try (AdShaped directory = new AdShaped(true)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      Person ceo = source.findRoot(root);
      assertEquals(dn("ceo"), ceo.dn());
      assertEquals("ceo", ceo.uid(), "named by sAMAccountName");
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report = crawl(source, ceo, log);
      assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
      assertCrawlInvariants(report, log, directory.managerOf, Set.of()); // not the computer build01$
    }
  }

  @Test
  void onActiveDirectory_aNameTwoPeopleAnswerTo_isAmbiguous_namingThem() throws Exception {
    try (AdShaped directory = new AdShaped(true)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      NoSuchPersonException e = assertThrows(NoSuchPersonException.class, () -> source.findRoot("amb"));
      assertTrue(e.getMessage().startsWith("2 people have amb as sAMAccountName, userPrincipalName or mail ("),
          e.getMessage());
      assertTrue(e.getMessage().contains(dn("amb")) && e.getMessage().contains(dn("other")), e.getMessage());
      assertTrue(e.getMessage().endsWith("name the root by its DN"), e.getMessage());
      NoSuchPersonException none = assertThrows(NoSuchPersonException.class, () -> source.findRoot("nobody"));
      assertEquals("no person with nobody as sAMAccountName, userPrincipalName or mail under " + BASE,
          none.getMessage());
    }
  }

  @Test
  void onActiveDirectory_whatTheSettingsNameWins() throws Exception {
    try (AdShaped directory = new AdShaped(true)) {
      OrgChartSource source = OrgChartSource.of(directory.settings().withSchema("(objectClass=user)", "mail", "manager"));
      assertEquals("(objectClass=user)", source.settings().personFilter());
      assertEquals("mail", source.settings().uidAttribute());
      NoSuchPersonException e = assertThrows(NoSuchPersonException.class, () -> source.findRoot("ceo"));
      assertEquals("no person with mail=ceo under " + BASE, e.getMessage());
      Person cto = source.findRoot("cto.mail@example.com");
      VisitLog<Person, String> log = new VisitLog<>(Person::dn);
      assertEquals(Outcome.COMPLETE, crawl(source, cto, log).outcome());
      assertEquals(Set.of(dn("cto"), dn("dev1"), dn("dev2"), dn("build01")), log.counts().keySet(),
          "(objectClass=user) as given: the computer account too");
    }
  }

  @Test
  void elsewhere_theDefaultsAreInetOrgPersonAndUid() throws Exception {
    try (AdShaped directory = new AdShaped(false)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      assertEquals("(objectClass=inetOrgPerson)", source.settings().personFilter());
      assertEquals("uid", source.settings().uidAttribute());
      assertEquals(null, source.settings().reportsAttribute());
      NoSuchPersonException e = assertThrows(NoSuchPersonException.class, () -> source.findRoot("ceo"));
      assertEquals("no person with uid=ceo under " + BASE, e.getMessage());
    }
  }

  /** A disabled manager is known as such, and their reports are still found below them. */
  @Test
  void disabledAccounts_areMarked_andWalkedThrough() throws Exception {
    try (AdShaped directory = new AdShaped(true)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      Map<String, Boolean> disabled = new java.util.concurrent.ConcurrentHashMap<>();
      Person ceo = source.findRoot("ceo");
      try (Crawl<Person> crawl = Crawler.over(source).distinctBy(Person::key).start(ceo, visit -> {
        disabled.put(visit.node().uid(), visit.node().isDisabled());
        log.accept(visit);
      })) {
        assertEquals(Outcome.COMPLETE, crawl.await().outcome());
      }
      assertEquals(directory.managerOf.keySet(), disabled.keySet());
      disabled.forEach((name, is) -> assertEquals(DISABLED.contains(name), is, name));
      assertEquals("gone", log.parents().get("ops1"));
      Person gone = source.codec().decode(source.codec().encodeForVisit(
          source.findRoot("gone")));
      assertTrue(gone.isDisabled(), "crosses processes (crawler-kafka) as it is");
      assertFalse(source.codec().decode(source.codec().encodeForVisit(ceo)).isDisabled());
    }
  }
}
