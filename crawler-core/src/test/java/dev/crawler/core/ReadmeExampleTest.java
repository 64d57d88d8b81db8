package dev.crawler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crawler.core.spi.BranchSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's example, as a user would write it, on a larger org chart. */
class ReadmeExampleTest {

  @Test
  void readmeOrgChart_everyPersonOnce() throws Exception {
    Map<String, List<String>> reports = new HashMap<>();
    List<String> everyone = new ArrayList<>(List.of("ceo"));
    for (int vp = 0; vp < 10; vp++) {
      String v = "vp" + vp;
      reports.computeIfAbsent("ceo", k -> new ArrayList<>()).add(v);
      everyone.add(v);
      for (int m = 0; m < 20; m++) {
        String manager = v + "-m" + m;
        reports.computeIfAbsent(v, k -> new ArrayList<>()).add(manager);
        everyone.add(manager);
        for (int ic = 0; ic < 15; ic++) {
          String person = manager + "-ic" + ic;
          reports.computeIfAbsent(manager, k -> new ArrayList<>()).add(person);
          everyone.add(person);
        }
      }
    }
    BranchSource<String, Void> orgChart = (session, person, out) -> {
      for (String report : reports.getOrDefault(person, List.of())) {
        if (reports.containsKey(report)) out.branch(report); else out.leaf(report);
      }
    };
    List<String> seen;
    CrawlReport<String> report;
    try (Crawl<String> crawl = Crawler.over(orgChart).workers(8).start("ceo");
        Stream<Visit<String>> visits = crawl.visits()) {
      seen = visits.map(Visit::node).collect(Collectors.toList());
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    assertEquals(everyone.size(), seen.size());
    assertEquals(Map.copyOf(everyone.stream().collect(Collectors.toMap(p -> p, p -> 1))),
        seen.stream().collect(Collectors.toMap(p -> p, p -> 1, Integer::sum)));
  }
}
