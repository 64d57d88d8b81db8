package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ResultCode;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import dev.crawler.ldap.demo.DemoDirectory;
import dev.crawler.ldap.demo.DemoDirectory.DemoPerson;
import dev.crawler.testing.VisitLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The org-chart source against UnboundID's in-memory server over a real loopback socket. */
class OrgChartSourceTest {

  private static LdapSettings settings(DemoDirectory demo) {
    return LdapSettings.builder("127.0.0.1", demo.port(), DemoDirectory.BASE_DN)
        .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
        .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
        .build();
  }

  private record Result(
      CrawlReport<Person> report, Map<String, Integer> seen, Map<String, Visit<Person>> visits) {}

  private static Result crawl(
      OrgChartSource source, String root, int workers, Consumer<Visit<Person>> also)
      throws Exception {
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Map<String, Visit<Person>> visits = new ConcurrentHashMap<>();
    Person start = source.findRoot(root);
    try (Crawl<Person> crawl =
        Crawler.over(source)
            .workers(workers)
            .distinctBy(Person::key)
            .start(
                start,
                v -> {
                  also.accept(v);
                  if (!v.node().isCycle()) {
                    seen.merge(v.node().uid(), 1, Integer::sum);
                    visits.put(v.node().uid(), v);
                  }
                })) {
      return new Result(crawl.await(), seen, visits);
    }
  }

