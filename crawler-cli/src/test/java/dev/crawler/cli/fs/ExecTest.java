package dev.crawler.cli.fs;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.ClosedPipe;
import dev.crawler.cli.common.SharedOutput;
import dev.crawler.fs.TestTrees;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code crawl fs -x} and {@code -X}: every entry's command runs once with its exact bytes, outputs
 * never interleave, statuses count, and bad commands are one-line errors. Real processes throughout
 * ({@code printf}, {@code cat}, {@code sh}, {@code test}).
 */
class ExecTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    // non-UTF-8, newline, space and star names among them
    root = TestTrees.populate(tmp.resolve("tree"));
  }

  @Test
  void exec_runsOncePerEntry_withTheExactBytes() throws Exception {
    CliRun run = CliRun.of("fs", "-j", "4", root.toString(), "-x", "printf", "%s\\0");
    assertEquals(0, run.exit(), run.err());
    List<String> records = TestTrees.nulRecords(run.out());
    assertEquals(TestTrees.find(root), new HashSet<>(records), "what find prints, byte for byte");
    assertEquals(new HashSet<>(records).size(), records.size(), "each entry once");
    assertEquals("", run.err());
  }

  @Test
  void exec_placeholders_andTheSemicolonEndsTheCommand() throws Exception {
    CliRun run =
        CliRun.of(
            "fs",
            root.resolve("d2").toString(),
            "-x",
            "printf",
            "%s|%s|%s|%s\\0",
            "{/}",
            "{//}",
            "{.}",
            "{/.}",
            ";",
            "-t",
            "f",
            "-e",
            "txt");
    assertEquals(0, run.exit(), run.err());
    Set<String> expected = new HashSet<>();
    for (String path : TestTrees.find(root.resolve("d2"), "-type", "f", "-name", "*.txt")) {
      int slash = path.lastIndexOf('/');
      String name = path.substring(slash + 1);
      String stem = name.substring(0, name.lastIndexOf('.'));
      expected.add(
          name
              + "|"
              + path.substring(0, slash)
              + "|"
              + path.substring(0, path.length() - 4)
              + "|"
              + stem);
    }
    assertEquals(20, expected.size());
    assertEquals(expected, TestTrees.splitNul(run.out()));
  }

  /**
   * The deadline passes while the first command runs: that command finishes and its output is
   * whole, and no other starts. The command takes twice the deadline, so only a first command that
   * started a whole second late could make this pass for a wrong reason.
   */
  @Test
  void atTheDeadline_theRunningCommandFinishes_andNoneStarts() throws Exception {
    CliRun run =
        CliRun.of(
            "fs",
            "-j",
            "1",
            root.toString(),
            "--deadline",
            "1s",
            "-x",
            "sh",
            "-c",
            "sleep 2; printf 'done %s\\n' \"$1\"",
            "sh",
            "{}");
    assertEquals(1, run.exit(), run.err());
    assertEquals("done " + root + "\n", run.text());
    assertTrue(run.err().contains("the deadline of 1s passed"), run.err());
  }

  @Test
  void commandsOutputs_neverInterleave() throws Exception {
    // Three records per command, eight at once: each command's records must stay together. NUL
    // ends them, since a name may hold a newline.
    // Three processes write them, so they are three separate writes to the pipe.
    CliRun run =
        CliRun.of(
            "fs",
            "-j",
            "8",
            root.toString(),
            "-t",
            "f",
            "-x",
            "sh",
            "-c",
            "printf 'A %s\\0' \"$1\"; printf 'B %s\\0' \"$1\"; printf 'C %s\\0' \"$1\"",
            "sh",
            "{}");
    assertEquals(0, run.exit(), run.err());
    List<String> records = TestTrees.nulRecords(run.out());
    assertEquals(
        TestTrees.find(root, "-type", "f").size() * 3, records.size(), "whole commands only");
    for (int i = 0; i < records.size(); i += 3) {
      String path = records.get(i).substring(2);
      assertEquals(
          List.of("A " + path, "B " + path, "C " + path),
          records.subList(i, i + 3),
          "at record " + i);
    }
  }

  @Test
  void outputsLargerThanWhatIsHeld_streamUnbroken() throws Exception {
    Path big = Files.createDirectories(tmp.resolve("big"));
    int perFile = CommandRunner.HOLD_LIMIT * 3 / 2;
    for (int f = 0; f < 4; f++) {
      StringBuilder content = new StringBuilder();
      for (int line = 0; content.length() < perFile; line++) {
        content.append("file").append(f).append(" line ").append(line).append('\n');
      }
      Files.writeString(big.resolve("f" + f), content);
    }
    CliRun run = CliRun.of("fs", "-j", "4", big.toString(), "-t", "f", "-x", "cat");
    assertEquals(0, run.exit(), run.err());
    // Each file's lines come as one run, in order.
    List<String> lines = List.of(run.text().split("\n"));
    Map<String, Integer> runs = new HashMap<>();
    String previous = "";
    int expectedLine = 0;
    for (String line : lines) {
      String file = line.substring(0, line.indexOf(' '));
      if (!file.equals(previous)) {
        runs.merge(file, 1, Integer::sum);
        previous = file;
        expectedLine = 0;
      }
      assertEquals(file + " line " + expectedLine++, line);
    }
    assertEquals(Map.of("file0", 1, "file1", 1, "file2", 1, "file3", 1), runs);
  }

  @Test
  void failingCommands_areCounted_exit1() throws Exception {
    CliRun run = CliRun.of("fs", root.resolve("d0").toString(), "-x", "test", "-d");
    assertEquals(1, run.exit());
    // d0, 5 directories e*, 20 files: the 20 files fail.
    assertEquals("crawl: 20 of 26 commands failed\n", run.err());
  }

  @Test
  void aCommandThatCannotRun_isOneLine_exit2_andStopsTheCrawl() throws Exception {
    CliRun run = CliRun.of("fs", root.toString(), "-x", "no-such-command-anywhere", "{}");
    assertEquals(2, run.exit());
    assertEquals(
        "crawl: -x: cannot run 'no-such-command-anywhere {}': No such file or directory\n",
        run.err());
  }

  @Test
  void startFailures_sayTheSystemsReason_onEveryJdk() {
    assertEquals(
        "No such file or directory",
        CommandRunner.reason(
            new java.io.IOException(
                "Cannot run program \"nosuch\": error=2, No such file or directory"))); // Java 17
    assertEquals(
        "No such file or directory",
        CommandRunner.reason(
            new java.io.IOException(
                "Cannot run program \"nosuch\": Exec failed, error: 2 (No such file"
                    + " or directory) "))); // Java 25
    assertEquals(
        "Permission denied",
        CommandRunner.reason(
            new java.io.IOException("Cannot run program \"./x\": error=13, Permission denied")));
    assertEquals("something else", CommandRunner.reason(new java.io.IOException("something else")));
  }

  @Test
  void maxResults_runsThatManyCommands() throws Exception {
    CliRun run =
        CliRun.of("fs", root.toString(), "--max-results", "3", "-j", "1", "-x", "printf", "%s\\0");
    assertEquals(0, run.exit(), run.err());
    assertEquals(3, TestTrees.nulRecords(run.out()).size());
  }

  @Test
  void closedStdout_endsQuietly() throws Exception {
    CliRun run = CliRun.to(new ClosedPipe(), "fs", root.toString(), "-x", "printf", "%s\\n");
    assertEquals(0, run.exit(), run.err());
    assertEquals("", run.err());
  }

  @Test
  void execBatch_givesEveryPathOnce_inCommandLinesThatFit() throws Exception {
    // About 300 KiB of paths: at least three command lines of 128 KiB.
    Path many = Files.createDirectories(tmp.resolve("many"));
    String longName = "x".repeat(200);
    for (int i = 0; i < 1500; i++) {
      Files.createFile(many.resolve(longName + i));
    }
    CliRun run =
        CliRun.of(
            "fs",
            many.toString(),
            "-t",
            "f",
            "-X",
            "sh",
            "-c",
            "printf 'batch %s\\0' $#; printf '%s\\0' \"$@\"",
            "sh");
    assertEquals(0, run.exit(), run.err());
    List<String> records = TestTrees.nulRecords(run.out());
    List<String> paths = new ArrayList<>();
    int batches = 0;
    for (String record : records) {
      if (record.startsWith("batch ")) {
        batches++;
      } else {
        paths.add(record);
      }
    }
    assertEquals(TestTrees.find(many, "-type", "f"), new HashSet<>(paths));
    assertEquals(1500, paths.size(), "each path once");
    assertTrue(batches >= 3 && batches <= 5, batches + " batches");
  }

  @Test
  void execBatch_placeholderWord_isRepeatedForEachPath() throws Exception {
    CliRun run =
        CliRun.of(
            "fs", root.resolve("d3/e1").toString(), "-t", "f", "-X", "printf", "%s\\0", "n={/.}");
    assertEquals(0, run.exit(), run.err());
    assertEquals(Set.of("n=f0", "n=f1", "n=f2", "n=f3"), TestTrees.splitNul(run.out()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"US-ASCII", "UTF-8"})
  void namesTheJvmCannotPass_goThroughXargs_byteForByte(String charsetName) throws Exception {
    // Under the C locale Java passes only ASCII; under UTF-8, only valid UTF-8. Anything else is
    // relayed by xargs: the output must not tell the difference.
    Charset charset = Charset.forName(charsetName);
    List<byte[]> paths =
        List.of(
            bytes("plain"),
            "caf\u00e9".getBytes(UTF_8),
            bytes("bad\u00ffbyte"),
            bytes("new\nline"),
            bytes("-starts-with-dash"));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    AtomicInteger stops = new AtomicInteger();
    CommandRunner runner =
        new CommandRunner(
            CommandTemplate.parse(List.of("printf", "<%s>\\0", "{}", "{/.}"), charset, false, "-x"),
            false,
            new SharedOutput(stdout, () -> {}),
            new PrintStream(new ByteArrayOutputStream(), true, UTF_8),
            charset,
            stops::incrementAndGet);
    for (byte[] path : paths) {
      runner.accept(path);
    }
    runner.finish();
    assertEquals(0, runner.failed());
    assertEquals(0, stops.get());
    List<String> expected = new ArrayList<>();
    for (byte[] path : paths) {
      expected.add("<" + new String(path, ISO_8859_1) + ">");
      expected.add("<" + new String(path, ISO_8859_1) + ">");
    }
    assertEquals(expected, TestTrees.nulRecords(stdout.toByteArray()));
  }

  @Test
  void relayedCommand_thatIsMissing_cannotRun() throws Exception {
    CommandRunner runner =
        new CommandRunner(
            CommandTemplate.parse(List.of("no-such-command-anywhere"), US_ASCII, false, "-x"),
            false,
            new SharedOutput(new ByteArrayOutputStream(), () -> {}),
            new PrintStream(new ByteArrayOutputStream(), true, UTF_8),
            US_ASCII,
            () -> {});
    runner.accept("caf\u00e9".getBytes(UTF_8));
    runner.finish();
    assertEquals("cannot run 'no-such-command-anywhere': command not found", runner.cannotRun());
  }

  @Test
  void badExecUsage_isOneLine_exit2() {
    assertUsage(
        "crawl: -x runs a command instead of printing entries: it cannot be used with --json",
        "fs",
        root.toString(),
        "--json",
        "-x",
        "wc");
    assertUsage(
        "crawl: -x and -X cannot be used together: -x runs a command per entry, -X one for many",
        "fs",
        root.toString(),
        "-X",
        "wc",
        ";",
        "-x",
        "wc");
    assertUsage(
        "crawl: -X takes placeholders in one argument only, which it repeats for every path; '{}'"
            + " and '{.}.bak' both have some",
        "fs",
        root.toString(),
        "-X",
        "mv",
        "{}",
        "{.}.bak");
    CliRun missing = CliRun.of("fs", root.toString(), "-x");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().startsWith("crawl: CMD missing after -x/--exec"), missing.err());
  }

  @Test
  void oneFileSystem_isLongOnly_andMinusXMeansExec() throws Exception {
    CliRun run = CliRun.of("fs", "-0", "--one-file-system", root.toString());
    assertEquals(TestTrees.find(root, "-xdev"), TestTrees.splitNul(run.out()));
    CliRun xdev = CliRun.of("fs", "-0", "--xdev", root.toString());
    assertEquals(TestTrees.find(root, "-xdev"), TestTrees.splitNul(xdev.out()));
    String help = CliRun.of("fs", "--help").text();
    assertTrue(help.contains("-x, --exec=CMD"), help);
    assertTrue(help.contains("--xdev, --mount, --one-file-system"), help);
    assertFalse(help.contains("-x, --xdev"), help);
  }

  private static void assertUsage(String line, String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(2, run.exit(), run.err());
    assertEquals(line + "\n", run.err());
  }

  private static byte[] bytes(String latin1) {
    return latin1.getBytes(ISO_8859_1);
  }
}
