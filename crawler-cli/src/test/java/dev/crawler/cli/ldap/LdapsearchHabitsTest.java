package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.ldap.demo.DemoDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 28, "habits people bring", ldapsearch's: {@code [filter [attributes...]]}, {@code *},
 * {@code +} and {@code 1.1}, {@code -L}/{@code -LLL}, {@code -z} and {@code -l}, and bad names or
 * filters as usage errors (one line, exit 2). Through the CLI, against the demo directory.
 */
class LdapsearchHabitsTest {
  private static final String[] DEMO = {
    "ldap", "--root", "ceo", "-q", "--demo-people", "300", "--demo-size-limit", "1000"
  };

  @TempDir Path tmp;

  private static CliRun demo(String... more) {
    List<String> args = new ArrayList<>(List.of(DEMO));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void aFirstArgumentThatIsAFilter_isTheFilter_andTheRestAttributes() {
    String noDirectors = "(&(objectClass=inetOrgPerson)(!(title=Director)))";
    CliRun positional = demo(noDirectors, "sn");
    CliRun option = demo("--filter", noDirectors, "sn");
    CliRun everyone = demo("sn");
    assertEquals(0, positional.exit(), positional.err());
    assertEquals(new HashSet<>(option.lines()), new HashSet<>(positional.lines()));
    assertNotEquals(
        everyone.lines().size(), positional.lines().size(), "the filter leaves directors out");
    assertFalse(positional.text().contains("\"title\":\"Director\""), positional.text());
    assertTrue(
        positional.lines().get(0).contains("\"attributes\":{\"sn\":["), positional.lines().get(0));
    CliRun bare =
        demo(
            "objectClass=inetOrgPerson", "sn"); // ldapsearch takes a filter without parentheses too
    assertEquals(new HashSet<>(everyone.lines()), new HashSet<>(bare.lines()));
  }

  @Test
  void starPlusAndOneDotOne_meanWhatTheyMeanToLdapsearch() {
    CliRun all = demo("-d", "0", "*");
    assertEquals(0, all.exit(), all.err());
    assertTrue(
        all.text().contains("\"sn\":[\"") && all.text().contains("\"objectClass\":["), all.text());
    assertFalse(all.text().contains("\"*\""), all.text());
    assertFalse(all.text().contains("entryUUID"), "* is user attributes: " + all.text());
    CliRun operational = demo("-d", "0", "+");
    assertTrue(operational.text().contains("\"entryUUID\":[\""), operational.text());
    assertFalse(operational.text().contains("\"sn\""), operational.text());
    CliRun both = demo("-d", "0", "--ldif", "*", "+");
    assertTrue(
        both.text().contains("\nsn: ") && both.text().contains("\nentryUUID: "), both.text());
    CliRun none = demo("-d", "0", "1.1");
    assertEquals(0, none.exit(), none.err());
    assertFalse(none.text().contains("\"attributes\""), none.text());
    CliRun csv = demo("--csv", "*");
    assertEquals(2, csv.exit());
    assertEquals(
        "crawl: --csv has a column per attribute named: * and + name none; name them, or use --json"
            + " or --ldif\n",
        csv.err());
  }

  @Test
  void minusLLL_isLdif_withoutCommentLines() throws Exception {
    try (DemoDirectory server =
        DemoDirectory.start(new DemoDirectory.Options(300, 2, 100, Duration.ZERO, true))) {
      server
          .server()
          .add(
              "dn: uid=orphan," + DemoDirectory.BASE_DN,
              "objectClass: inetOrgPerson",
              "uid: orphan",
              "cn: Orphan",
              "sn: Orphan",
              "manager: uid=gone," + DemoDirectory.BASE_DN);
      Path password = Files.writeString(tmp.resolve("pw"), DemoDirectory.CRAWLER_PASSWORD);
      List<String> args =
          List.of(
              "ldap",
              "-q",
              "--root",
              "ceo",
              "-H",
              "ldap://127.0.0.1:" + server.port(),
              "-b",
              DemoDirectory.BASE_DN,
              "-D",
              DemoDirectory.CRAWLER_DN,
              "-y",
              password.toString(),
              "--find-orphans");
      CliRun ldif = run(args, "--ldif");
      CliRun l = run(args, "-L");
      CliRun lll = run(args, "-LLL");
      assertEquals(1, lll.exit(), lll.err());
      assertEquals(
          ldif.text().lines().filter(line -> line.startsWith("dn: ")).count(),
          lll.text().lines().filter(line -> line.startsWith("dn: ")).count());
      assertTrue(ldif.text().contains("# out of reach (manager-does-not-exist): "), ldif.text());
      assertTrue(l.text().contains("# out of reach (manager-does-not-exist): "), l.text());
      assertFalse(lll.text().contains("#"), "-LLL: no comments");
      assertFalse(lll.text().startsWith("version:"), "-LLL: no version line");
      assertTrue(
          lll.text().contains("dn: uid=orphan," + DemoDirectory.BASE_DN + "\n"),
          "the orphan is still there");
      assertEquals(2, run(args, "-LLL", "--json").exit());
    }
  }

  private static CliRun run(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return CliRun.of(all.toArray(String[]::new));
  }

  @ParameterizedTest(name = "-z {0}, {1}")
  @CsvSource({"5, --json", "5, --tree", "1, --csv"})
  void sizeLimit_printsAtMostN_andSaysTheOutputIsPartial(int n, String format) {
    CliRun limited = demo("-z", String.valueOf(n), format);
    assertEquals(1, limited.exit(), limited.err());
    assertEquals(n + (format.equals("--csv") ? 1 : 0), limited.lines().size(), limited.text());
    assertTrue(
        limited
            .err()
            .endsWith(
                "crawl: the size limit of "
                    + n
                    + (n == 1 ? " person" : " people")
                    + " (-z) was reached and the crawl stopped; the output is partial\n"),
        limited.err());
  }

  @Test
  void sizeLimit_notExceeded_isComplete_andZeroIsNone() {
    CliRun exact = demo("-z", "300", "--stats");
    assertEquals(0, exact.exit(), exact.err());
    assertEquals(300, exact.lines().size());
    assertTrue(exact.err().contains(": COMPLETE in "), exact.err());
    CliRun over = demo("-z", "299", "--stats");
    assertEquals(1, over.exit(), over.err());
    assertTrue(
        over.err().contains(": SIZE_LIMIT_EXCEEDED (partial: more than 299 people, -z) in "),
        over.err());
    assertEquals(300, demo("-z", "0").lines().size());
    assertEquals(300, demo("-z", "none").lines().size());
  }

  @Test
  void timeLimit_isTheDeadline() {
    // Five levels at 500 ms a search take longer than 2 s, wherever the deadline finds the command.
    CliRun slow = demo("--demo-latency", "500ms", "-l", "2");
    assertEquals(1, slow.exit(), slow.err());
    assertTrue(slow.err().startsWith("crawl: the deadline of 2s passed"), slow.err());
    assertEquals(300, demo("-l", "0").lines().size());
    CliRun both = demo("-l", "5", "--deadline", "5s");
    assertEquals(2, both.exit());
    assertEquals(
        "crawl: give -l or --deadline, not both: -l is --deadline, as ldapsearch says it\n",
        both.err());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--manager-attribute|bad attr!|crawl: --manager-attribute 'bad attr!' is not an attribute"
            + " name",
        "--uid-attribute|1x|crawl: --uid-attribute '1x' is not an attribute name",
        "--filter|(bad|crawl: bad --filter '(bad': ",
        "-z|-3|crawl: -z takes a number of people (0 or none for no limit), not '-3'",
        "-l|soon|crawl: -l takes seconds (e.g. 30) or a duration like 500ms or 2m"
      })
  void badNamesFiltersAndLimits_areUsageErrors_inOneLine(
      String option, String value, String start) {
    CliRun run = demo(option, value);
    assertEquals(2, run.exit(), run.err());
    assertTrue(run.err().startsWith(start), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertEquals("", run.text(), "nothing crawled");
  }

  @Test
  void badPositionals_areUsageErrors_inOneLine() {
    CliRun attribute = demo("telephoneNumber", "bad attr!");
    assertEquals(2, attribute.exit());
    assertTrue(
        attribute.err().startsWith("crawl: attribute 'bad attr!' is not an attribute name"),
        attribute.err());
    CliRun filter = demo("(department=Sales");
    assertEquals(2, filter.exit());
    assertTrue(filter.err().startsWith("crawl: bad filter '(department=Sales': "), filter.err());
    CliRun second = demo("mail", "(department=Sales)");
    assertEquals(2, second.exit());
    assertEquals(
        "crawl: '(department=Sales)' looks like a filter, and only the first argument can be one,"
            + " as in ldapsearch [options] [filter [attributes...]]\n",
        second.err());
    CliRun twice = demo("--filter", "(objectClass=person)", "(objectClass=inetOrgPerson)");
    assertEquals(2, twice.exit());
    assertTrue(twice.err().startsWith("crawl: give the filter once: "), twice.err());
    for (CliRun run : List.of(attribute, filter, second, twice)) {
      assertEquals(1, run.err().lines().count(), run.err());
    }
  }

  @Test
  void help_describesTheDirectoryOptions() {
    String help = CliRun.of("ldap", "--help").text().replaceAll("\\s+", " ");
    assertTrue(help.contains("--uid-attribute=ATTR The attribute that names a person"), help);
    assertTrue(
        help.contains(
            "--manager-attribute=ATTR The attribute of a person that holds their manager's DN"),
        help);
    assertTrue(
        help.contains(
            "--connect-timeout=TIME How long to wait for a server to accept a connection"),
        help);
    assertTrue(help.contains("-z=N A size limit") || help.contains("-z N A size limit"), help);
  }
}
