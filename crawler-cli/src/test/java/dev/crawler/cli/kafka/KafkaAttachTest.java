package dev.crawler.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.CrawlProcess;
import dev.crawler.cli.Main;
import dev.crawler.cli.fs.FsSpec;
import dev.crawler.fs.FileTreeOptions;
import dev.crawler.fs.FileTreeSource;
import dev.crawler.fs.TestTrees;
import dev.crawler.kafka.DistributedCrawl;
import dev.crawler.kafka.KafkaBroker;
import dev.crawler.kafka.KafkaCrawlSettings;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl attach} on a real broker, every process a JVM of its own: the output of a crawl over
 * Kafka does not depend on the process that started it. Whether the crawl has ended, runs, or was
 * left with nobody to list, attach prints it whole, each entry once, and exits as the starter would
 * have.
 */
class KafkaAttachTest {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  @TempDir static Path dir;
  private static KafkaBroker broker;
  private static Path root;
  private static Set<String> tree;
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
    root = Files.createDirectories(dir.resolve("tree"));
    TestTrees.populate(root);
    // Far more output than a pipe holds (about 1.5 MB of paths): a starter whose reader stops
    // reading cannot have printed it all.
    for (int d = 0; d < 200; d++) {
      Path sub = Files.createDirectories(root.resolve("many").resolve("directory-" + d));
      for (int f = 0; f < 100; f++) {
        Files.createFile(sub.resolve("a-file-with-a-longer-name-" + f));
      }
    }
    tree = TestTrees.find(root);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void killLeftovers() {
    for (Process p : started) {
      p.destroyForcibly();
      p.onExit().join();
    }
  }

  /** {@code crawl args} in a JVM of its own, stdout a pipe to this test, stderr to a file. */
  private Process crawl(Path stderr, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                JAVA,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectInput(new File("/dev/null"))
            .redirectError(stderr.toFile())
            .start();
    started.add(p);
    return p;
  }

  private static String newId() {
    return "attach-" + Long.toHexString(System.nanoTime());
  }

  @Test
  void theStarterKilledMidCrawl_attachPrintsTheWholeTreeOnce_complete() throws Exception {
    String id = newId();
    Process starter =
        crawl(
            dir.resolve(id + "-starter.err"),
            "fs",
            "-0",
            "-j",
            "1",
            "--kafka",
            broker.bootstrap(),
            "--crawl-id",
            id,
            root.toString());
    InputStream starterOut = starter.getInputStream();
    byte[] first = new byte[4096];
    int n =
        starterOut.read(
            first); // blocks until the starter prints: its crawl exists, the root is visited
    assertTrue(
        n > 0,
        "the starter printed nothing: " + Files.readString(dir.resolve(id + "-starter.err")));
    Process joiner =
        crawl(
            dir.resolve(id + "-joiner.err"),
            "join",
            "--kafka",
            broker.bootstrap(),
            "--crawl",
            id,
            "-j",
            "2");
    joiner.getOutputStream().close();
    // From here on this test reads no more of the starter's output: the pipe fills, and the
    // starter, blocked on it, has printed part of the crawl when it is killed.
    // kill -9 from outside: Process.destroyForcibly would also close the pipe, and what the
    // starter printed before it died could not be counted.
    assertEquals(
        0, new ProcessBuilder("kill", "-KILL", String.valueOf(starter.pid())).start().waitFor());
    assertEquals(137, starter.waitFor(), "killed, not finished");
    byte[] rest = starterOut.readAllBytes();
    byte[] printedByStarter = new byte[n + rest.length];
    System.arraycopy(first, 0, printedByStarter, 0, n);
    System.arraycopy(rest, 0, printedByStarter, n, rest.length);
    int starterPrinted = TestTrees.nulRecords(printedByStarter).size();
    assertTrue(
        starterPrinted < tree.size(),
        "the starter printed " + starterPrinted + " of " + tree.size());

    CrawlProcess attach =
        CrawlProcess.run(
            Map.of(),
            null,
            "attach",
            "--kafka",
            broker.bootstrap(),
            "--crawl",
            id,
            "-0",
            "--stats");
    assertEquals(0, attach.exit(), attach.err());
    assertEquals(tree, TestTrees.splitNul(attach.out()));
    assertEquals(tree.size(), TestTrees.nulRecords(attach.out()).size(), "no entry printed twice");
    assertTrue(attach.err().contains(": COMPLETE in "), attach.err());
    assertTrue(joiner.waitFor(2, TimeUnit.MINUTES), "the joiner did not end");
    assertEquals(0, joiner.exitValue(), Files.readString(dir.resolve(id + "-joiner.err")));
  }

