package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.ReadOnlySearchRequest;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.ldap.sdk.schema.Schema;
import dev.crawler.core.BranchError;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.demo.DemoDirectory;
import dev.crawler.testing.VisitLog;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A chart shaped as Active Directory serves it, with AD's production limits in front of the
 * in-memory server ({@link ActiveDirectoryLimits}: MaxValRange 1,500 on {@code directReports},
 * MaxPageSize 1,000): about 5,000 people, one manager ({@code bigboss}, under {@code vp}) with
 * 2,000 direct reports, 20 of whom manage 10 people each. Every crawl is checked against the chart
 * the test wrote, each person reached exactly once.
 */
class ActiveDirectoryLimitsTest {
  private static final int BIG = 2_000;

  /** The chart: each uid with their manager's uid ({@code null} for the CEO), managers first. */
  private static Map<String, String> chart() {
    Map<String, String> managerOf = new LinkedHashMap<>();
    managerOf.put("ceo", null);
    managerOf.put("vp", "ceo");
    managerOf.put("bigboss", "vp");
    for (int r = 0; r < BIG; r++) {
      String report = String.format("big%04d", r);
      managerOf.put(report, "bigboss");
      if (r < 20) {
        for (int s = 0; s < 10; s++) {
          managerOf.put(report + "-" + s, report);
        }
      }
    }
    for (int d = 0; d < 8; d++) {
      String director = "dir" + d;
      managerOf.put(director, "ceo");
      for (int m = 0; m < 10; m++) {
        String manager = director + "-m" + m;
        managerOf.put(manager, director);
        for (int e = 0; e < 34; e++) {
          managerOf.put(manager + "-e" + e, manager);
        }
      }
    }
    return managerOf;
  }

  /**
   * An in-memory directory holding {@link #chart()}, {@code directReports} kept on each manager,
   * AD's limits in front.
   */
  private static final class AdLikeDirectory implements AutoCloseable {
    final InMemoryDirectoryServer server;
    final Map<String, String> managerOf = chart();

    AdLikeDirectory(boolean announceActiveDirectory, InMemoryOperationInterceptor... more)
        throws Exception {
      this(announceActiveDirectory, true, more);
    }

    AdLikeDirectory(
        boolean announceActiveDirectory, boolean honourRanges, InMemoryOperationInterceptor... more)
        throws Exception {
      InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
      config.setListenerConfigs(
          InMemoryListenerConfig.createLDAPConfig(
              "default", InetAddress.getByName("127.0.0.1"), 0, null));
      config.setSchema(
          Schema.mergeSchemas(
              Schema.getDefaultStandardSchema(),
              new Schema(
                  new Entry(
                      "dn: cn=schema",
                      "objectClass: subschema",
                      "attributeTypes: ( 1.2.840.113556.1.2.436 NAME 'directReports' "
                          + "SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )",
                      "objectClasses: ( 1.3.6.1.4.1.32473.1 NAME 'linkedPerson' AUXILIARY MAY"
                          + " directReports )"))));
      if (announceActiveDirectory) {
        config.setCustomRootDSEAttributes(
            List.of(
                new Attribute("supportedCapabilities", DirectoryDefaults.ACTIVE_DIRECTORY_OID)));
      }
      config.setEqualityIndexAttributes("manager", "uid");
      config.setMaxSizeLimit(ActiveDirectoryLimits.MAX_PAGE_SIZE);
      config.addAdditionalBindCredentials(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD);
      for (InMemoryOperationInterceptor m : more) {
        config.addInMemoryOperationInterceptor(m);
      }
      config.addInMemoryOperationInterceptor(
          new ActiveDirectoryLimits("directReports", honourRanges));
      server = new InMemoryDirectoryServer(config);
      server.add("dn: dc=example,dc=com", "objectClass: top", "objectClass: domain", "dc: example");
      server.add(
          "dn: " + DemoDirectory.BASE_DN,
          "objectClass: top",
          "objectClass: organizationalUnit",
          "ou: people");
      Map<String, List<String>> reports = new HashMap<>();
      managerOf.forEach(
          (uid, manager) -> {
            if (manager != null) {
              reports.computeIfAbsent(manager, k -> new ArrayList<>()).add(dn(uid));
            }
          });
      for (Map.Entry<String, String> person : managerOf.entrySet()) {
        String uid = person.getKey();
        Entry entry = new Entry(dn(uid));
        entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson");
        entry.addAttribute("uid", uid);
        entry.addAttribute("cn", uid);
        entry.addAttribute("sn", uid);
        if (person.getValue() != null) {
          entry.addAttribute("manager", dn(person.getValue()));
        }
        List<String> linked = reports.get(uid);
        if (linked != null) {
          entry.addAttribute("objectClass", "linkedPerson");
          entry.addAttribute("directReports", linked.toArray(String[]::new));
        }
        server.add(entry);
      }
      server.startListening();
    }