  /**
   * Each person's uid with their manager's uid ({@code null} for the top): what a crawl must find.
   */
  static Map<String, String> managerByUid(List<DemoPerson> people) {
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

  @ParameterizedTest(name = "paging refused={0}, workers={1}, managers per listing={2}")
  @CsvSource({
    "true,1,1",
    "true,8,1",
    "false,3,1",
    "false,16,1",
    "true,1,16",
    "true,8,16",
    "false,3,5"
  })
  void demo_everyPersonExactlyOnce_pastTheSizeLimit(
      boolean refusePaging, int workers, int perListing) throws Exception {
    DemoDirectory.Options options =
        new DemoDirectory.Options(3_000, 7, 100, Duration.ZERO, refusePaging);
    try (DemoDirectory demo = DemoDirectory.start(options)) {
      OrgChartSource source =
          OrgChartSource.of(
              settings(demo).toBuilder().batchSize(40).managersPerListing(perListing).build());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      Result result = crawl(source, "ceo", workers, log);
      assertEquals(
          Outcome.COMPLETE, result.report().outcome(), () -> result.report().errors().toString());
      assertCrawlInvariants(result.report(), log, managerByUid(demo.people()), Set.of());
      for (DemoPerson p : demo.people()) {
        assertEquals(p.title(), result.visits().get(p.uid()).node().title());
      }
      assertTrue(source.splits() > 0, "the two big managers exceed the size limit");
      assertTrue(
          source.entriesRead() > demo.people().size(),
          source.entriesRead()
              + " entries read: everyone once, and pages thrown away at the limit");
      long managers = demo.people().stream().map(DemoPerson::managerDn).distinct().count() - 1;
      if (perListing == 1) {
        assertEquals(
            managers, result.report().listings(), "one listing per manager, none per leaf");
      } else {
        assertTrue(result.report().listings() < managers, "several managers per listing");
      }
      assertTrue(
          source.operations() < demo.people().size() / 5,
          source.operations() + " operations for " + demo.people().size() + " people");
    }
  }

  @Test
  void aQueryPastTheLimit_isCutByWhatItsPartialResultShowed_notInHalves() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(50, 1, 100, Duration.ZERO, true))) {
      add(demo, "boss", "ceo");
      for (int m = 0; m < 60; m++) {
        String manager = String.format("m%02d", m);
        add(demo, manager, "boss");
        for (int r = 0; r < 8; r++) {
          add(demo, manager + "-r" + r, manager);
        }
      }
      OrgChartSource source = OrgChartSource.of(settings(demo));
      Result result = crawl(source, "boss", 1, v -> {});
      assertEquals(
          Outcome.COMPLETE, result.report().outcome(), () -> result.report().errors().toString());
      assertEquals(1 + 60 + 480, result.seen().size());
      // One query for the 60 managers' 480 reports hits the limit of 100, after about 8 reports
      // for each manager it reached. Cut again for 8 a manager, every piece fits; cut in halves,
      // 30 and then 15 managers are still too many (5 queries past the limit, when tried).
      // (The limit is known before that query, from 100 DNs read first, but nothing yet of how many
      // reports these managers have.)
      assertEquals(1, source.splits(), "queries past the limit");
      assertTrue(
          source.entriesRead() <= 100 + 480 + 100 + 60 + 1, source.entriesRead() + " entries read");
    }
  }

  /**
   * A manager of about 600 reports past a size limit of 50, on a server that refuses paging: the
   * search is split by uid, guessing the prefixes from the entries the search past the limit
   * returned. Sequential uids (p10 to p609), uids whose first entries are unlike the rest (so the
   * search of the rest is too large, and guessed again), and uids starting with every character of
   * the alphabet, in upper case, or with none of it: each report once, and the sequential ones in
   * far fewer searches than one per character at each prefix (294 before the guess).
   */
  @ParameterizedTest(name = "{0}, workers: {1}")
  @CsvSource({"sequential, 1", "sequential, 4", "unlike, 1", "unlike, 4", "everyCharacter, 2"})
  void theUidSplit_guessesFromWhatTheLimitReturned_andFindsEveryoneOnce(String shape, int workers)
      throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(50, 1, 50, Duration.ZERO, true))) {
      add(demo, "boss", "ceo");
      List<String> uids = new java.util.ArrayList<>();
      switch (shape) {
        case "sequential" -> {
          for (int i = 10; i < 610; i++) {
            uids.add("p" + i);
          }
        }
        case "unlike" -> {
          for (int i = 0; i < 60; i++) {
            uids.add(String.format(Locale.ROOT, "a%03d", i));
          }
          for (int i = 0; i < 300; i++) {
            uids.add(String.format(Locale.ROOT, "m%03d", i));
          }
          for (int i = 0; i < 240; i++) {
            uids.add(String.format(Locale.ROOT, "z%d", i));
          }
        }
        default -> {
          for (char c : "abcdefghijklmnopqrstuvwxyz0123456789._-".toCharArray()) {
            for (int i = 0; i < 15; i++) {
              uids.add(c + "x" + i);
            }
          }
          for (int i = 0; i < 15; i++) {
            uids.add("Upper" + i);
            uids.add("~tilde" + i);
          }
        }
      }
      for (String uid : uids) {
        add(demo, uid, "boss");
      }
      OrgChartSource source = OrgChartSource.of(settings(demo));
      Result result = crawl(source, "boss", workers, v -> {});
      assertEquals(
          Outcome.COMPLETE, result.report().outcome(), () -> result.report().errors().toString());
      assertEquals(uids.size(), result.visits().get("boss").node().reportCount());
      for (String uid : uids) {
        assertEquals(1, result.seen().get(uid), uid + " visited once");
      }
      assertEquals(uids.size() + 1, result.seen().size(), "boss and their reports, nobody else");
      if (shape.equals("sequential")) {
        assertTrue(source.operations() < 100, source.operations() + " operations");
      }
    }
  }

  @Test
  void someoneWithTwoUids_isOneReport_whenTheSplitFindsThemTwice() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(50, 1, 10, Duration.ZERO, true))) {
      add(demo, "boss", "ceo");
      for (int r = 0; r < 25; r++) {
        add(demo, String.format("r%02d", r), "boss");
      }
      add(demo, "orphan", "ghost");
      for (String uid : List.of("r05", "orphan")) {
        demo.server()
            .modify(
                "uid=" + uid + "," + DemoDirectory.BASE_DN,
                new Modification(ModificationType.ADD, "uid", "zz-" + uid));
      }
      OrgChartSource source = OrgChartSource.of(settings(demo));
      List<Visit<Person>> visits = new CopyOnWriteArrayList<>();
      Result result = crawl(source, "boss", 2, visits::add);
      assertEquals(
          Outcome.COMPLETE, result.report().outcome(), () -> result.report().errors().toString());
      assertTrue(source.splits() > 0, "25 reports do not fit one search of 10");
      assertEquals(26, visits.size(), "boss and 25 reports, each once");
      assertEquals(25, result.visits().get("boss").node().reportCount());
      assertEquals(
          List.of("orphan"),
          source.outOfReach(source.findRoot("boss")).stream()
              .filter(o -> o.reason() == OutOfReach.Reason.MANAGER_DOES_NOT_EXIST)
              .map(o -> o.person().uid())
              .toList());
    }
  }

  /**
   * Counted in one search under the limit, in pages past it, and not at all where paging is
   * refused.
   */
  @ParameterizedTest(name = "size limit {0}, paging refused {1}")
  @CsvSource({"5000, true, 1200", "100, false, 1200", "100, true, -1"})
  void countPeople_saysHowManyTheDirectoryHolds_whenThatIsCheap(
      int sizeLimit, boolean refusePaging, long expected) throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(
            new DemoDirectory.Options(1200, 1, sizeLimit, Duration.ZERO, refusePaging))) {
      OrgChartSource source = OrgChartSource.of(settings(demo));
      long operations = source.operations();
      OptionalLong count = source.countPeople();
      assertEquals(expected, count.orElse(-1));
      assertEquals(
          operations + 1,
          source.operations(),
          "its connection's bind counts, its searches (no part of the crawl) do not");
      Result result = crawl(source, "ceo", 4, v -> {});
      assertEquals(1200, result.seen().size(), "the demo's chart reaches everyone from the CEO");
    }
  }

  /**
   * The manager attribute may spell a DN in another case, with spaces: it names the same person.
   */
  @Test
  void aManagerDnSpeltDifferently_stillNamesTheManager() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(50, 1, 100, Duration.ZERO, true))) {
      add(demo, "boss", "ceo");
      add(demo, "exact", "boss");
      add(demo, "spelt", "boss");
      demo.server()
          .modify(
              "uid=spelt," + DemoDirectory.BASE_DN,
              new Modification(
                  ModificationType.REPLACE,
                  "manager",
                  "UID=Boss, " + DemoDirectory.BASE_DN.toUpperCase(Locale.ROOT)));
      add(demo, "below-spelt", "spelt");
      OrgChartSource source = OrgChartSource.of(settings(demo));
      Result result = crawl(source, "boss", 2, v -> {});
      assertEquals(
          Outcome.COMPLETE, result.report().outcome(), () -> result.report().errors().toString());
      assertEquals(Map.of("boss", 1, "exact", 1, "spelt", 1, "below-spelt", 1), result.seen());
      assertEquals(2, result.visits().get("boss").node().reportCount());
      assertEquals("boss", result.visits().get("spelt").parent().uid());
      assertEquals(1, result.visits().get("spelt").node().reportCount());
    }
  }

  @ParameterizedTest(name = "root {0}")
  @ValueSource(strings = {"star*man", "o'neil(contractor)", "doe, jane", "back\\slash"})
  void awkwardUids_areFoundExactly(String uid) throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(400, 1, 100, Duration.ZERO, true))) {
      OrgChartSource source = OrgChartSource.of(settings(demo));
      Person person = source.findRoot(uid);
      assertEquals(uid, person.uid());
      assertEquals(0, person.reportCount());
      Result result = crawl(source, uid, 2, v -> {});
      assertEquals(Map.of(uid, 1), result.seen());
    }
  }

  @Test
  void unknownOrAmbiguousRoot_isNoSuchPerson() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(100, 1, 100, Duration.ZERO, true))) {
      OrgChartSource source = OrgChartSource.of(settings(demo));
      NoSuchPersonException e =
          assertThrows(NoSuchPersonException.class, () -> source.findRoot("nobody"));
      assertEquals("no person with uid=nobody under " + DemoDirectory.BASE_DN, e.getMessage());
      assertThrows(
          NoSuchPersonException.class, () -> source.findRoot("uid=ghost," + DemoDirectory.BASE_DN));
      assertEquals("ceo", source.findRoot("uid=ceo," + DemoDirectory.BASE_DN).uid());
    }
  }

  @Test
  void managerCycles_areReportedOnce_andNeverLooped() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(100, 1, 100, Duration.ZERO, true))) {
      // a -> b -> c -> a (each line: person, manager), and s manages themselves, under c.
      add(demo, "cyc-a", "cyc-c");
      add(demo, "cyc-b", "cyc-a");
      add(demo, "cyc-c", "cyc-b");
      add(demo, "self", "self");
      demo.server()
          .modify(
              "uid=self," + DemoDirectory.BASE_DN,
              new Modification(
                  ModificationType.ADD, "manager", "uid=cyc-c," + DemoDirectory.BASE_DN));
      OrgChartSource source = OrgChartSource.of(settings(demo));
      Result result = crawl(source, "cyc-a", 3, v -> {});
      assertEquals(Outcome.PARTIAL, result.report().outcome());
      assertEquals(Map.of("cyc-a", 1, "cyc-b", 1, "cyc-c", 1, "self", 1), result.seen());
      List<String> cycles =
          result.report().errors().stream().map(e -> e.branch().uid()).sorted().toList();
      assertEquals(List.of("cyc-a", "self"), cycles);
      result
          .report()
          .errors()
          .forEach(e -> assertInstanceOf(ManagerCycleException.class, e.cause()));
    }
  }

  @Test
  void danglingManager_isNotFollowed_andDoesNotBreakTheCrawl() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(100, 1, 100, Duration.ZERO, true))) {
      add(demo, "orphan", "ghost");
      OrgChartSource source = OrgChartSource.of(settings(demo));
      Person orphan = source.findRoot("orphan");
      assertEquals("uid=ghost," + DemoDirectory.BASE_DN, orphan.managerDn());
      Result result = crawl(source, "ceo", 4, v -> {});
      assertEquals(Outcome.COMPLETE, result.report().outcome());
      assertEquals(100, result.seen().size(), "the orphan hangs off no one the crawl reaches");
    }
  }

  @ParameterizedTest(name = "paging refused={0}")
  @ValueSource(booleans = {true, false})
  void outOfReach_areFound_pastTheSizeLimit(boolean refusePaging) throws Exception {
    DemoDirectory.Options options =
        new DemoDirectory.Options(3_000, 5, 100, Duration.ZERO, refusePaging);
    try (DemoDirectory demo = DemoDirectory.start(options)) {
      add(demo, "orphan", "ghost");
      add(demo, "orphans-report", "orphan"); // hangs off the orphan: reachable from nobody either
      add(demo, "two-managers", "ceo");
      demo.server()
          .modify(
              "uid=two-managers," + DemoDirectory.BASE_DN,
              new Modification(
                  ModificationType.ADD,
                  "manager",
                  "uid=left the company," + DemoDirectory.BASE_DN));
      add(demo, "self", "self"); // a cycle of one
      OrgChartSource source = OrgChartSource.of(settings(demo));
      List<String> missing =
          source.outOfReach(source.findRoot("ceo")).stream()
              .map(o -> o.person().uid() + ": " + o.why())
              .sorted()
              .toList();
      assertEquals(
          List.of( // two-managers is reached through ceo
              "orphan: manager uid=ghost," + DemoDirectory.BASE_DN + " does not exist",
              "orphans-report: below uid=orphan,"
                  + DemoDirectory.BASE_DN
                  + ", whose manager uid=ghost,"
                  + DemoDirectory.BASE_DN
                  + " does not exist",
              "self: in a manager cycle: uid=self,"
                  + DemoDirectory.BASE_DN
                  + " -> uid=self,"
                  + DemoDirectory.BASE_DN),
          missing);
      assertTrue(source.splits() > 0, "3,004 people do not fit one search of 100");
    }
  }

  @Test
  void badCredentials_failTheSource_withTheResultCode() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(100, 1, 100, Duration.ZERO, true))) {
      LdapSettings wrong =
          settings(demo).toBuilder().bind(DemoDirectory.CRAWLER_DN, "wrong".toCharArray()).build();
      // Reading the root DSE to decide the back-link binds first.
      LDAPException e = assertThrows(LDAPException.class, () -> OrgChartSource.of(wrong));
      assertEquals(ResultCode.INVALID_CREDENTIALS, e.getResultCode());
      // With the back-link named, nothing connects until the root is looked up.
      OrgChartSource named =
          OrgChartSource.of(wrong.toBuilder().reportsAttribute("directReports").build());
      e = assertThrows(LDAPException.class, () -> named.findRoot("ceo"));
      assertEquals(ResultCode.INVALID_CREDENTIALS, e.getResultCode());
    }
  }

  @Test
  void serverRestartedMidCrawl_connectionsAreReopened_andEveryoneIsVisitedOnce() throws Exception {
    int port = freePort();
    DemoDirectory.Options options =
        new DemoDirectory.Options(2_000, 3, 100, Duration.ofMillis(1), true);
    try (DemoDirectory demo = DemoDirectory.start(options, port)) {
      OrgChartSource source = OrgChartSource.of(settings(demo));
      AtomicInteger visits = new AtomicInteger();
      Result result =
          crawl(
              source,
              "ceo",
              4,
              v -> {
                if (visits.incrementAndGet()
                    == 300) { // on a worker thread: cut every connection, then serve again
                  demo.server().shutDown(true);
                  try {
                    demo.server().startListening();
                  } catch (LDAPException e) {
                    throw new IllegalStateException("could not restart the server", e);
                  }
                }
              });
      assertEquals(
          Outcome.COMPLETE, result.report().outcome(), () -> result.report().errors().toString());
      assertEquals(2_000, result.seen().size());
      result.seen().forEach((uid, n) -> assertEquals(1, n, "visited twice: " + uid));
      assertTrue(result.report().retries() > 0, "some listing met the restart and was retried");
    }
  }

  @Test
  void serverGoneForGood_endsTheCrawlWithAClearFailure_notAHang() throws Exception {
    int port = freePort();
    try (DemoDirectory demo =
        DemoDirectory.start(
            new DemoDirectory.Options(2_000, 3, 100, Duration.ofMillis(1), true), port)) {
      // Waited for as a restart would be, for the budget, then the crawl fails: never COMPLETE.
      OrgChartSource source =
          OrgChartSource.of(
              settings(demo).toBuilder().reconnectFor(Duration.ofMillis(300)).build());
      AtomicInteger visits = new AtomicInteger();
      Result result =
          crawl(
              source,
              "ceo",
              4,
              v -> {
                if (visits.incrementAndGet() == 300) {
                  demo.server().shutDown(true);
                }
              });
      assertEquals(Outcome.FAILED, result.report().outcome());
      DirectoryUnreachableException gone =
          assertInstanceOf(DirectoryUnreachableException.class, result.report().failure());
      LDAPException cause = assertInstanceOf(LDAPException.class, gone.getCause());
      assertEquals(ResultCode.CONNECT_ERROR, cause.getResultCode());
    }
  }

  /** Adds a person {@code uid} reporting to {@code managerUid} to the demo directory. */
  static void add(DemoDirectory demo, String uid, String managerUid) throws LDAPException {
    Entry e = new Entry("uid=" + uid + "," + DemoDirectory.BASE_DN);
    e.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson");
    e.addAttribute("uid", uid);
    e.addAttribute("cn", uid);
    e.addAttribute("sn", uid);
    e.addAttribute("manager", "uid=" + managerUid + "," + DemoDirectory.BASE_DN);
    demo.server().add(e);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
