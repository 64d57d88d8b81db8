package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.ldap.demo.DemoDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * People survive the trip through bytes that a crawl across processes gives them: a crawl in which
 * every person is re-made from their bytes before they are listed (as a process that takes them
 * from Kafka does) finds what a plain crawl finds, person for person and field for field, and still
 * tells manager cycles. Against UnboundID's in-memory server over a loopback socket.
 */
class PersonCodecTest {

  private static LdapSettings settings(DemoDirectory demo) {
    return LdapSettings.builder("127.0.0.1", demo.port(), DemoDirectory.BASE_DN)
        .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
        .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
        .extraAttributes(List.of("sn", "objectClass"))
        .build();
  }

  @ParameterizedTest(name = "workers={0}, managers per listing={1}")
  @CsvSource({"1,1", "6,1", "6,16"})
  void aCrawlThroughBytes_findsWhatAPlainCrawlFinds(int workers, int perListing) throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(1_500, 11, 100, Duration.ZERO, true))) {
      OrgChartSource source =
          OrgChartSource.of(settings(demo).toBuilder().managersPerListing(perListing).build());
      Map<String, String> plain = crawl(source, source, workers).lines;
      Relay relay = new Relay(source);
      Result relayed = crawl(relay, source, workers);
      assertEquals(1_500, plain.size());
      assertEquals(plain, relayed.lines);
      assertTrue(relay.relayed.get() > 100, relay.relayed + " branches relayed");
    }
  }

  @Test
  void managerCyclesAreToldAfterTheTripToo() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(100, 1, 100, Duration.ZERO, true))) {
      OrgChartSourceTest.add(demo, "cyc-a", "cyc-c");
      OrgChartSourceTest.add(demo, "cyc-b", "cyc-a");
      OrgChartSourceTest.add(demo, "cyc-c", "cyc-b");
      OrgChartSource source = OrgChartSource.of(settings(demo));
      Result result = crawl(new Relay(source), source, "cyc-a", 3);
      assertEquals(Outcome.PARTIAL, result.report.outcome());
      assertEquals(
          List.of("cyc-a", "cyc-b", "cyc-c"), List.copyOf(new TreeMap<>(result.lines).keySet()));
      assertEquals(1, result.report.errors().size());
      assertEquals("cyc-a", result.report.errors().get(0).branch().uid());
      assertInstanceOf(ManagerCycleException.class, result.report.errors().get(0).cause());
    }
  }

  @Test
  void aVisitCarriesThePersonAlone_andAListedPersonCannotBeSentOn() throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(200, 1, 100, Duration.ZERO, true))) {
      OrgChartSource source = OrgChartSource.of(settings(demo));
      NodeCodec<Person> codec = source.codec();
      Person ceo = source.findRoot("ceo");
      assertTrue(ceo.reportCount() > 0);
      byte[] whole = codec.encode(ceo);
      byte[] visit = codec.encodeForVisit(ceo);
      assertTrue(
          visit.length < whole.length / 2,
          visit.length + " bytes for a visit, " + whole.length + " whole");
      Person fromVisit = codec.decode(visit);
      assertEquals(ceo, fromVisit);
      assertEquals(ceo.reportCount(), fromVisit.reportCount());
      assertEquals(ceo.attributes(), fromVisit.attributes());
      assertArrayEquals(
          whole, codec.encode(codec.decode(whole)), "decode then encode gives the same bytes");
      ceo.branch().listed();
      assertThrows(IllegalStateException.class, () -> codec.encode(ceo));
      assertThrows(IllegalArgumentException.class, () -> codec.decode(new byte[] {9, 0, 0}));
      assertThrows(
          IllegalArgumentException.class, () -> codec.decode(new byte[] {2, 0, 0, 0, 100}));
    }
  }

  private record Result(CrawlReport<Person> report, Map<String, String> lines) {}

  private static Result crawl(
      BranchSource<Person, LdapSession> through, OrgChartSource source, int workers)
      throws Exception {
    return crawl(through, source, "ceo", workers);
  }

  /**
   * Each person found, by uid: what is printed of them, their depth, their manager, their count.
   */
  private static Result crawl(
      BranchSource<Person, LdapSession> through, OrgChartSource source, String root, int workers)
      throws Exception {
    Map<String, String> lines = new ConcurrentHashMap<>();
    Person start = source.findRoot(root);
    try (Crawl<Person> crawl =
        Crawler.over(through)
            .workers(workers)
            .distinctBy(Person::key)
            .start(
                start,
                (Visit<Person> v) -> {
                  Person p = v.node();
                  if (!p.isCycle()) {
                    String line =
                        String.join(
                            "|",
                            p.dn(),
                            p.name(),
                            String.valueOf(p.title()),
                            String.valueOf(p.mail()),
                            String.valueOf(p.managerDn()),
                            String.valueOf(p.reportCount()),
                            p.attributes().toString(),
                            String.valueOf(v.depth()),
                            v.parent() == null ? "-" : v.parent().uid());
                    if (lines.put(p.uid(), line) != null) {
                      throw new AssertionError(p.uid() + " visited twice");
                    }
                  }
                })) {
      return new Result(crawl.await(), lines);
    }
  }

  /**
   * The org chart as a process that takes its branches from elsewhere sees it: every branch is
   * re-made from its bytes before it is listed, every child from the bytes it would travel as.
   */
  private static final class Relay extends OrgChartSourceRelay {
    final NodeCodec<Person> codec;
    final AtomicLong relayed = new AtomicLong();

    Relay(OrgChartSource source) {
      super(source);
      this.codec = source.codec();
    }

    @Override
    public void listAll(
        LdapSession session, List<Person> branches, List<? extends Children<Person>> out)
        throws Exception {
      List<Person> copies = new ArrayList<>();
      List<Children<Person>> relaying = new ArrayList<>();
      for (int i = 0; i < branches.size(); i++) {
        copies.add(codec.decode(codec.encode(branches.get(i))));
        relayed.incrementAndGet();
        Children<Person> to = out.get(i);
        relaying.add(
            new Children<>() {
              @Override
              public void leaf(Person node) {
                to.leaf(codec.decode(codec.encodeForVisit(node)));
              }

              @Override
              public void branch(Person node) {
                to.branch(codec.decode(codec.encode(node)));
              }
            });
      }
      source.listAll(session, copies, relaying);
    }
  }
}