    static String dn(String uid) {
      return "uid=" + uid + "," + DemoDirectory.BASE_DN;
    }

    LdapSettings settings() {
      return LdapSettings.builder("127.0.0.1", server.getListenPort(), DemoDirectory.BASE_DN)
          .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
          .timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30))
          .build();
    }

    /** Everyone at or below {@code root}, with their manager ({@code null} for the root). */
    Map<String, String> below(String root) {
      Map<String, String> expected = new HashMap<>();
      expected.put(root, null);
      for (Map.Entry<String, String> p :
          managerOf.entrySet()) { // managers come before their reports
        if (p.getValue() != null && expected.containsKey(p.getValue())) {
          expected.put(p.getKey(), p.getValue());
        }
      }
      return expected;
    }

    @Override
    public void close() {
      server.shutDown(true);
    }
  }

  private static CrawlReport<Person> crawl(
      OrgChartSource source, String root, int workers, VisitLog<Person, String> log)
      throws Exception {
    Person start = source.findRoot(root);
    Crawler<Person, ?> crawler = Crawler.over(source).distinctBy(Person::key);
    if (workers > 0) {
      crawler.workers(workers);
    }
    try (Crawl<Person> crawl = crawler.start(start, log)) {
      return crawl.await();
    }
  }

  /**
   * The 2,000 reports come as {@code directReports;range=0-1499}: read only as {@code
   * directReports}, bigboss counted as linked to nobody and 2,200 people vanished from a COMPLETE
   * crawl (2,811 of 5,011).
   */
  @ParameterizedTest(name = "back-link {0}, workers {1} (0: the default)")
  @CsvSource({"announced,1", "announced,0", "named,3", "none,1", "none,0"})
  void everyoneOnce_pastMaxValRangeAndMaxPageSize(String backLink, int workers) throws Exception {
    try (AdLikeDirectory directory = new AdLikeDirectory(backLink.equals("announced"))) {
      LdapSettings settings =
          backLink.equals("named")
              ? directory.settings().toBuilder().reportsAttribute("directReports").build()
              : directory.settings();
      OrgChartSource source = OrgChartSource.of(settings);
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report = crawl(source, "ceo", workers, log);
      assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
      assertEquals(directory.managerOf.size(), log.counts().size(), "people reached");
      assertCrawlInvariants(report, log, directory.managerOf, Set.of());
    }
  }

  /** The root itself past MaxValRange: its count is exact, and its subtree whole. */
  @ParameterizedTest(name = "workers {0}")
  @CsvSource({"1", "0"})
  void aRootPastMaxValRange_isCountedExactly(int workers) throws Exception {
    try (AdLikeDirectory directory = new AdLikeDirectory(true)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      assertEquals(BIG, source.findRoot("bigboss").linkedReports());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report = crawl(source, "bigboss", workers, log);
      assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
      assertEquals(1 + BIG + 200, log.counts().size(), "bigboss and everyone below");
      assertCrawlInvariants(report, log, directory.below("bigboss"), Set.of());
    }
  }

  /**
   * A server that sends the first range but does not answer for the next ones: bigboss's count
   * cannot be made whole, so it is not used, and their reports are asked for by {@code manager}.
   */
  @ParameterizedTest(name = "workers {0}")
  @CsvSource({"1", "0"})
  void aRangeTheServerDoesNotFollow_isNotCounted_butAskedFor(int workers) throws Exception {
    try (AdLikeDirectory directory = new AdLikeDirectory(true, false)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      assertEquals(-1, source.findRoot("bigboss").linkedReports(), "not known");
      assertEquals(1, source.findRoot("vp").linkedReports());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report = crawl(source, "ceo", workers, log);
      assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
      assertCrawlInvariants(report, log, directory.managerOf, Set.of());
    }
  }

  /**
   * Fewer reports than the back-link names, and the manager's back-link cannot be read again to
   * find out which are missing (the entry is gone): the listing that asked for that manager's
   * reports fails, naming them, and the crawl is PARTIAL, not COMPLETE.
   */
  @Test
  void fewerReportsThanTheBackLink_thatCannotBeFollowedUp_isABranchError_namingTheManager()
      throws Exception {
    String manager = AdLikeDirectory.dn("dir3-m4");
    InMemoryOperationInterceptor lossy =
        new InMemoryOperationInterceptor() {
          @Override
          public void processSearchRequest(InMemoryInterceptedSearchRequest request)
              throws LDAPException {
            if (request.getRequest().getScope() == SearchScope.BASE
                && request.getRequest().getBaseDN().equals(manager)
                && request.getRequest().getAttributeList().equals(List.of("directReports"))) {
              throw new LDAPException(ResultCode.NO_SUCH_OBJECT, "gone");
            }
          }

          @Override
          public void processSearchEntry(InMemoryInterceptedSearchEntry entry) {
            if (entry.getRequest().getFilter().toString().contains("(manager=")
                && entry.getSearchEntry().getDN().equals(AdLikeDirectory.dn("dir3-m4-e7"))) {
              entry.setSearchEntry(null);
            }
          }
        };
    try (AdLikeDirectory directory = new AdLikeDirectory(true, lossy)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report = crawl(source, "ceo", 2, log);
      assertEquals(Outcome.PARTIAL, report.outcome());
      List<BranchError<Person>> errors = report.errors();
      assertEquals(1, errors.size(), errors::toString);
      assertEquals(
          "dir3", errors.get(0).branch().uid(), "the listing that asked for dir3-m4's reports");
      assertInstanceOf(TruncatedAnswerException.class, errors.get(0).cause());
      assertTrue(
          errors.get(0).cause().getMessage().contains(manager), errors.get(0).cause().getMessage());
      assertCrawlInvariants(report, log, directory.managerOf, Set.of("dir3"));
    }
  }

  /**
   * A server (or proxy) that silently drops entries from an answer that otherwise succeeds: the
   * back-link says how many reports each manager has, so the reports missing are looked for and
   * found, and nobody is lost.
   */
  @ParameterizedTest(name = "workers {0}")
  @CsvSource({"1", "0"})
  void anAnswerWithFewerReportsThanTheBackLink_isFollowedUp(int workers) throws Exception {
    Set<String> dropped =
        Set.of(
            AdLikeDirectory.dn("dir3-m4-e7"),
            AdLikeDirectory.dn("big1234"),
            AdLikeDirectory.dn("dir5"));
    InMemoryOperationInterceptor lossy =
        new InMemoryOperationInterceptor() {
          @Override
          public void processSearchEntry(InMemoryInterceptedSearchEntry entry) {
            Filter filter = entry.getRequest().getFilter();
            if (!filter.toString().contains("(manager=")
                || !dropped.contains(entry.getSearchEntry().getDN())) {
              return; // drops only from report listings: a lookup of the person finds them
            }
            entry.setSearchEntry(null);
          }
        };
    try (AdLikeDirectory directory = new AdLikeDirectory(true, lossy)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report = crawl(source, "ceo", workers, log);
      assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
      assertCrawlInvariants(report, log, directory.managerOf, Set.of());
    }
  }

  /**
   * A continuation page that comes back without the paged-results control (a proxy that strips it,
   * another server behind it): the cookie is lost, and with it the rest of the answer. Taken for
   * the end, 600 of bigboss's reports and their subtrees were missing from a COMPLETE crawl without
   * the back-link; the search is split by uid instead.
   */
  @ParameterizedTest(name = "back-link announced {0}")
  @CsvSource({"false", "true"})
  void aPageWithoutItsControl_isALostCookie_andTheRestIsFoundBySplitting(boolean announce)
      throws Exception {
    AtomicBoolean lost = new AtomicBoolean();
    InMemoryOperationInterceptor smallPagesLosingTheCookieOnce =
        new InMemoryOperationInterceptor() {
          @Override
          public void processSearchRequest(InMemoryInterceptedSearchRequest request)
              throws LDAPException {
            SimplePagedResultsControl paged = paged(request.getRequest());
            if (paged != null) {
              SearchRequest smaller = request.getRequest().duplicate();
              smaller.setControls(
                  new SimplePagedResultsControl(700, paged.getCookie(), paged.isCritical()));
              request.setRequest(smaller);
            }
          }

          @Override
          public void processSearchResult(InMemoryInterceptedSearchResult result) {
            SimplePagedResultsControl paged = paged(result.getRequest());
            LDAPResult r = result.getResult();
            if (paged != null
                && paged.getCookie().getValueLength() > 0
                && r.hasResponseControl(SimplePagedResultsControl.PAGED_RESULTS_OID)
                && !lost.getAndSet(true)) {
              result.setResult(
                  new LDAPResult(
                      r.getMessageID(),
                      r.getResultCode(),
                      r.getDiagnosticMessage(),
                      r.getMatchedDN(),
                      r.getReferralURLs(),
                      new Control[0]));
            }
          }

          private SimplePagedResultsControl paged(ReadOnlySearchRequest request) {
            Control c = request.getControl(SimplePagedResultsControl.PAGED_RESULTS_OID);
            return c instanceof SimplePagedResultsControl p ? p : null;
          }
        };
    try (AdLikeDirectory directory = new AdLikeDirectory(announce, smallPagesLosingTheCookieOnce)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report = crawl(source, "ceo", 1, log);
      assertTrue(lost.get(), "a continuation page lost its control");
      assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
      assertCrawlInvariants(report, log, directory.managerOf, Set.of());
    }
  }
}
