package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.ldap.AdChart;
import dev.crawler.ldap.AdChartDirectory;
import dev.crawler.ldap.OutOfReach;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code crawl ldap --find-orphans} (issue 25, §3) against the truth {@link AdChart} writes, on the
 * in-memory stand-in for AD ({@link AdChartDirectory}): with 1 and the default workers, every
 * person reachable printed once, every person out of reach printed once in {@code --json} (an
 * {@code outOfReach} object) and {@code --csv} (two more columns), with the reason and the head
 * their chart hangs from, each part summed up on stderr, and exit status 1.
 */
class FindOrphansCommandTest {
  private static final Pattern UID = Pattern.compile("\"uid\":\"([^\"]+)\"");
  private static final Pattern REASON =
      Pattern.compile("\"outOfReach\":\\{\"reason\":\"([^\"]+)\"");
  private static final Pattern HEAD = Pattern.compile("\"head\":\"CN=([^,]+),");
  private static AdChartDirectory directory;

  @BeforeAll
  static void start() throws Exception {
    directory = new AdChartDirectory(2_150, 1_000);
  }

  @AfterAll
  static void stop() {
    if (directory != null) {
      directory.close();
    }
  }

  private static CliRun crawl(String workers, String format) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ldap",
                "-q",
                "--root",
                AdChart.ROOT,
                "-H",
                "ldap://127.0.0.1:" + directory.port(),
                "-b",
                AdChart.BASE_DN,
                "--filter",
                AdChartDirectory.FILTER,
                "--uid-attribute",
                AdChart.UID_ATTRIBUTE,
                "--find-orphans",
                format));
    if (!workers.equals("default")) {
      args.addAll(List.of("-j", workers));
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  private static String reasonName(String code) {
    for (OutOfReach.Reason r : OutOfReach.Reason.values()) {
      if (r.code().equals(code)) {
        return r.name();
      }
    }
    throw new AssertionError("no reason " + code);
  }

  @ParameterizedTest(name = "--json, workers: {0}")
  @CsvSource({"1", "default"})
  void json_namesEveryoneOutOfReach_withTheReason(String workers) {
    CliRun run = crawl(workers, "--json");
    AdChart chart = directory.chart();
    assertFoundAsTheTruthSays(run, chart);
    assertTrue(
        run.err()
            .contains(
                "crawl: out of reach: 6 people in a manager cycle: "
                    + AdChart.dn("island-a")
                    + " -> "
                    + AdChart.dn("island-c")
                    + " -> "
                    + AdChart.dn("island-b")
                    + " -> "
                    + AdChart.dn("island-a")
                    + ", with those below\n"),
        run.err());
    assertTrue(
        run.err()
            .contains(
                "crawl: out of reach: "
                    + AdChart.dn("abroad1")
                    + ": manager CN=outsider,"
                    + AdChart.ELSEWHERE_OU
                    + " is outside the base DN\n"),
        run.err());
    assertTrue(
        run.err()
            .endsWith(
                String.format(
                    "crawl: --find-orphans: %d people out of reach of ceo\n",
                    chart.outOfReach().size())),
        run.err());
  }

  /**
   * Exit 1; in --json, each person the truth says is reachable printed once without an outOfReach
   * object, and each out of reach once with it, the reason and head the truth says.
   */
  static void assertFoundAsTheTruthSays(CliRun run, AdChart chart) {
    assertEquals(1, run.exit(), run.err());
    Set<String> reached = new HashSet<>();
    Map<String, String> outOfReach = new TreeMap<>();
    for (String line : run.lines()) {
      Matcher uid = UID.matcher(line);
      assertTrue(uid.find(), line);
      Matcher reason = REASON.matcher(line);
      if (reason.find()) {
        assertTrue(line.contains("\"depth\":null"), line);
        Matcher head = HEAD.matcher(line.substring(reason.end()));
        assertTrue(head.find(), line);
        assertEquals(
            null,
            outOfReach.put(uid.group(1), reasonName(reason.group(1)) + " " + head.group(1)),
            line);
      } else {
        assertTrue(reached.add(uid.group(1)), "printed twice: " + line);
      }
    }
    assertEquals(chart.reachable(), reached);
    assertEquals(chart.expectedOutOfReach(), outOfReach);
  }

  @ParameterizedTest(name = "--csv, workers: {0}")
  @CsvSource({"1", "default"})
  void csv_hasTwoMoreColumns_saidForThoseOutOfReach(String workers) {
    CliRun run = crawl(workers, "--csv");
    assertEquals(1, run.exit(), run.err());
    List<List<String>> records = ExtraAttributeColumnsTest.csvRecords(run.text());
    assertEquals(
        List.of(
            "dn",
            "uid",
            "name",
            "title",
            "mail",
            "manager",
            "depth",
            "reports",
            "out_of_reach",
            "out_of_reach_why"),
        records.get(0));
    Set<String> reached = new HashSet<>();
    Map<String, String> outOfReach = new TreeMap<>();
    for (List<String> r : records.subList(1, records.size())) {
      assertEquals(10, r.size(), r.toString());
      if (r.get(8).isEmpty()) {
        assertTrue(r.get(9).isEmpty() && !r.get(6).isEmpty(), r.toString());
        assertTrue(reached.add(r.get(1)), "printed twice: " + r);
      } else {
        assertEquals("", r.get(6), "no depth out of reach: " + r);
        String why = r.get(9);
        String head =
            why.startsWith("below CN=")
                ? why.substring("below CN=".length(), why.indexOf(','))
                : r.get(1);
        if (r.get(8).equals("manager-cycle") && !why.startsWith("below ")) {
          head = r.get(1);
        }
        assertEquals(
            null, outOfReach.put(r.get(1), reasonName(r.get(8)) + " " + head), r.toString());
      }
    }
    AdChart chart = directory.chart();
    assertEquals(chart.reachable(), reached);
    assertEquals(chart.expectedOutOfReach(), outOfReach);
  }

  @org.junit.jupiter.api.Test
  void ldif_saysWhyInACommentBeforeEachPersonOutOfReach() {
    CliRun run = crawl("default", "--ldif");
    assertEquals(1, run.exit(), run.err());
    String text = run.text();
    assertTrue(
        text.contains(
            "# out of reach (manager-does-not-exist): manager "
                + AdChart.dn("gone")
                + " does not exist\ndn: "
                + AdChart.dn("gone-r1")
                + "\n"),
        text);
    assertEquals(
        directory.chart().outOfReach().size(),
        text.lines().filter(l -> l.startsWith("# out of reach (")).count());
  }

  @org.junit.jupiter.api.Test
  void help_saysTheExitStatus() {
    CliRun help = CliRun.of("ldap", "--help");
    assertEquals(0, help.exit());
    String text = help.text().replaceAll("\\s+", " ");
    assertTrue(text.contains("Exit status 1 when anyone is out of reach, 0 when nobody is."), text);
    assertTrue(text.contains("--find-orphans found people out of reach"), text);
  }
}
