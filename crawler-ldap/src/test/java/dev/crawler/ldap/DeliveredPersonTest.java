package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import dev.crawler.core.spi.Children;
import dev.crawler.ldap.demo.DemoDirectory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A person the source hands over never changes: what every public method of it returns when the
 * crawl has ended (everyone below them listed, their reports dropped, the sizer's counts grown) is
 * what it returned when it was handed over, and the type has no field that could change. What the
 * source changes while it lists lives in its own records ({@link Branch}). Against UnboundID's
 * in-memory server over a loopback socket.
 */
class DeliveredPersonTest {

  @Test
  void personHasOnlyFinalFields_andNoPublicMethodThatTakesAnArgument_butEquals() {
    for (Field field : Person.class.getDeclaredFields()) {
      if (!field.isSynthetic()) {
        assertTrue(Modifier.isFinal(field.getModifiers()), field.getName() + " is not final");
      }
    }
    for (Method method : Person.class.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers()) && !method.getName().equals("equals")) {
        assertEquals(0, method.getParameterCount(), method + " takes arguments");
        assertNotEquals(void.class, method.getReturnType(), method + " returns nothing");
      }
    }
  }

  @ParameterizedTest(name = "from {0}, workers={1}, managers per listing={2}")
  @CsvSource({"ceo,1,1", "ceo,8,1", "ceo,8,16", "cyc-a,4,4"})
  void whatAHandedOverPersonShows_isTheSameWhenTheCrawlHasEnded(
      String root, int workers, int perListing) throws Exception {
    try (DemoDirectory demo =
        DemoDirectory.start(new DemoDirectory.Options(1_500, 11, 100, Duration.ZERO, true))) {
      OrgChartSourceTest.add(demo, "cyc-a", "cyc-c");
      OrgChartSourceTest.add(demo, "cyc-b", "cyc-a");
      OrgChartSourceTest.add(demo, "cyc-c", "cyc-b");
      OrgChartSource source =
          OrgChartSource.of(
              LdapSettings.builder("127.0.0.1", demo.port(), DemoDirectory.BASE_DN)
                  .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
                  .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
                  .extraAttributes(List.of("sn", "objectClass"))
                  .managersPerListing(perListing)
                  .build());
      Watching watching = new Watching(source);
      Person start = source.findRoot(root);
      watching.handedOver(start);
      List<Seen> visited = Collections.synchronizedList(new ArrayList<>());
      CrawlReport<Person> report;
      try (Crawl<Person> crawl =
          Crawler.over(watching)
              .workers(workers)
              .distinctBy(Person::key)
              .start(start, (Visit<Person> v) -> visited.add(new Seen(v.node(), view(v.node()))))) {
        report = crawl.await();
      }
      if (root.equals("ceo")) {
        assertEquals(Outcome.COMPLETE, report.outcome());
        assertEquals(1_500, visited.size());
        assertTrue(
            watching.seen.stream().anyMatch(s -> s.person.reportCount() > 0), "some branches");
      } else {
        assertEquals(Outcome.PARTIAL, report.outcome(), "the cycle is a branch error");
        assertTrue(
            watching.seen.stream().anyMatch(s -> s.person.isCycle()),
            "a cycle marker was handed over");
      }
      for (List<Seen> seen : List.of(watching.seen, visited)) {
        for (Seen s : seen) {
          assertEquals(s.view, view(s.person), "what " + s.person.dn() + " shows changed");
        }
      }
      assertTrue(watching.seen.size() >= visited.size(), watching.seen.size() + " handed over");
    }
  }

  /** Everything the public methods of a person say. */
  private static String view(Person p) {
    return String.join(
        "|",
        p.dn(),
        String.valueOf(p.uid()),
        String.valueOf(p.name()),
        String.valueOf(p.title()),
        String.valueOf(p.mail()),
        String.valueOf(p.managerDn()),
        p.attributes().toString(),
        String.valueOf(p.isCycle()),
        String.valueOf(p.isDisabled()),
        String.valueOf(p.reportCount()),
        p.key().toString(),
        String.valueOf(p.hashCode()),
        p.toString());
  }

  private record Seen(Person person, String view) {}

  /** The source, noting what each person it hands over shows at that moment. */
  private static final class Watching extends OrgChartSourceRelay {
    final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

    Watching(OrgChartSource source) {
      super(source);
    }

    void handedOver(Person person) {
      seen.add(new Seen(person, view(person)));
    }

    @Override
    public void listAll(
        LdapSession session, List<Person> branches, List<? extends Children<Person>> out)
        throws Exception {
      List<Children<Person>> noting = new ArrayList<>();
      for (Children<Person> to : out) {
        noting.add(
            new Children<>() {
              @Override
              public void leaf(Person node) {
                handedOver(node);
                to.leaf(node);
              }

              @Override
              public void branch(Person node) {
                handedOver(node);
                to.branch(node);
              }
            });
      }
      source.listAll(session, branches, noting);
    }
  }
}
