package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.sdk.LDAPConnection;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link OrgChartSource#outOfReach} against the truth {@link AdChart} writes, on UnboundID's
 * in-memory server over a real socket holding the chart (the deleted manager's value left dangling,
 * as directories other than AD leave it), with a size limit that cuts every read of everyone: each
 * person out of reach named once, with the reason and the head their chart hangs from, and nobody a
 * crawl from the root reaches. The crawl itself, with 1 and the default workers, visits exactly
 * those the truth says it reaches.
 */
class OutOfReachTest {
  private static final int SIZE_LIMIT = 1_000;
  @TempDir static Path dir;
  private static AdChartDirectory directory;
  private static AdChart chart;

  @BeforeAll
  static void load() throws Exception {
    directory = new AdChartDirectory(2_300, SIZE_LIMIT);
    chart = directory.chart();
    chart.writeTruth(dir.resolve("truth.tsv"));
    assertTrue(Files.size(dir.resolve("truth.tsv")) > 0);
  }

  @AfterAll
  static void stop() {
    if (directory != null) {
      directory.close();
    }
  }

  private static OrgChartSource source() throws Exception {
    return OrgChartSource.of(directory.settings());
  }

  private static Map<String, String> expected() {
    return chart.expectedOutOfReach();
  }

  private static String uidOf(String dn) {
    return dn.substring(3, dn.indexOf(',')); // CN=uid,OU=People,...
  }

  @Test
  void everyoneOutOfReach_isNamedOnce_withTheReasonAndTheirHead() throws Exception {
    OrgChartSource source = source();
    Map<String, String> found = new TreeMap<>();
    List<OutOfReach> all = source.outOfReach(source.findRoot(AdChart.ROOT));
    for (OutOfReach o : all) {
      String before = found.put(o.person().uid(), AdChart.said(o));
      assertEquals(null, before, () -> o.person() + " named twice");
    }
    Map<String, String> expected = expected();
    assertEquals(expected, found);
    assertTrue(
        expected.values().stream()
            .map(v -> v.split(" ")[0])
            .collect(Collectors.toSet())
            .containsAll(
                Set.of(
                    "NO_MANAGER",
                    "MANAGER_DOES_NOT_EXIST",
                    "MANAGER_OUTSIDE_BASE",
                    "MANAGER_FILTERED_OUT",
                    "CYCLE")),
        "the chart has every reason: " + expected);
    Map<String, OutOfReach> byUid =
        all.stream().collect(Collectors.toMap(o -> o.person().uid(), o -> o));
    assertEquals(
        Set.of("island-a", "island-b", "island-c"),
        byUid.get("island-b1").cycle().stream()
            .map(OutOfReachTest::uidOf)
            .collect(Collectors.toSet()));
    assertEquals(
        "below "
            + AdChart.dn("island-b")
            + ", in a manager cycle: "
            + AdChart.dn("island-a")
            + " -> "
            + AdChart.dn("island-c")
            + " -> "
            + AdChart.dn("island-b")
            + " -> "
            + AdChart.dn("island-a"),
        byUid.get("island-b1").why(),
        "each managed by the next: a by c, c by b, b by a");
    assertEquals(
        "manager CN=outsider," + AdChart.ELSEWHERE_OU + " is outside the base DN",
        byUid.get("abroad1").why());
    assertEquals(
        "manager " + AdChart.dn("vendor") + " is not a person by the filter",
        byUid.get("vendored1").why());
    assertEquals("manager " + AdChart.dn("gone") + " does not exist", byUid.get("gone-r1").why());
    assertEquals(
        "below "
            + AdChart.dn("gone-r1")
            + ", whose manager "
            + AdChart.dn("gone")
            + " does not exist",
        byUid.get("gone-r1-a").why());
    assertEquals("no manager", byUid.get("loner1").why());
    assertEquals(2, byUid.get("gone-r1").reports());
  }

