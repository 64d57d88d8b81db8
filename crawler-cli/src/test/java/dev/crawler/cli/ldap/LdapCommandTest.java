package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.ldap.demo.DemoDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl ldap} through picocli's {@code execute}, against the demo and a real in-memory
 * server.
 */
class LdapCommandTest {
  @TempDir Path tmp;

  /** --stats says how many people were reached of how many there are, or why that is not known. */
  @Test
  void stats_sayHowManyWereReached_ofHowManyTheDirectoryHolds() {
    CliRun all =
        CliRun.of(
            "ldap",
            "--root",
            "ceo",
            "-q",
            "--stats",
            "--demo-people",
            "600",
            "--demo-size-limit",
            "1000");
    assertEquals(0, all.exit(), all.err());
    assertTrue(
        all.err()
            .contains(
                "\n  people reached 600 of the 600 under ou=people,dc=example,dc=com: everyone\n"),
        all.err());
    CliRun part =
        CliRun.of(
            "ldap",
            "--root",
            "adijkstra1",
            "-q",
            "--stats",
            "--demo-people",
            "600",
            "--demo-size-limit",
            "1000");
    assertEquals(0, part.exit(), part.err());
    assertTrue(
        part.err()
            .matches(
                "(?s).*\n"
                    + "  people reached \\d+ of the 600 under ou=people,dc=example,dc=com; the"
                    + " other \\d+ are above or beside the root, or out of reach of it"
                    + " \\(--find-orphans names those out of reach, and why\\)\n"
                    + ".*"),
        part.err());
    CliRun limited =
        CliRun.of(
            "ldap",
            "--root",
            "ceo",
            "-q",
            "--stats",
            "--demo-people",
            "600",
            "--demo-size-limit",
            "100");
    assertEquals(0, limited.exit(), limited.err());
    assertTrue(
        limited
            .err()
            .contains(
                "\n  people reached 600; how many ou=people,dc=example,dc=com holds is not known: "
                    + "the size limit stops a search of them and the server refuses paging"),
        limited.err());
  }

