package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.ldap.sdk.schema.Schema;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.demo.DemoDirectory;
import dev.crawler.ldap.demo.DemoDirectory.DemoPerson;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code directReports} back-link, as Active Directory keeps it, on an in-memory server that
 * stores it with every manager and (optionally) announces itself as Active Directory.
 */
class BackLinkTest {
  private static final int PEOPLE = 2_000;
  private static final int SIZE_LIMIT = 100;

  /** A demo org chart whose managers carry {@code directReports}, served over a real socket. */
  private static final class LinkedDirectory implements AutoCloseable {
    final InMemoryDirectoryServer server;
    final List<DemoPerson> people = new ArrayList<>();
    final AtomicLong searches = new AtomicLong();

    LinkedDirectory(boolean announceActiveDirectory) throws Exception {
      InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
      config.setListenerConfigs(
          InMemoryListenerConfig.createLDAPConfig("default", loopback(), 0, null));
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
      config.setMaxSizeLimit(SIZE_LIMIT);
      config.addAdditionalBindCredentials(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD);
      config.addInMemoryOperationInterceptor(
          new InMemoryOperationInterceptor() {
            @Override
            public void processSearchRequest(InMemoryInterceptedSearchRequest request)
                throws LDAPException {
              if (!request.getRequest().getBaseDN().isEmpty()) {
                searches.incrementAndGet(); // the root DSE read is not a listing
              }
              if (request.getRequest().hasControl(SimplePagedResultsControl.PAGED_RESULTS_OID)) {
                throw new LDAPException(
                    ResultCode.UNAVAILABLE_CRITICAL_EXTENSION, "no paging here");
              }
            }
          });
      server = new InMemoryDirectoryServer(config);
      List<Entry> entries =
          DemoDirectory.entries(
              new DemoDirectory.Options(PEOPLE, 3, SIZE_LIMIT, Duration.ZERO, true), people);
      Map<String, List<String>> reports = new HashMap<>();
      for (DemoPerson p : people) {
        if (p.managerDn() != null) {
          reports.computeIfAbsent(p.managerDn(), k -> new ArrayList<>()).add(p.dn());
        }
      }
      server.add("dn: dc=example,dc=com", "objectClass: top", "objectClass: domain", "dc: example");
      server.add(
          "dn: " + DemoDirectory.BASE_DN,
          "objectClass: top",
          "objectClass: organizationalUnit",
          "ou: people");
      for (Entry entry : entries) {
        List<String> linked = reports.get(entry.getDN());
        if (linked != null) {
          entry.addAttribute("objectClass", "linkedPerson");
          entry.addAttribute("directReports", linked.toArray(String[]::new));
        }
        server.add(entry);
      }
      server.startListening();
    }

    private static InetAddress loopback() throws LDAPException {
      try {
        return InetAddress.getByName("127.0.0.1");
      } catch (UnknownHostException e) {
        throw new LDAPException(ResultCode.LOCAL_ERROR, e);
      }
    }

    LdapSettings settings() {
      return LdapSettings.builder("127.0.0.1", server.getListenPort(), DemoDirectory.BASE_DN)
          .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
          .batchSize(40)
          .build();
    }

    @Override
    public void close() {
      server.shutDown(true);
    }
  }

  private record Result(CrawlReport<Person> report, Map<String, Integer> seen, long searches) {}

  private static Result crawl(
      LinkedDirectory directory, OrgChartSource source, String root, int workers) throws Exception {
    Person start = source.findRoot(root);
    long before = directory.searches.get();
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    try (Crawl<Person> crawl =
        Crawler.over(source)
            .workers(workers)
            .distinctBy(Person::key)
            .start(start, v -> seen.merge(v.node().uid(), 1, Integer::sum))) {
      CrawlReport<Person> report = crawl.await();
      return new Result(report, seen, directory.searches.get() - before);
    }
  }

  @ParameterizedTest(name = "announced as Active Directory={0}, attribute named={1}, workers={2}")
  @CsvSource({"true,false,1", "true,false,8", "false,true,3"})
  void everyoneOnce_withFewerQueries_whenTheBackLinkIsUsed(
      boolean announce, boolean named, int workers) throws Exception {
    try (LinkedDirectory directory = new LinkedDirectory(announce)) {
      LdapSettings settings =
          named
              ? directory.settings().toBuilder().reportsAttribute("directReports").build()
              : directory.settings();
      Result linked = crawl(directory, OrgChartSource.of(settings), "ceo", workers);
      assertEquals(
          Outcome.COMPLETE, linked.report().outcome(), () -> linked.report().errors().toString());
      Set<String> everyone =
          directory.people.stream().map(DemoPerson::uid).collect(Collectors.toSet());
      assertEquals(everyone, linked.seen().keySet());
      linked.seen().forEach((uid, n) -> assertEquals(1, n, "visited twice: " + uid));

      Result unlinked;
      try (LinkedDirectory plain =
          new LinkedDirectory(false)) { // same chart; the link is not trusted
        unlinked = crawl(plain, OrgChartSource.of(plain.settings()), "ceo", workers);
      }
      assertEquals(everyone, unlinked.seen().keySet());
      assertTrue(
          linked.searches() < unlinked.searches(),
          linked.searches()
              + " searches with the back-link against "
              + unlinked.searches()
              + " without");
    }
  }

  @Test
  void aManagerOfLeavesOnly_costsNoQueryAtAll() throws Exception {
    try (LinkedDirectory directory = new LinkedDirectory(true)) {
      Map<String, Long> reportCounts =
          directory.people.stream()
              .filter(p -> p.managerDn() != null)
              .collect(Collectors.groupingBy(DemoPerson::managerDn, Collectors.counting()));
      DemoPerson managerOfLeaves =
          directory.people.stream()
              .filter(p -> reportCounts.containsKey(p.dn()))
              .filter(
                  p ->
                      directory.people.stream()
                          .filter(r -> p.dn().equals(r.managerDn()))
                          .noneMatch(r -> reportCounts.containsKey(r.dn())))
              .filter(p -> reportCounts.get(p.dn()) < SIZE_LIMIT)
              .findFirst()
              .orElseThrow();
      Result result =
          crawl(directory, OrgChartSource.of(directory.settings()), managerOfLeaves.uid(), 2);
      assertEquals(reportCounts.get(managerOfLeaves.dn()) + 1, result.seen().size());
      assertEquals(0, result.searches(), "their reports were read with them, and none has reports");
    }
  }

  @Test
  void withoutTheAnnouncement_theAttributeIsNotTrusted() throws Exception {
    try (LinkedDirectory directory = new LinkedDirectory(false)) {
      OrgChartSource source = OrgChartSource.of(directory.settings());
      Person ceo = source.findRoot("ceo");
      assertEquals(-1, ceo.linkedReports(), "not Active Directory, and no attribute named");
      Person named =
          OrgChartSource.of(
                  directory.settings().toBuilder().reportsAttribute("directReports").build())
              .findRoot("ceo");
      assertEquals(6, named.linkedReports(), "the CEO has six VPs");
    }
  }
}