  @Test
  void summary_countsEachPart_andHandsOverAsMany() throws Exception {
    OrgChartSource source = source();
    AtomicLong handed = new AtomicLong();
    OutOfReach.Summary summary =
        source.outOfReach(source.findRoot(AdChart.ROOT), o -> handed.incrementAndGet());
    assertEquals(chart.outOfReach().size(), summary.people());
    assertEquals(summary.people(), handed.get());
    assertEquals(0, summary.besideRoot());
    Map<String, Long> parts =
        summary.parts().stream()
            .collect(
                Collectors.toMap(p -> p.reason() + " " + uidOf(p.head()), OutOfReach.Part::people));
    assertEquals(
        Long.valueOf(3 + 3),
        parts.get("CYCLE island-a"),
        "the cycle and the team below it: " + parts);
    assertEquals(Long.valueOf(3), parts.get("MANAGER_DOES_NOT_EXIST gone-r1"), parts.toString());
  }

  /**
   * Few out of reach are looked up one by one; many are read with everyone once more (more than
   * {@link ReachAudit#LOOKUP_MOST}): both hand over the same.
   */
  @Test
  void manyOutOfReach_areReadWithEveryone_andFewLookedUp_alike() throws Exception {
    OrgChartSource source = source();
    Person bigboss =
        source.findRoot(AdChart.BIG_BOSS); // everyone but bigboss's team is beside or out of reach
    List<OutOfReach> few = source.outOfReach(bigboss);
    long beside = source.outOfReach(bigboss, o -> {}).besideRoot();
    assertTrue(
        beside > ReachAudit.LOOKUP_MOST,
        "the root's own chart beside bigboss is counted: " + beside);
    assertEquals(
        expected().keySet(),
        few.stream().map(o -> o.person().uid()).collect(Collectors.toSet()),
        "those beside the root are not out of reach of a crawl from the top");
    Person ceo = source.findRoot(AdChart.ROOT);
    ReachAudit oneByOne =
        new ReachAudit(searchOf(source), readerOf(source), "manager", Integer.MAX_VALUE);
    ReachAudit allAgain = new ReachAudit(searchOf(source), readerOf(source), "manager", 0);
    try (LdapSession session = source.open()) {
      LDAPConnection c = session.connection();
      Map<String, String> a = new TreeMap<>();
      Map<String, String> b = new TreeMap<>();
      oneByOne.outOfReach(c, ceo, o -> a.put(o.person().uid(), o.why() + " " + o.person().mail()));
      allAgain.outOfReach(c, ceo, o -> b.put(o.person().uid(), o.why() + " " + o.person().mail()));
      assertEquals(a, b);
      assertEquals(chart.outOfReach().keySet(), a.keySet());
    }
  }

  private static LimitedSearch searchOf(OrgChartSource source) throws Exception {
    Field f = OrgChartSource.class.getDeclaredField("search");
    f.setAccessible(true);
    return (LimitedSearch) f.get(source);
  }

  private static EntryReader readerOf(OrgChartSource source) throws Exception {
    Field f = OrgChartSource.class.getDeclaredField("reader");
    f.setAccessible(true);
    return (EntryReader) f.get(source);
  }

  @ParameterizedTest(name = "workers: {0} (0 = default)")
  @CsvSource({"1", "0"})
  void crawl_visitsExactlyThoseTheTruthReaches(int workers) throws Exception {
    OrgChartSource source = source();
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Crawler<Person, LdapSession> crawler = Crawler.over(source).distinctBy(Person::key);
    if (workers > 0) {
      crawler.workers(workers);
    }
    CrawlReport<Person> report;
    try (Crawl<Person> crawl =
        crawler.start(
            source.findRoot(AdChart.ROOT), v -> seen.merge(v.node().uid(), 1, Integer::sum))) {
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome(), () -> report.errors().toString());
    assertEquals(chart.reachable(), seen.keySet());
    assertTrue(seen.values().stream().allMatch(n -> n == 1), "each once");
    assertEquals(Set.of(), intersection(seen.keySet(), chart.outOfReach().keySet()));
  }

  private static Set<String> intersection(Set<String> a, Set<String> b) {
    return a.stream()
        .filter(b::contains)
        .map(s -> s.toLowerCase(Locale.ROOT))
        .collect(Collectors.toSet());
  }
}