  @Test
  void demo_jsonLines_everyPersonOnce() {
    CliRun run =
        CliRun.of(
            "ldap",
            "--root",
            "ceo",
            "--workers",
            "8",
            "--demo-people",
            "600",
            "--demo-size-limit",
            "100");
    assertEquals(0, run.exit(), run.err());
    assertTrue(
        run.err().startsWith("crawl: serving a demo org chart of 600 people on ldap://127.0.0.1:"),
        run.err());
    List<String> lines = run.lines();
    assertEquals(600, lines.size());
    Pattern uid = Pattern.compile("\"uid\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    Set<String> uids =
        lines.stream()
            .map(
                l -> {
                  Matcher m = uid.matcher(l);
                  assertTrue(m.find(), l);
                  return m.group(1);
                })
            .collect(Collectors.toSet());
    assertEquals(600, uids.size(), "nobody twice");
    assertTrue(
        uids.contains("star*man")
            && uids.contains("o'neil(contractor)")
            && uids.contains("doe, jane"));
    // Workers buffer their output, so lines come in no particular order: find the CEO's.
    String ceo =
        lines.stream().filter(l -> l.startsWith("{\"dn\":\"uid=ceo,")).findFirst().orElseThrow();
    assertEquals(
        "{\"dn\":\"uid=ceo,ou=people,dc=example,dc=com\",\"uid\":\"ceo\",\"name\":",
        ceo.substring(0, 63));
    assertTrue(ceo.endsWith("\"manager\":null,\"depth\":0,\"reports\":6}"), ceo);
  }

  @Test
  void maxDepth_zero_printsTheRootAlone_oneTheRootAndItsReports() {
    CliRun zero =
        CliRun.of("ldap", "--root", "ceo", "--demo-people", "300", "-q", "--max-depth", "0");
    assertEquals(0, zero.exit(), zero.err());
    assertEquals(1, zero.lines().size(), zero.text());
    assertTrue(zero.text().startsWith("{\"dn\":\"uid=ceo,"), zero.text());
    CliRun one =
        CliRun.of("ldap", "--root", "ceo", "--demo-people", "300", "-q", "--max-depth", "1");
    assertEquals(0, one.exit(), one.err());
    assertEquals(1 + 6, one.lines().size(), "the CEO and six reports: " + one.text());
  }

  @Test
  void badNumbers_areUsageErrors_namingTheFlag_beforeTheDemoStarts() {
    String[][] cases = {
      {"--max-depth", "-1", "crawl: --max-depth must be 0 or more, not -1\n"},
      {"-j", "20000", "crawl: --workers must be from 1 to 10000, not 20000\n"},
      {
        "--rate",
        "Infinity",
        "crawl: --rate must be a positive number of listings per second, not Infinity\n"
      }
    };
    for (String[] c : cases) {
      CliRun run = CliRun.of("ldap", "--root", "ceo", c[0], c[1]);
      assertEquals(2, run.exit(), String.join(" ", c));
      assertEquals(c[2], run.err(), "one line, and no demo banner first");
    }
  }

  /** A reader building the chart from the stream needs each manager before their reports. */
  @Test
  void output_rootFirst_andEveryManagerBeforeTheirReports_inJsonAndCsv() {
    for (int round = 0; round < 3; round++) {
      CliRun json = CliRun.of("ldap", "--root", "ceo", "--demo-people", "2000", "-q", "-j", "16");
      assertEquals(0, json.exit(), json.err());
      List<String> lines = json.lines();
      assertTrue(lines.get(0).startsWith("{\"dn\":\"uid=ceo,"), lines.get(0));
      Pattern dn = Pattern.compile("\"dn\":\"((?:[^\"\\\\]|\\\\.)*)\"");
      Pattern manager = Pattern.compile("\"manager\":\"((?:[^\"\\\\]|\\\\.)*)\"");
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String line : lines) {
        Matcher m = manager.matcher(line);
        if (m.find()) {
          assertTrue(
              seen.contains(m.group(1).toLowerCase(java.util.Locale.ROOT)),
              "a report before their manager: " + line);
        }
        Matcher d = dn.matcher(line);
        assertTrue(d.find(), line);
        seen.add(d.group(1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    CliRun csv =
        CliRun.of("ldap", "--root", "ceo", "--demo-people", "300", "-q", "--csv", "-j", "8");
    assertTrue(csv.lines().get(1).startsWith("\"uid=ceo,"), csv.lines().get(1));
  }

  @Test
  void extraAttributes_asLdapsearchTakesThem_inJsonCsvAndLdif() throws Exception {
    CliRun json =
        CliRun.of("ldap", "--root", "ceo", "--demo-people", "60", "-q", "sn", "departmentNumber");
    assertEquals(0, json.exit(), json.err());
    for (String line : json.lines()) {
      assertTrue(
          line.matches(
              ".*,\"attributes\":\\{\"sn\":\\[\"[^\"]+\"\\],\"departmentNumber\":\\[\\]\\}\\}"),
          line);
    }
    CliRun csv = CliRun.of("ldap", "--root", "ceo", "--demo-people", "60", "-q", "--csv", "sn");
    assertEquals("dn,uid,name,title,mail,manager,depth,reports,sn", csv.lines().get(0));
    assertTrue(
        csv.lines().get(1).endsWith(",0,6,Sutherland")
            || csv.lines().get(1).matches(".*,0,\\d+,[A-Za-z' -]+"),
        csv.lines().get(1));
    CliRun ldif = CliRun.of("ldap", "--root", "ceo", "--demo-people", "60", "-q", "--ldif", "sn");
    assertEquals(0, ldif.exit(), ldif.err());
    List<com.unboundid.ldap.sdk.Entry> entries = new java.util.ArrayList<>();
    try (com.unboundid.ldif.LDIFReader reader =
        new com.unboundid.ldif.LDIFReader(
            new java.io.ByteArrayInputStream(ldif.text().getBytes(StandardCharsets.UTF_8)))) {
      for (com.unboundid.ldap.sdk.Entry e = reader.readEntry(); e != null; e = reader.readEntry()) {
        entries.add(e);
      }
    }
    assertEquals(60, entries.size(), "an entry per person, readable by an LDIF reader");
    assertTrue(entries.get(0).getDN().startsWith("uid=ceo,"), entries.get(0).getDN());
    assertTrue(entries.stream().allMatch(e -> e.hasAttribute("sn") && e.hasAttribute("uid")));
  }

  @Test
  void scopeOne_leavesOutPeopleBelowTheBasesChildren_andBaseIsRefused() throws Exception {
    try (DemoDirectory server =
        DemoDirectory.start(new DemoDirectory.Options(100, 2, 100, Duration.ZERO, true))) {
      server
          .server()
          .add(
              "dn: ou=contractors," + DemoDirectory.BASE_DN,
              "objectClass: organizationalUnit",
              "ou: contractors");
      server
          .server()
          .add(
              "dn: uid=temp,ou=contractors," + DemoDirectory.BASE_DN,
              "objectClass: inetOrgPerson",
              "uid: temp",
              "cn: Temp",
              "sn: Temp",
              "manager: uid=ceo," + DemoDirectory.BASE_DN);
      Path password = Files.writeString(tmp.resolve("pw1"), DemoDirectory.CRAWLER_PASSWORD);
      String[] args = {
        "ldap",
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
        "-s",
        "sub"
      };
      assertEquals(101, CliRun.of(args).lines().size(), "sub: the contractor too");
      args[args.length - 1] = "one";
      assertEquals(100, CliRun.of(args).lines().size(), "one: right under the base only");
      args[args.length - 1] = "base";
      CliRun base = CliRun.of(args);
      assertEquals(2, base.exit());
      assertEquals(
          "crawl: -s takes sub or one, not 'base': base would search the --base entry alone, and"
              + " people live below it\n",
          base.err());
    }
  }

  @Test
  void aManagerAttributeNobodyHas_isWarnedAbout() {
    CliRun run =
        CliRun.of(
            "ldap", "--root", "ceo", "--demo-people", "60", "-q", "--manager-attribute", "boss");
    assertEquals(0, run.exit(), run.err());
    assertEquals(1, run.lines().size());
    assertEquals(
        "crawl: warning: no person under ou=people,dc=example,dc=com has the attribute boss, so"
            + " nobody reports to anyone: check --manager-attribute\n",
        run.err());
  }

  @Test
  void csv_tree_dot() {
    CliRun csv = CliRun.of("ldap", "--root", "ceo", "--demo-people", "300", "-q", "--csv");
    assertEquals(0, csv.exit(), csv.err());
    assertEquals("dn,uid,name,title,mail,manager,depth,reports", csv.lines().get(0));
    assertEquals(301, csv.lines().size());
    assertTrue(
        csv.text().contains("\"uid=doe\\, jane,ou=people,dc=example,dc=com\",\"doe, jane\""),
        "quoted commas");
    assertEquals("", csv.err(), "-q: no banner");

    CliRun tree = CliRun.of("ldap", "--root", "ceo", "--demo-people", "300", "-q", "--tree");
    assertEquals(0, tree.exit(), tree.err());
    assertEquals(300, tree.lines().size());
    assertTrue(tree.lines().get(0).endsWith("(ceo), Chief Executive Officer"), tree.lines().get(0));
    assertTrue(
        tree.lines().get(1).startsWith("├── ") || tree.lines().get(1).startsWith("└── "),
        tree.lines().get(1));
    assertTrue(tree.text().contains("│   ├── "), "nested levels are drawn");

    CliRun dot =
        CliRun.of(
            "ldap", "--root", "ceo", "--demo-people", "300", "-q", "--dot", "--max-depth", "20");
    assertEquals(0, dot.exit(), dot.err());
    assertTrue(dot.text().startsWith("digraph orgchart {\n  rankdir=LR;"));
    assertTrue(dot.text().endsWith("}\n"));
    assertEquals(
        299,
        dot.lines().stream().filter(l -> l.contains(" -> ")).count(),
        "an edge per person but the root");
    CliRun top = CliRun.of("ldap", "--root", "ceo", "--demo-people", "300", "--dot");
    assertTrue(
        top.err()
            .contains(
                "crawl: --dot draws 3 levels (the root, their reports and theirs); give --max-depth"
                    + " N for more"),
        top.err());
    long edges = top.lines().stream().filter(l -> l.contains(" -> ")).count();
    assertTrue(edges > 6 && edges < 299, edges + " edges: the top three levels only");
    // A cluster per VP, named once by the VP's own record; everyone below the CEO is in one.
    List<String> boxes = top.lines().stream().filter(l -> l.contains("[label=")).toList();
    List<String> vps = boxes.stream().filter(l -> l.contains("{ label=")).toList();
    long ceoReports =
        dot.lines().stream()
            .filter(l -> l.startsWith("  \"uid=ceo,") && l.contains(" -> "))
            .count();
    assertEquals(ceoReports, vps.size(), String.join("\n", vps));
    assertEquals(
        boxes.size() - 1,
        boxes.stream().filter(l -> l.startsWith("  subgraph \"cluster:uid=")).count());
    assertTrue(
        boxes.get(0).startsWith("  \"uid=ceo,") && boxes.get(0).contains("reports\"];"),
        boxes.get(0));
  }

  @Test
  void unknownRoot_oneLineExitTwo() {
    CliRun run = CliRun.of("ldap", "--root", "nobody", "--demo-people", "100", "-q");
    assertEquals(2, run.exit());
    assertEquals("crawl: no person with uid=nobody under ou=people,dc=example,dc=com\n", run.err());
    // Not quiet: the error still comes alone, without the demo's banner before it.
    CliRun loud = CliRun.of("ldap", "--root", "nobody", "--demo-people", "100");
    assertEquals(2, loud.exit());
    assertEquals(
        "crawl: no person with uid=nobody under ou=people,dc=example,dc=com\n", loud.err());
  }

  @Test
  void unreachableServer_oneLineExitTwo() {
    CliRun run =
        CliRun.of(
            "ldap",
            "--root",
            "ceo",
            "--url",
            "ldap://127.0.0.1:1",
            "-b",
            "dc=example,dc=com",
            "--connect-timeout",
            "2s");
    assertEquals(2, run.exit());
    assertEquals(
        "crawl: cannot reach 127.0.0.1:1: connection refused (is the server running, and on that"
            + " port?)\n",
        run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertFalse(run.err().contains("\tat "));
  }

  @Test
  void realServer_withPasswordFile_andBadPassword() throws Exception {
    try (DemoDirectory server =
        DemoDirectory.start(new DemoDirectory.Options(200, 2, 100, Duration.ZERO, true))) {
      Path good = Files.writeString(tmp.resolve("good"), DemoDirectory.CRAWLER_PASSWORD + "\n");
      Path bad = Files.writeString(tmp.resolve("bad"), "guess\n");
      String url = "ldap://127.0.0.1:" + server.port();
      CliRun ok =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-H",
              url,
              "-b",
              DemoDirectory.BASE_DN,
              "-D",
              DemoDirectory.CRAWLER_DN,
              "-y",
              good.toString(),
              "--stats");
      assertEquals(0, ok.exit(), ok.err());
      assertEquals(200, ok.lines().size());
      assertTrue(ok.err().contains("LDAP operations"), ok.err());
      CliRun refused =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-H",
              url,
              "-b",
              DemoDirectory.BASE_DN,
              "-D",
              DemoDirectory.CRAWLER_DN,
              "-y",
              bad.toString());
      assertEquals(2, refused.exit());
      assertEquals(
          "crawl: the directory at 127.0.0.1:"
              + server.port()
              + " refused the bind as "
              + DemoDirectory.CRAWLER_DN
              + ": invalid credentials (check --bind-dn and the password)\n",
          refused.err());
      assertFalse(refused.err().contains(DemoDirectory.CRAWLER_PASSWORD));
    }
  }

  @Test
  void findOrphans_reportsMissingManagers_exitOne() throws Exception {
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
      String[] args = {
        "ldap",
        "--root",
        "ceo",
        "-H",
        "ldap://127.0.0.1:" + server.port(),
        "-b",
        DemoDirectory.BASE_DN,
        "-D",
        DemoDirectory.CRAWLER_DN,
        "-y",
        password.toString()
      };
      CliRun plain = CliRun.of(args);
      assertEquals(0, plain.exit(), plain.err());
      assertEquals(300, plain.lines().size(), "the orphan is out of reach");
      String[] withCheck = java.util.Arrays.copyOf(args, args.length + 1);
      withCheck[args.length] = "--find-orphans";
      CliRun checked = CliRun.of(withCheck);
      assertEquals(1, checked.exit(), checked.err());
      assertEquals(301, checked.lines().size(), "the orphan is printed, with why");
      assertTrue(
          checked
              .lines()
              .get(300)
              .endsWith(
                  ",\"depth\":null,\"reports\":0,\"outOfReach\":{"
                      + "\"reason\":\"manager-does-not-exist\",\"why\":\"manager uid=gone,"
                      + DemoDirectory.BASE_DN
                      + " does not exist\",\"head\":\"uid=orphan,"
                      + DemoDirectory.BASE_DN
                      + "\",\"manager\":\"uid=gone,"
                      + DemoDirectory.BASE_DN
                      + "\",\"cycle\":[]}}"),
          checked.lines().get(300));
      assertEquals(
          "crawl: out of reach: uid=orphan,"
              + DemoDirectory.BASE_DN
              + ": manager uid=gone,"
              + DemoDirectory.BASE_DN
              + " does not exist\ncrawl: --find-orphans: 1 person out of reach of ceo\n",
          checked.err());
    }
  }

  @Test
  void badUsage_exitTwo() {
    assertEquals(2, CliRun.of("ldap").exit(), "--root is required");
    CliRun noBase = CliRun.of("ldap", "--root", "ceo", "--url", "ldap://127.0.0.1:389");
    assertEquals(2, noBase.exit());
    assertTrue(noBase.err().startsWith("crawl: --base is needed with --url"), noBase.err());
    CliRun badUrl = CliRun.of("ldap", "--root", "ceo", "--url", "http://x", "-b", "o=x");
    assertEquals(2, badUrl.exit());
    assertTrue(badUrl.err().startsWith("crawl: bad --url 'http://x'"), badUrl.err());
    CliRun passwordWithoutDn =
        CliRun.of(
            "ldap",
            "--root",
            "ceo",
            "--url",
            "ldap://127.0.0.1:389",
            "-b",
            "o=x",
            "--password-env",
            "HOME");
    assertEquals(2, passwordWithoutDn.exit());
  }
}
