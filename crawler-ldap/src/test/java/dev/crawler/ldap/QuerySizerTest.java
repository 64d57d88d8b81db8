package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** How the managers of one listing are cut into queries. */
class QuerySizerTest {
  private final Branch root = person("root", null, -1);

  /**
   * The source's record of someone about to be asked about, as ReportQuery hands them to the sizer.
   */
  private static Branch person(String uid, Branch manager, int linkedReports) {
    String dn = "uid=" + uid + ",ou=people";
    return new Branch(dn, dn, linkedReports, manager);
  }

  /** What listing {@code manager} notes: their reports, which gives them counts for the sizer. */
  private static void setReports(Branch manager, List<Branch> reports) {
    manager.reportsFound(
        reports.stream()
            .map(
                r ->
                    new Fetched(
                        r.dn,
                        r.normalizedDn,
                        null,
                        null,
                        null,
                        null,
                        manager.dn,
                        false,
                        false,
                        -1,
                        Map.of()))
            .toList());
  }

  private static String uid(Branch b) {
    return b.dn.substring(4, b.dn.indexOf(','));
  }

  private List<Branch> reportsOf(Branch manager, int n, int linked) {
    List<Branch> people = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      people.add(person(uid(manager) + "-" + i, manager, linked));
    }
    return people;
  }

  private static List<Integer> sizes(List<List<Branch>> chunks) {
    return chunks.stream().map(List::size).toList();
  }

  /** The managers cut as ReportQuery cuts them: one first chunk at a time, from what is left. */
  private static List<List<Branch>> cut(QuerySizer sizer, List<Branch> managers) {
    List<List<Branch>> chunks = new ArrayList<>();
    for (int next = 0; next < managers.size(); ) {
      List<Branch> chunk = sizer.firstChunk(managers.subList(next, managers.size()));
      chunks.add(chunk);
      next += chunk.size();
    }
    return chunks;
  }

  @Test
  void beforeTheLimitIsKnown_onlyTheTermCountCuts() {
    QuerySizer sizer = new QuerySizer(40);
    assertEquals(List.of(40, 40, 20), sizes(cut(sizer, reportsOf(root, 100, -1))));
    assertEquals(List.of(), cut(sizer, List.of()));
    assertEquals(List.of(), sizer.firstChunk(List.of()));
  }

  @Test
  void withTheLimitAndAMeanFanOut_queriesAimBelowTheLimit() {
    QuerySizer sizer = new QuerySizer(200);
    List<Branch> vps = reportsOf(root, 100, -1);
    for (Branch vp : vps) {
      sizer.found(vp, 10); // every manager at depth 1 has had 10 reports
    }
    assertEquals(List.of(100), sizes(cut(sizer, vps)), "no limit known yet");
    sizer.limitHit(500);
    assertEquals(
        List.of(25, 25, 25, 25), sizes(cut(sizer, vps)), "50% of 500 is 25 managers of 10");
    List<Branch> deeper = reportsOf(vps.get(0), 300, -1);
    assertEquals(
        Collections.nCopies(12, 25),
        sizes(cut(sizer, deeper)),
        "depth 2 has no sample yet: depth 1's mean");
  }

  /** What ReportQuery relies on: each query is sized with what the queries before it found. */
  @Test
  void firstChunk_isSizedWithWhatTheEarlierQueriesFound() {
    QuerySizer sizer = new QuerySizer(40);
    sizer.limitHit(500);
    List<Branch> siblings = reportsOf(root, 80, -1);
    List<Branch> first = sizer.firstChunk(siblings);
    assertEquals(40, first.size(), "nothing known of them: the term cap");
    sizer.found(first, m -> 20); // each had 20 reports
    List<Branch> next = sizer.firstChunk(siblings.subList(40, 80));
    assertEquals(12, next.size(), "50% of 500 over the 20 their siblings had");
    assertEquals(siblings.subList(40, 52), next);
  }

  @Test
  void theBackLinkCountsAreUsedAsTheyAre() {
    QuerySizer sizer = new QuerySizer(200);
    sizer.limitHit(100);
    List<Branch> managers = new ArrayList<>(reportsOf(root, 3, 50)); // 50 + 50 > 50
    managers.addAll(reportsOf(person("leafy", root, -1), 5, 0));
    assertEquals(List.of(1, 1, 6), sizes(cut(sizer, managers)));
  }

  /**
   * An exact count needs no margin for a spread: the query aims close to the limit, an estimate's
   * at half.
   */
  @Test
  void backLinkedCounts_fillTheQueryCloserToTheLimitThanEstimates() {
    QuerySizer sizer = new QuerySizer(1000);
    sizer.limitHit(500);
    assertEquals(
        List.of(45, 45, 10),
        sizes(cut(sizer, reportsOf(root, 100, 10))),
        "90% of 500 over 10 each");
    List<Branch> vps = reportsOf(root, 100, -1);
    sizer.found(vps, m -> 10);
    assertEquals(
        List.of(25, 25, 25, 25), sizes(cut(sizer, vps)), "estimated at 10 each: 50% of 500");
    List<Branch> mixed = new ArrayList<>(reportsOf(root, 20, 10)); // 20 x 10 / 0.9 = 222 of 500
    mixed.addAll(reportsOf(vps.get(0), 30, -1)); // estimated at 10: 20 of 500 each, so 13 more fit
    assertEquals(List.of(33, 17), sizes(cut(sizer, mixed)), "each count keeps its own margin");
  }

  @Test
  void theEstimateFollowsTheNearestRelatives_notTheLevelsMean() {
    QuerySizer sizer = new QuerySizer(1000);
    sizer.limitHit(500);
    Branch a = person("a", root, -1);
    Branch b = person("b", root, -1);
    setReports(root, List.of(a, b));
    List<Branch> directors = reportsOf(a, 20, -1); // a's reports all manage ten people
    List<Branch> leads = reportsOf(b, 20, -1); // b's manage nobody
    setReports(a, directors);
    setReports(b, leads);
    sizer.found(directors, d -> 10);
    sizer.found(leads, l -> 0);
    Branch c = person("c", root, -1); // not listed: nothing known of their reports' relatives
    // Relatives are alike, so one whose relatives are unknown is sized as the level's managers are
    // (10), not by the level's mean (5): half of a query sized by the mean would hit the limit.
    assertEquals(
        10,
        sizer.expectedReports(person("c-0", c, -1)),
        1e-9,
        "the mean of those at the level who manage");
    assertEquals(10, sizer.expectedReports(person("a-20", a, -1)), 1e-9, "siblings");
    assertEquals(0, sizer.expectedReports(person("b-20", b, -1)), 1e-9, "siblings");
    assertEquals(
        List.of(25, 25, 10), sizes(cut(sizer, reportsOf(a, 60, -1))), "50% of 500 is 25 directors");
    assertEquals(List.of(60), sizes(cut(sizer, reportsOf(b, 60, -1))));

    // One level down: directors' reports have 3 each; someone whose siblings are unknown yet is
    // estimated from their cousins (a's grandchildren), not from the whole level.
    List<Branch> teams = new ArrayList<>();
    for (Branch director : directors.subList(0, 10)) {
      List<Branch> team = reportsOf(director, 4, -1);
      setReports(director, team);
      teams.addAll(team);
    }
    sizer.found(teams, p -> 3);
    Branch lonely = directors.get(15);
    setReports(lonely, reportsOf(lonely, 1, -1));
    assertEquals(3, sizer.expectedReports(person("cousin", lonely, -1)), 1e-9, "cousins");
  }

  /** The chart's last level: nobody there manages, so nobody met there is expected to. */
  @Test
  void aLevelWhereNobodyManages_expectsNoReports_notTheLevelAbove() {
    QuerySizer sizer = new QuerySizer(1000);
    sizer.limitHit(500);
    List<Branch> managers = reportsOf(root, 20, -1);
    sizer.found(managers, m -> 8);
    List<Branch> staff = reportsOf(managers.get(0), 20, -1);
    sizer.found(staff, p -> 0);
    Branch stranger =
        person("stranger", managers.get(1), -1); // at the staff's level, relatives unknown
    assertEquals(0, sizer.expectedReports(stranger), 1e-9);
    assertEquals(
        8, sizer.expectedReports(person("newcomer", root, -1)), 1e-9, "the managers' level");
  }

  @Test
  void aQueryCutAgain_expectsAtLeastTheFloor_andHalvesAtWorst() {
    QuerySizer sizer = new QuerySizer(400);
    sizer.limitHit(500);
    List<Branch> unknown = reportsOf(root, 200, -1);
    assertEquals(List.of(200), sizes(cut(sizer, unknown)), "nothing known: one query");
    assertEquals(
        List.of(25, 25, 25, 25, 25, 25, 25, 25),
        sizes(sizer.chunks(unknown, 10, 100)),
        "its partial result showed 10 reports a manager");
    assertEquals(List.of(100, 100), sizes(sizer.chunks(unknown, 0, 100)), "no floor: halves");
    assertEquals(
        List.of(1, 1, 1), sizes(sizer.chunks(unknown.subList(0, 3), 0, 0)), "never below one");
  }

  @Test
  void chunksAlwaysPartitionTheManagers_inOrder() {
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 200; round++) {
      QuerySizer sizer = new QuerySizer(1 + random.nextInt(50));
      List<Branch> managers = reportsOf(root, random.nextInt(300), -1);
      for (Branch m : managers) {
        if (random.nextBoolean()) {
          sizer.found(m, random.nextInt(30));
        }
      }
      if (random.nextBoolean()) {
        sizer.limitHit(1 + random.nextInt(500));
      }
      List<Branch> joined = new ArrayList<>();
      List<List<Branch>> chunks =
          random.nextBoolean()
              ? cut(sizer, managers)
              : sizer.chunks(managers, random.nextInt(40), random.nextInt(60));
      chunks.forEach(
          chunk -> {
            assertFalse(chunk.isEmpty());
            joined.addAll(chunk);
          });
      assertEquals(managers, joined);
    }
  }
}
