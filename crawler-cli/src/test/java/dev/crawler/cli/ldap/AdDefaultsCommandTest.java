package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.CrawlProcess;
import dev.crawler.ldap.AdShapedDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl ldap} on a directory shaped like Active Directory ({@link AdShapedDirectory}, whose
 * root DSE says so), as a user runs it first: no {@code --filter}, no {@code --uid-attribute}
 * (issue 25, section 2), and {@code --skip-disabled} (section 3).
 */
class AdDefaultsCommandTest {
  private static final Pattern UID = Pattern.compile("\"uid\":\"([^\"]+)\"");
  private static final Pattern DEPTH = Pattern.compile("\"depth\":(\\d+)");

  @TempDir static Path dir;
  private static AdShapedDirectory ad;
  private static Path password;

  @BeforeAll
  static void start() throws Exception {
    ad = new AdShapedDirectory(true);
    password = dir.resolve("password");
    Files.writeString(password, AdShapedDirectory.PASSWORD, StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (ad != null) {
      ad.close();
    }
  }

  private static CliRun crawl(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ldap",
                "-q",
                "-H",
                "ldap://127.0.0.1:" + ad.port(),
                "-b",
                AdShapedDirectory.BASE,
                "-D",
                AdShapedDirectory.ADMIN,
                "-y",
                password.toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** Each printed person's sAMAccountName, with their depth; fails on a person printed twice. */
  private static Map<String, Integer> printed(CliRun run) {
    assertEquals(0, run.exit(), run.err());
    Map<String, Integer> depthOf = new HashMap<>();
    for (String line : run.lines()) {
      Matcher uid = UID.matcher(line);
      Matcher depth = DEPTH.matcher(line);
      assertTrue(uid.find() && depth.find(), line);
      assertEquals(
          null,
          depthOf.put(uid.group(1), Integer.parseInt(depth.group(1))),
          "printed twice: " + line);
    }
    return depthOf;
  }

  /** It answered "no person with uid=ceo": AD people are users named by sAMAccountName. */
  @Test
  void noFlags_findsTheRootBySamAccountName_andPrintsThePeopleOnly() {
    assertEquals(
        AdShapedDirectory.MANAGER_OF.keySet(),
        printed(crawl("--root", "ceo")).keySet(),
        "everyone once, and not the computer account build01$");
    assertEquals(
        new TreeSet<>(List.of("cto", "dev1", "dev2", "old")),
        new TreeSet<>(printed(crawl("--root", "cto@example.com")).keySet()),
        "by userPrincipalName");
  }

  /**
   * --debug (in a process of its own: Main sets the log level as the JVM starts) says what was
   * chosen.
   */
  @Test
  void debug_saysWhatWasChosen_andWhy() throws Exception {
    CrawlProcess run =
        CrawlProcess.run(
            Map.of(),
            null,
            "ldap",
            "-q",
            "--debug",
            "-H",
            "ldap://127.0.0.1:" + ad.port(),
            "-b",
            AdShapedDirectory.BASE,
            "-D",
            AdShapedDirectory.ADMIN,
            "-y",
            password.toString(),
            "--root",
            "ceo",
            "--max-depth",
            "0",
            "--uid-attribute",
            "sAMAccountName");
    assertEquals(0, run.exit(), run.err());
    for (String said :
        List.of(
            "the root DSE says Active Directory",
            "person filter: (&(objectCategory=person)(objectClass=user)) (the directory's default)",
            "uid attribute: sAMAccountName (as given)",
            "back-link to reports: directReports (the directory's default)",
            "a root given by name is looked up by sAMAccountName\n")) {
      assertTrue(run.err().contains(said), said + " in " + run.err());
    }
  }

  @Test
  void aNameTwoPeopleAnswerTo_isOneLine_exit2() {
    CliRun run = crawl("--root", "amb");
    assertEquals(2, run.exit(), run.err());
    assertEquals(
        "crawl: 2 people have amb as sAMAccountName, userPrincipalName or mail ("
            + AdShapedDirectory.dn("amb")
            + "; "
            + AdShapedDirectory.dn("other")
            + "); name the root by its DN\n",
        run.err());
  }

  @Test
  void explicitFlags_win() {
    CliRun run = crawl("--root", "ceo", "--uid-attribute", "uid");
    assertEquals(2, run.exit(), run.err());
    assertEquals("crawl: no person with uid=ceo under " + AdShapedDirectory.BASE + "\n", run.err());
    Set<String> withComputers = new TreeSet<>();
    for (String line : crawl("--root", "cto", "--filter", "(objectClass=user)").lines()) {
      Matcher uid = UID.matcher(line);
      assertTrue(uid.find(), line);
      withComputers.add(uid.group(1));
    }
    assertEquals(Set.of("build01$", "cto", "dev1", "dev2", "old"), withComputers);
  }

  /** It wrote {@code uid: ceo} for a sAMAccountName, an attribute the entry does not have. */
  @Test
  void ldif_namesTheAttributesAsTheDirectoryDoes() {
    CliRun run = crawl("--root", "cto", "--ldif");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.text().contains("\nsAMAccountName: cto\n"), run.text());
    assertTrue(run.text().contains("\nmanager: " + AdShapedDirectory.dn("cto") + "\n"), run.text());
    assertFalse(run.text().contains("\nuid:"), run.text());
  }

  /**
   * Disabled accounts left out, their enabled reports shown under the nearest enabled manager: ops3
   * is below gone2 below gone, both disabled.
   */
  @Test
  void skipDisabled_leavesOutTheDisabled_andShowsTheirReportsUnderTheNearestEnabledManager() {
    Map<String, Integer> depthOf = printed(crawl("--root", "ceo", "--skip-disabled"));
    Set<String> enabled = new TreeSet<>(AdShapedDirectory.MANAGER_OF.keySet());
    enabled.removeAll(AdShapedDirectory.DISABLED);
    assertEquals(enabled, new TreeSet<>(depthOf.keySet()));
    assertEquals(1, depthOf.get("ops1"), "shown a level up, under ceo");
    assertEquals(1, depthOf.get("ops3"), "two levels up, under ceo");
    assertEquals(2, depthOf.get("dev1"));
    CliRun tree = crawl("--root", "ceo", "--skip-disabled", "--tree");
    assertEquals(0, tree.exit(), tree.err());
    assertEquals(
        """
        ceo (ceo)
        ├── amb (amb)
        ├── cto (cto)
        │   ├── dev1 (dev1)
        │   └── dev2 (dev2)
        ├── ops1 (ops1)
        ├── ops2 (ops2)
        ├── ops3 (ops3)
        └── other (other)
        """,
        tree.text());
  }

  @Test
  void skipDisabled_stillCountsTheDisabled() {
    CliRun run = crawl("--root", "ceo", "--skip-disabled", "--stats", "--csv");
    assertEquals(0, run.exit(), run.err());
    assertEquals(
        1 + AdShapedDirectory.MANAGER_OF.size() - AdShapedDirectory.DISABLED.size(),
        run.lines().size());
    assertTrue(
        run.err()
            .contains("\n  disabled accounts walked through, not printed (--skip-disabled): 3\n"),
        run.err());
    assertTrue(
        run.err()
            .contains("people reached 12 of the 12 under " + AdShapedDirectory.BASE + ": everyone"),
        run.err());
  }

  @Test
  void skipDisabled_aDisabledRootIsPrinted_itIsWhoWasAskedFor() {
    Map<String, Integer> depthOf = printed(crawl("--root", "gone", "--skip-disabled"));
    assertEquals(Map.of("gone", 0, "ops1", 1, "ops2", 1, "ops3", 1), depthOf);
  }
}
