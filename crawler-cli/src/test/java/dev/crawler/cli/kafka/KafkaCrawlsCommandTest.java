package dev.crawler.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.Main;
import dev.crawler.fs.TestTrees;
import dev.crawler.kafka.KafkaBroker;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl crawls} and {@code crawl crawls delete} on a real broker, with crawls started by the
 * command (one in a JVM of its own): listed with their state, deleted unless in use, cleaned up
 * after their grace period unless kept, and their ids used again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaCrawlsCommandTest {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  @TempDir static Path dir;
  private static KafkaBroker broker;
  private static Path root;
  private final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
    root = Files.createDirectories(dir.resolve("tree"));
    TestTrees.populate(root);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void kill() {
    for (Process p : processes) {
      p.destroyForcibly();
      p.onExit().join();
    }
  }

  private static String newId(String what) {
    return what + "-" + Long.toHexString(System.nanoTime());
  }

  private static CliRun crawlFs(String id, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("fs", "-0", "-j", "2", "--kafka", broker.bootstrap(), "--crawl-id", id));
    args.addAll(List.of(more));
    args.add(root.toString());
    return CliRun.of(args.toArray(String[]::new));
  }

  /** The line {@code crawl crawls} prints for crawl {@code id}, or {@code null}. */
  private static String listed(String id) {
    CliRun list = CliRun.of("crawls", "--kafka", broker.bootstrap());
    assertEquals(0, list.exit(), list.err());
    return list.lines().stream().filter(line -> line.startsWith(id + " ")).findFirst().orElse(null);
  }

  @Test
  void aFinishedCrawl_isListed_deleted_andItsIdUsedAgain() throws Exception {
    String id = newId("again");
    CliRun first = crawlFs(id, "-q");
    assertEquals(0, first.exit(), first.err());
    int entries = TestTrees.find(root).size();

    CliRun list = CliRun.of("crawls", "--kafka", broker.bootstrap());
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.lines().get(0).matches("ID +STATE +VISITS +SIZE +AGE +CLEANUP"), list.text());
    String line = listed(id);
    assertTrue(
        line != null
            && line.matches(
                java.util.regex.Pattern.quote(id)
                    + " +finished COMPLETE +"
                    + entries
                    + " +[0-9.]+ (B|kB) +[0-9]+s +in 23h"),
        list.text());

    CliRun taken = crawlFs(id, "-q");
    assertEquals(2, taken.exit(), taken.err());
    assertTrue(
        taken.err().startsWith("crawl: a crawl with id " + id + " exists already"), taken.err());

    CliRun delete = CliRun.of("crawls", "delete", id, "--kafka", broker.bootstrap());
    assertEquals(0, delete.exit(), delete.err());
    assertTrue(
        delete
            .err()
            .matches(
                "crawl: deleted "
                    + java.util.regex.Pattern.quote(id)
                    + " \\(finished COMPLETE, [0-9.]+ (B|kB)\\)\\n"),
        delete.err());
    assertEquals(null, listed(id));

    CliRun again =
        crawlFs(id, "-q"); // the parent's options work too: crawl crawls --kafka B delete ID
    assertEquals(0, again.exit(), again.err());
    assertEquals(TestTrees.find(root), TestTrees.splitNul(again.out()));
    assertEquals(
        TestTrees.nulRecords(again.out()).size(),
        TestTrees.splitNul(again.out()).size(),
        "no entry twice: nothing of the deleted crawl shows");
    CliRun parentFirst = CliRun.of("crawls", "--kafka", broker.bootstrap(), "delete", id);
    assertEquals(0, parentFirst.exit(), parentFirst.err());
  }

  @Test
  void aRunningCrawl_isRefusedInOneLine_unlessForced() throws Exception {
    String id = newId("running");
    // The starter in a JVM of its own: 200 ms a query, so the chart takes seconds.
    Process starter =
        new ProcessBuilder(
                JAVA,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "ldap",
                "--root",
                "ceo",
                "--demo-people",
                "2000",
                "--demo-latency",
                "200ms",
                "-q",
                "-j",
                "2",
                "--kafka",
                broker.bootstrap(),
                "--crawl-id",
                id)
            .redirectInput(new File("/dev/null"))
            .redirectOutput(dir.resolve(id + ".out").toFile())
            .redirectError(dir.resolve(id + ".err").toFile())
            .start();
    processes.add(starter);
    String line = listed(id);
    while (line == null || !line.contains("running (1 process)")) {
      assertTrue(
          starter.isAlive(), "the starter exited: " + Files.readString(dir.resolve(id + ".err")));
      line = listed(id);
    }
    assertTrue(
        line.matches(
            java.util.regex.Pattern.quote(id)
                + " +running \\(1 process\\), 1 reader +[0-9,]+ .* +-"),
        line);
    CliRun refused = CliRun.of("crawls", "delete", id, "--kafka", broker.bootstrap());
    assertEquals(2, refused.exit(), refused.err());
    assertEquals(
        "crawl: the crawl "
            + id
            + " is running: 1 process lists it and 1 process reads it; delete it anyway"
            + " with --force\n",
        refused.err());
    assertTrue(listed(id) != null, "refused: nothing deleted");

    CliRun forced = CliRun.of("crawls", "delete", id, "--force", "--kafka", broker.bootstrap());
    assertEquals(0, forced.exit(), forced.err());
    assertTrue(
        forced.err().startsWith("crawl: deleted " + id + " (running (1 process), 1 reader"),
        forced.err());
    assertEquals(null, listed(id));
  }

  @Test
  void finishedCrawls_areCleanedUpAfterTheirGrace_byTheNextStart_orDeleteExpired_unlessKept()
      throws Exception {
    String kept = newId("kept");
    String brief = newId("brief");
    String briefToo = newId("brief2");
    String daylong = newId("daylong");
    // brief last: each start cleans up what is due.
    for (String[] crawl :
        List.of(
            new String[] {kept, "--keep"},
            new String[] {daylong, "--keep-for", "24h"},
            new String[] {brief, "--keep-for", "1ms"})) {
      CliRun run = crawlFs(crawl[0], java.util.Arrays.copyOfRange(crawl, 1, crawl.length));
      assertEquals(0, run.exit(), run.err());
    }
    assertTrue(listed(kept).endsWith(" kept"), listed(kept));
    assertTrue(listed(brief).endsWith(" due"), listed(brief));
    assertTrue(listed(daylong).endsWith(" in 23h"), listed(daylong));

    // The next crawl started over that Kafka deletes what is due, beside its own crawl, and says
    // so.
    CliRun next = crawlFs(briefToo, "--keep-for", "1ms");
    assertEquals(0, next.exit(), next.err());
    assertTrue(
        next.err().contains("crawl: deleted 1 finished crawl past its grace period: " + brief)
            || next.err()
                .matches(
                    "(?s).*crawl: deleted \\d+ finished crawls past their grace period: .*"
                        + brief
                        + ".*"),
        next.err());
    assertEquals(null, listed(brief));

    CliRun expired = CliRun.of("crawls", "delete", "--expired", "--kafka", broker.bootstrap());
    assertEquals(0, expired.exit(), expired.err());
    assertTrue(
        expired.err().startsWith("crawl: deleted ") && expired.err().contains(briefToo),
        expired.err());
    assertFalse(expired.err().contains(kept) || expired.err().contains(daylong), expired.err());
    assertEquals(null, listed(briefToo));
    assertTrue(listed(kept) != null && listed(daylong) != null);
    CliRun nothing = CliRun.of("crawls", "delete", "--expired", "--kafka", broker.bootstrap());
    assertEquals(
        "crawl: no finished crawl at " + broker.bootstrap() + " is due for deletion\n",
        nothing.err());
  }

  @Test
  void badInput_isOneLine_exitTwo() {
    String[][] cases = {
      {"crawl: give --kafka HOST:PORT: the broker whose crawls to see", "crawls"},
      {
        "crawl: name the crawl to delete \\(crawl crawls lists them\\), or give --expired",
        "crawls",
        "delete",
        "--kafka",
        broker.bootstrap()
      },
      {
        "crawl: give an ID or --expired, not both",
        "crawls",
        "delete",
        "x",
        "--expired",
        "--kafka",
        broker.bootstrap()
      },
      {
        "crawl: no crawl with id nosuch at .*",
        "crawls",
        "delete",
        "nosuch",
        "--kafka",
        broker.bootstrap()
      },
      {"crawl: bad crawl id 'a b': .*", "crawls", "delete", "a b", "--kafka", broker.bootstrap()},
      {
        "crawl: cannot reach Kafka at 127.0.0.1:1 within 15 s .*",
        "crawls",
        "--kafka",
        "127.0.0.1:1"
      },
      {
        "crawl: --keep is for a crawl over Kafka: give --kafka HOST:PORT too",
        "fs",
        "--keep",
        root.toString()
      },
      {
        "crawl: --keep-for is for a crawl over Kafka: give --kafka HOST:PORT too",
        "ldap",
        "--root",
        "ceo",
        "--keep-for",
        "1h"
      },
      {
        "crawl: --keep and --keep-for cannot go together: give one",
        "fs",
        "--keep",
        "--keep-for",
        "1h",
        "--kafka",
        broker.bootstrap(),
        root.toString()
      },
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
      CliRun run = CliRun.of(args);
      String what = String.join(" ", args) + " -> " + run.err();
      assertEquals(2, run.exit(), what);
      assertEquals(1, run.err().lines().count(), what);
      assertTrue(run.err().strip().matches(c[0]), what);
    }
  }
}