  @Test
  void attachToAnEndedCrawl_printsItAsTheStarterDid_withoutListing() throws Exception {
    String id = newId();
    CliRun starter =
        CliRun.of(
            "fs", "--json", "-q", "--kafka", broker.bootstrap(), "--crawl-id", id, root.toString());
    assertEquals(0, starter.exit(), starter.err());
    CrawlProcess attach =
        CrawlProcess.run(
            Map.of(), null, "attach", "--kafka", broker.bootstrap(), "--crawl", id, "--json");
    assertEquals(0, attach.exit(), attach.err());
    List<String> attached = lines(attach.out());
    assertEquals(tree.size(), attached.size(), "every entry once");
    assertEquals(
        Set.copyOf(starter.lines()), Set.copyOf(attached), "the starter's lines, byte for byte");
    assertTrue(
        attach
            .err()
            .contains(
                "crawl: attached to " + id + " at " + broker.bootstrap() + ", which has ended"),
        attach.err());
    assertEquals(1, attach.err().lines().count(), attach.err());

    CliRun wrongFormat = CliRun.of("attach", "--kafka", broker.bootstrap(), "--crawl", id, "--csv");
    assertEquals(2, wrongFormat.exit(), wrongFormat.err());
    assertEquals(
        "crawl: --csv is for an org chart, and "
            + id
            + " is a crawl of directories: give -0, --json, or "
            + "neither for paths\n",
        wrongFormat.err());
  }

  @Test
  void attachToACrawlNobodyListed_listsIt_andPrintsItWhole() throws Exception {
    String id = newId();
    FileTreeOptions options = new FileTreeOptions(false, false, false, List.of(), false);
    FileTreeSource source = FileTreeSource.over(List.of(root), options);
    KafkaCrawlSettings settings = KafkaCrawlSettings.of(broker.bootstrap(), id);
    // Seeded, and left: its starter gone before any process listed anything.
    DistributedCrawl.start(
            settings, FsSpec.of(List.of(root), options), source.roots(), source.codec(), v -> {})
        .close();
    assertTrue(!DistributedCrawl.hasEnded(settings));
    CrawlProcess attach =
        CrawlProcess.run(
            Map.of(),
            null,
            "attach",
            "--kafka",
            broker.bootstrap(),
            "--crawl",
            id,
            "-0",
            "-j",
            "2");
    assertEquals(0, attach.exit(), attach.err());
    assertEquals(tree, TestTrees.splitNul(attach.out()));
    assertEquals(tree.size(), TestTrees.nulRecords(attach.out()).size(), "no entry printed twice");
    assertTrue(attach.err().contains("listing with 2 workers too, until it ends"), attach.err());
    assertTrue(DistributedCrawl.hasEnded(settings));
  }

  @Test
  void attachToARunningOrgChartCrawl_printsTheStartersCsv_managersFirst() throws Exception {
    String id = newId();
    // 20 ms a search and one worker: the starter (and the demo directory it serves) runs for
    // seconds, long enough for attach to find the crawl, reach the directory and list with it.
    java.util.concurrent.CompletableFuture<CliRun> starting =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                CliRun.of(
                    "ldap",
                    "--root",
                    "ceo",
                    "--demo-people",
                    "2000",
                    "--demo-latency",
                    "20ms",
                    "--csv",
                    "-q",
                    "-j",
                    "1",
                    "--kafka",
                    broker.bootstrap(),
                    "--crawl-id",
                    id));
    CliRun attach = null;
    for (int attempt = 0; attempt < 200 && (attach == null || attach.exit() == 2); attempt++) {
      attach =
          CliRun.of("attach", "--kafka", broker.bootstrap(), "--crawl", id, "--csv", "-j", "4");
      if (attach.exit() == 2) {
        assertTrue(attach.err().startsWith("crawl: no crawl with id " + id), attach.err());
        starting.getNow(null);
        Thread.onSpinWait();
      }
    }
    CliRun starter = starting.get();
    assertEquals(0, starter.exit(), starter.err());
    assertEquals(0, attach.exit(), attach.err());
    assertTrue(attach.err().contains("listing with 4 workers too"), attach.err());
    List<String> lines = attach.lines();
    java.util.Set<String> missing = new java.util.HashSet<>(starter.lines());
    missing.removeAll(lines);
    java.util.Set<String> extra = new java.util.HashSet<>(lines);
    extra.removeAll(starter.lines());
    assertEquals(
        2_001,
        lines.size(),
        "a header and everyone once; missing "
            + missing
            + " extra "
            + extra
            + " starter lines "
            + starter.lines().size()
            + " attach err "
            + attach.err());
    assertEquals(starter.lines().get(0), lines.get(0), "the header");
    assertEquals(Set.copyOf(starter.lines()), Set.copyOf(lines));
    Set<String> printed = new java.util.HashSet<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> fields = csv(line);
      String manager = fields.get(5);
      assertTrue(
          manager.isEmpty() || printed.contains(manager), "a report before their manager: " + line);
      printed.add(fields.get(0));
    }
  }

  /** The fields of one CSV row, quotes undone. */
  private static List<String> csv(String row) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < row.length(); i++) {
      char c = row.charAt(i);
      if (quoted && c == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
        field.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }

  @Test
  void attachToAnUnknownCrawl_isOneLine_exitTwo() throws Exception {
    CrawlProcess attach =
        CrawlProcess.run(
            Map.of(), null, "attach", "--kafka", broker.bootstrap(), "--crawl", "no-such-crawl");
    assertEquals(2, attach.exit(), attach.err());
    assertEquals(1, attach.err().lines().count(), attach.err());
    assertTrue(
        attach.err().startsWith("crawl: no crawl with id no-such-crawl at " + broker.bootstrap()),
        attach.err());
    assertEquals(0, attach.out().length);
  }

  private static List<String> lines(byte[] out) {
    return new String(out, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
  }
}
