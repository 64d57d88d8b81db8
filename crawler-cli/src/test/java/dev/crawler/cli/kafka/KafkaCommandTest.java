package dev.crawler.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.ClosedPipe;
import dev.crawler.cli.ldap.LdapCommand;
import dev.crawler.fs.TestTrees;
import dev.crawler.kafka.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl fs --kafka} and {@code crawl join} on a real broker: the output is find's, byte for
 * byte, whoever lists what; bad addresses and unknown crawls are one line and exit 2.
 */
class KafkaCommandTest {
  @TempDir static Path dir;
  private static KafkaBroker broker;
  private static Path root;

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
    root = Files.createDirectories(dir.resolve("tree"));
    TestTrees.populate(root);
    for (int d = 0; d < 40; d++) {
      Path sub = Files.createDirectories(root.resolve("many").resolve("d" + d).resolve("deeper"));
      for (int f = 0; f < 25; f++) {
        Files.writeString(sub.resolve("f" + f), "x".repeat(f));
      }
    }
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void fsOverKafka_withAJoinedProcess_printsWhatFindPrints() throws Exception {
    String id = "cli-" + Long.toHexString(System.nanoTime());
    CompletableFuture<CliRun> started =
        CompletableFuture.supplyAsync(
            () ->
                CliRun.of(
                    "fs",
                    "-0",
                    "-j",
                    "2",
                    "--kafka",
                    broker.bootstrap(),
                    "--crawl-id",
                    id,
                    root.toString()));
    // The join waits for the crawl to exist: retry until the starter has created it.
    CliRun joined = null;
    for (int attempt = 0; attempt < 100 && (joined == null || joined.exit() == 2); attempt++) {
      joined = CliRun.of("join", "--kafka", broker.bootstrap(), "--crawl", id, "-j", "2");
      if (joined.exit() == 2) {
        assertTrue(joined.err().startsWith("crawl: no crawl with id " + id), joined.err());
        started.getNow(null); // surface a failure of the starter early
        Thread.onSpinWait();
      }
    }
    CliRun run = started.get();
    assertEquals(0, run.exit(), run.err());
    assertEquals(TestTrees.find(root), TestTrees.splitNul(run.out()));
    List<String> records = TestTrees.nulRecords(run.out());
    assertEquals(records.size(), TestTrees.splitNul(run.out()).size(), "no entry printed twice");
    Matcher announced =
        Pattern.compile(
                "crawl: crawl (\\S+) at \\S+; add machines with: crawl join --kafka \\S+ --crawl"
                    + " (\\S+)")
            .matcher(run.err());
    assertTrue(announced.find(), run.err());
    assertEquals(id, announced.group(1));
    assertEquals(0, joined.exit(), joined.err());
    assertTrue(joined.err().contains("crawl: " + id + " ended"), joined.err());
  }

  @Test
  void ldapOverKafka_withAJoinedProcess_printsTheLocalChart_managersFirst() throws Exception {
    String[] chart = {
      "ldap", "--root", "ceo", "--demo-people", "1500", "--demo-latency", "3ms", "-q"
    };
    CliRun local = CliRun.of(chart);
    assertEquals(0, local.exit(), local.err());
    String id = "cli-ldap-" + Long.toHexString(System.nanoTime());
    List<String> distributed = new ArrayList<>(List.of(chart));
    distributed.addAll(List.of("--kafka", broker.bootstrap(), "--crawl-id", id, "-j", "3"));
    CompletableFuture<CliRun> started =
        CompletableFuture.supplyAsync(() -> CliRun.of(distributed.toArray(String[]::new)));
    CliRun joined = null;
    for (int attempt = 0; attempt < 100 && (joined == null || joined.exit() == 2); attempt++) {
      joined =
          CliRun.of("join", "--kafka", broker.bootstrap(), "--crawl", id); // crawl ldap's 8 workers
      if (joined.exit() == 2) {
        assertTrue(joined.err().startsWith("crawl: no crawl with id " + id), joined.err());
        started.getNow(null);
        Thread.onSpinWait();
      }
    }
    CliRun run = started.get();
    assertEquals(0, run.exit(), run.err());
    assertEquals(0, joined.exit(), joined.err());
    assertTrue(joined.err().contains("crawl: " + id + " ended: this process listed"), joined.err());
    assertTrue(
        joined.err().contains("with " + LdapCommand.DEFAULT_WORKERS + " workers"), joined.err());
    List<String> lines = run.text().lines().toList();
    assertEquals(1_500, lines.size());
    assertEquals(
        new java.util.TreeSet<>(local.text().lines().toList()), new java.util.TreeSet<>(lines));
    assertEquals(local.text().lines().findFirst(), lines.stream().findFirst(), "the CEO first");
    java.util.Set<String> printed = new java.util.HashSet<>();
    Pattern field = Pattern.compile("\"(dn|manager)\":(null|\"([^\"]*)\")");
    for (String line : lines) {
      Matcher m = field.matcher(line);
      assertTrue(m.find(), line);
      String dn = m.group(3);
      assertTrue(m.find(), line);
      assertTrue(
          m.group(3) == null || printed.contains(m.group(3)),
          "a report before their manager: " + line);
      printed.add(dn);
    }
  }

  @Test
  void readerGoingAway_stopsFollowingQuietly_exitZero() {
    java.io.OutputStream closedPipe = new ClosedPipe();
    CliRun run = CliRun.to(closedPipe, "fs", "-q", "--kafka", broker.bootstrap(), root.toString());
    assertEquals(0, run.exit(), run.err());
    assertEquals("", run.err());
  }

  @Test
  void badKafkaInput_isOneLine_exitTwo() {
    List<String[]> cases = new ArrayList<>();
    cases.add(
        new String[] {
          "crawl: bad --kafka address 'nohost': write it like host:9092",
          "fs",
          "--kafka",
          "nohost",
          root.toString()
        });
    cases.add(
        new String[] {
          "crawl: -L cannot be used with --kafka: .*",
          "fs",
          "-L",
          "--kafka",
          broker.bootstrap(),
          root.toString()
        });
    cases.add(
        new String[] {
          "crawl: cannot reach Kafka at 127.0.0.1:1 within 15 s \\(is the broker running, and on"
              + " that port\\?\\)",
          "join",
          "--kafka",
          "127.0.0.1:1",
          "--crawl",
          "x"
        });
    cases.add(
        new String[] {
          "crawl: no crawl with id nosuch at .*",
          "join",
          "--kafka",
          broker.bootstrap(),
          "--crawl",
          "nosuch"
        });
    cases.add(
        new String[] {
          "crawl: bad --kafka address 'nohost': write it like host:9092",
          "ldap",
          "--root",
          "ceo",
          "--kafka",
          "nohost"
        });
    cases.add(
        new String[] {
          "crawl: --dot draws the top levels of the chart \\(--max-depth\\), which does not work"
              + " with --kafka yet",
          "ldap",
          "--root",
          "ceo",
          "--dot",
          "--kafka",
          broker.bootstrap()
        });
    cases.add(
        new String[] {
          "crawl: give the password one way: .*",
          "join",
          "--kafka",
          broker.bootstrap(),
          "--crawl",
          "x",
          "--password-env",
          "A",
          "-W"
        });
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
