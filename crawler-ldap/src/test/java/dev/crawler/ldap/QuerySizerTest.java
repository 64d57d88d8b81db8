package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** How the managers of one listing are cut into queries. */
class QuerySizerTest {
  private final Person root = person("root", null, -1);

  private static Person person(String uid, Person manager, int linkedReports) {
    try {
      return new Person(new DN("uid=" + uid + ",ou=people"), uid, null, null, null, null, manager, false,
          linkedReports);
    } catch (LDAPException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private List<Person> reportsOf(Person manager, int n, int linked) {
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      people.add(person(manager.uid() + "-" + i, manager, linked));
    }
    return people;
  }

  private static List<Integer> sizes(List<List<Person>> chunks) {
    return chunks.stream().map(List::size).toList();
  }

  @Test
  void beforeTheLimitIsKnown_onlyTheTermCountCuts() {
    QuerySizer sizer = new QuerySizer(40);
    assertEquals(List.of(40, 40, 20), sizes(sizer.chunks(reportsOf(root, 100, -1))));
    assertEquals(List.of(), sizer.chunks(List.of()));
  }

  @Test
  void withTheLimitAndAMeanFanOut_queriesAimBelowTheLimit() {
    QuerySizer sizer = new QuerySizer(200);
    List<Person> vps = reportsOf(root, 100, -1);
    for (Person vp : vps) {
      sizer.found(vp, 10); // every manager at depth 1 has had 10 reports
    }
    assertEquals(List.of(100), sizes(sizer.chunks(vps)), "no limit known yet");
    sizer.limitHit(500);
    assertEquals(List.of(30, 30, 30, 10), sizes(sizer.chunks(vps)), "60% of 500 is 30 managers of 10");
    List<Person> deeper = reportsOf(vps.get(0), 300, -1);
    assertEquals(List.of(200, 100), sizes(sizer.chunks(deeper)), "depth 2 has no sample yet");
  }

  @Test
  void theBackLinkCountsAreUsedAsTheyAre() {
    QuerySizer sizer = new QuerySizer(200);
    sizer.limitHit(100);
    List<Person> managers = new ArrayList<>(reportsOf(root, 3, 50)); // 50 + 50 > 60
    managers.addAll(reportsOf(person("leafy", root, -1), 5, 0));
    assertEquals(List.of(1, 1, 6), sizes(sizer.chunks(managers)));
  }

  @Test
  void chunksAlwaysPartitionTheManagers_inOrder() {
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 200; round++) {
      QuerySizer sizer = new QuerySizer(1 + random.nextInt(50));
      List<Person> managers = reportsOf(root, random.nextInt(300), -1);
      for (Person m : managers) {
        if (random.nextBoolean()) {
          sizer.found(m, random.nextInt(30));
        }
      }
      if (random.nextBoolean()) {
        sizer.limitHit(1 + random.nextInt(500));
      }
      List<Person> joined = new ArrayList<>();
      sizer.chunks(managers).forEach(chunk -> {
        org.junit.jupiter.api.Assertions.assertFalse(chunk.isEmpty());
        joined.addAll(chunk);
      });
      assertEquals(managers, joined);
    }
  }
}
