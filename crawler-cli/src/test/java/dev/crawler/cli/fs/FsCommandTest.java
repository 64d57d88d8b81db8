package dev.crawler.cli.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.ClosedPipe;
import dev.crawler.cli.CrawlCommand;
import dev.crawler.cli.CrawlProcess;
import dev.crawler.fs.TestTrees;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crawl fs} through picocli's {@code execute}, with stdout and stderr captured. */
class FsCommandTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    root = TestTrees.populate(tmp.resolve("tree"));
  }

  @Test
  void nul_printsExactlyWhatFindPrints() throws Exception {
    CliRun run = CliRun.of("fs", "-0", "-j", "3", root.toString());
    assertEquals(0, run.exit(), run.err());
    assertEquals(TestTrees.find(root), TestTrees.splitNul(run.out()));
    assertEquals("", run.err());
  }

  /**
   * Issue 27: a chain of 10,000 directories, 20,000 bytes deep. With the native reader, all 10,001
   * paths, as find prints them, exit 0; with java.nio, what it can reach, one line that names the
   * limit, exit 1.
   */
  @Test
  void chainOf10000_printsWhatFindPrints_orSaysWhereItStops() throws Exception {
    Path shm = Path.of("/dev/shm");
    Path dir =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "crawler-chain")
            : Files.createDirectory(
                tmp.resolve("chain")); // tmpfs: ext4 took 30 s to make and delete it, busy
    try {
      TestTrees.shell(
          dir,
          "set -e; s=$(printf 'd/%.0s' {1..1000}); for i in $(seq 10); do mkdir -p \"$s\"; cd"
              + " \"$s\"; done");
      Set<String> found = TestTrees.find(dir);
      assertEquals(10_001, found.size());
      CliRun run = CliRun.of("fs", "-0", "-j", "3", dir.toString());
      if (dev.crawler.fs.FileTreeSource.canReadDiskUsage()) { // the native reader
        assertEquals("", run.err());
        assertEquals(0, run.exit());
        assertEquals(found, TestTrees.splitNul(run.out()));
        // -t e must ask the system about a directory by its path: too long, each is said, exit 1.
        CliRun empty = CliRun.of("fs", "-0", "-t", "e", "--min-depth", "9990", dir.toString());
        assertEquals(1, empty.exit(), empty.err());
        assertEquals("", new String(empty.out(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(
            11,
            empty
                .err()
                .lines()
                .filter(
                    l ->
                        l.startsWith("crawl: " + dir + "/d/d/")
                            && l.contains(
                                ": left out: -t and --owner cannot check an entry whose path has "))
                .count(),
            empty.err());
        return;
      }
      assertEquals(1, run.exit(), run.err());
      Set<String> reached =
          found.stream().filter(p -> p.lastIndexOf('/') < 4096).collect(Collectors.toSet());
      assertEquals(reached, TestTrees.splitNul(run.out()));
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(
          run.err().startsWith("crawl: " + dir + "/d/d/")
              && run.err().contains(": File name too long: not listed, its path has ")
              && run.err().contains("(PATH_MAX)"),
          run.err());
    } finally {
      TestTrees.shell(
          dir.getParent(), "rm -rf " + dir); // JUnit cannot delete paths longer than PATH_MAX
    }
  }

  @Test
  void plain_printsOnePathPerLine_rawBytes() throws Exception {
    CliRun run = CliRun.of("fs", root.toString());
    assertEquals(0, run.exit(), run.err());
    // A name with a newline spans two lines, as with find; compare the whole byte streams as sets
    // of lines.
    Set<String> expected =
        TestTrees.find(root).stream()
            .flatMap(p -> Arrays.stream(p.split("\n")))
            .collect(Collectors.toSet());
    assertEquals(expected, run.latin1Lines());
    assertTrue(run.latin1().contains(root + "/odd/bad\u00ffbyte\n"), "raw byte 0xFF kept");
  }

  @Test
  void json_hasEveryEntryWithItsFields_andBase64ForNonUtf8Names() throws Exception {
    CliRun run = CliRun.of("fs", "--json", root.toString());
    assertEquals(0, run.exit(), run.err());
    String text = new String(run.out(), StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertEquals(TestTrees.find(root).size(), lines.size());
    Pattern shape =
        Pattern.compile(
            "\\{\"path\":\"(.*)\"(,\"path_base64\":\"[A-Za-z0-9+/=]+\")?,\"type\":\"(file|directory|symlink|other)\","
                + "\"size\":\\d+,\"mtime\":\"[0-9T:.Z-]+\",\"depth\":(\\d)}");
    for (String line : lines) {
      Matcher m = shape.matcher(line);
      assertTrue(m.matches(), "bad JSON line: " + line);
    }
    assertTrue(text.contains("new\\nline"), "newline escaped in JSON");
    assertTrue(text.contains("\"path_base64\":"), "the non-UTF-8 name carries its bytes");
    assertTrue(text.contains("caf\u00e9"), "a UTF-8 name is plain text");
    assertTrue(text.contains("\"path\":\"" + root + "/links/to-dir\",\"type\":\"symlink\""));
  }

  @Test
  void typeAndDepthFilters_matchFind() throws Exception {
    CliRun run = CliRun.of("fs", "-0", "-t", "f", "--min-depth", "2", "-d", "3", root.toString());
    assertEquals(0, run.exit(), run.err());
    assertEquals(
        TestTrees.find(root, "-mindepth", "2", "-maxdepth", "3", "-type", "f"),
        TestTrees.splitNul(run.out()));
    CliRun dirs = CliRun.of("fs", "-0", "-t", "d,l", root.toString());
    assertEquals(
        TestTrees.find(root, "(", "-type", "d", "-o", "-type", "l", ")"),
        TestTrees.splitNul(dirs.out()));
  }

  @Test
  void maxDepth_zeroOneTwo_matchFindMaxdepth() throws Exception {
    for (String depth : new String[] {"0", "1", "2"}) {
      CliRun run = CliRun.of("fs", "-0", "-d", depth, root.toString());
      assertEquals(0, run.exit(), run.err());
      assertEquals(
          TestTrees.find(root, "-maxdepth", depth), TestTrees.splitNul(run.out()), "-d " + depth);
    }
    assertEquals(
        Set.of(TestTrees.bytesOf(root)),
        TestTrees.splitNul(CliRun.of("fs", "-0", "-d", "0", root.toString()).out()));
  }

  @Test
  void severalRoots_areOneCrawl_printingWhatFindPrints_evenNestedOnes() throws Exception {
    Path d1 = root.resolve("d1");
    Path nested = root.resolve("d2/e1");
    CliRun run =
        CliRun.of(
            "fs", "-0", "-j", "3", d1.toString(), nested.toString(), root.resolve("d2").toString());
    assertEquals(0, run.exit(), run.err());
    List<String> expected = new java.util.ArrayList<>();
    for (Path p : List.of(d1, nested, root.resolve("d2"))) {
      expected.addAll(TestTrees.find(p));
    }
    List<String> got = new java.util.ArrayList<>(Arrays.asList(run.latin1().split("\0")));
    expected.sort(null);
    got.sort(null);
    assertEquals(expected, got, "find d1 d2/e1 d2 prints d2/e1's entries twice; so does crawl fs");
    CliRun stats = CliRun.of("fs", "--stats", "-q", d1.toString(), nested.toString());
    assertEquals(
        1,
        stats.err().lines().filter(l -> l.startsWith("crawl: ")).count(),
        "one crawl: " + stats.err());
  }

  @Test
  void summary_ofSeveralRoots_hasALinePerTopLevelEntryOfEach() throws Exception {
    CliRun run =
        CliRun.of("fs", "--summary", root.resolve("d1").toString(), root.resolve("d2").toString());
    assertEquals(0, run.exit(), run.err());
    for (String d : new String[] {"d1", "d2"}) {
      for (int b = 0; b < 5; b++) {
        Path top = root.resolve(d).resolve("e" + b);
        String line = DuOracle.bytes(false, top) + "\t4\t1\t0\t" + top;
        assertTrue(run.latin1().lines().anyMatch(line::equals), line + " in " + run.latin1());
      }
    }
    assertTrue(
        run.latin1()
            .endsWith(
                DuOracle.bytes(false, root.resolve("d1"), root.resolve("d2"))
                    + "\t40\t12\t0\ttotal\n"),
        run.latin1());
  }

  @Test
  void badNumbers_areUsageErrors_namingTheFlag() {
    String[][] cases = {
      {"--min-depth", "-2", "crawl: --min-depth must be 0 or more, not -2\n"},
      {"-d", "-1", "crawl: --max-depth must be 0 or more, not -1\n"},
      {"-j", "0", "crawl: --workers must be from 1 to 10000, not 0\n"},
      {
        "--rate",
        "Infinity",
        "crawl: --rate must be a positive number of listings per second, not Infinity\n"
      },
      {"--rate", "0", "crawl: --rate must be a positive number of listings per second, not 0\n"}
    };
    for (String[] c : cases) {
      CliRun run = CliRun.of("fs", c[0], c[1], root.toString());
      assertEquals(2, run.exit(), String.join(" ", c));
      assertEquals(c[2], run.err());
    }
  }

  @Test
  void exclude_prunes() throws Exception {
    CliRun run = CliRun.of("fs", "-0", "-E", "d1", "-E", ".hidden", root.toString());
    assertEquals(
        TestTrees.find(
            root, "(", "-name", "d1", "-o", "-name", ".hidden", ")", "-prune", "-o", "-print0"),
        TestTrees.splitNul(run.out()));
  }

  @Test
  void gitignore_printsTheFilesGitListsAsNotIgnored_byteForByte() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("src/build"));
    assertEquals(
        0, new ProcessBuilder("git", "init", "-q", repo.toString()).inheritIO().start().waitFor());
    Files.writeString(repo.resolve(".gitignore"), "*.log\nbuild/\n!keep.log\n");
    Files.writeString(repo.resolve("src/.gitignore"), "*.tmp\n");
    Files.writeString(repo.resolve(".git/info/exclude"), "secret\n");
    for (String name :
        List.of("a.log", "keep.log", "secret", "src/x.tmp", "src/x.java", "src/build/out")) {
      Files.writeString(repo.resolve(name), "");
    }
    byte[] badName =
        (repo + "/bad.log").getBytes(StandardCharsets.UTF_8); // ignored, though not UTF-8
    badName[badName.length - 5] = (byte) 0xff;
    Files.write(dev.crawler.fs.PathBytes.toPath(badName), new byte[0]);
    byte[] keptName = (repo + "/src/kept?").getBytes(StandardCharsets.UTF_8);
    keptName[keptName.length - 1] = (byte) 0xfe;
    Files.write(dev.crawler.fs.PathBytes.toPath(keptName), new byte[0]);
    Files.writeString(repo.resolve("src/caf\u00e9.java"), "");

    CliRun run = CliRun.of("fs", "-0", "--gitignore", "-t", "f", repo.toString());
    assertEquals(0, run.exit(), run.err());
    Process git =
        new ProcessBuilder("git", "ls-files", "-z", "--others", "--exclude-standard")
            .directory(repo.toFile())
            .start();
    Set<String> expected =
        Arrays.stream(
                new String(git.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
                    .split("\0"))
            .map(p -> repo + "/" + p)
            .collect(Collectors.toSet());
    assertEquals(0, git.waitFor());
    assertTrue(
        expected.contains(repo + "/src/x.java") && !expected.contains(repo + "/a.log"),
        expected.toString());
    assertEquals(expected, TestTrees.splitNul(run.out()).stream().collect(Collectors.toSet()));

    CliRun kafka = CliRun.of("fs", "--gitignore", "--kafka", "127.0.0.1:9", repo.toString());
    assertEquals(2, kafka.exit());
    assertTrue(
        kafka.err().startsWith("crawl: --gitignore cannot be used with --kafka"), kafka.err());
  }

  @Test
  void follow_reportsTheLoop_exitsOne_andPrintsWhatFindMinusLPrints() throws Exception {
    CliRun run = CliRun.of("fs", "-0", "-L", root.toString());
    assertEquals(1, run.exit());
    assertEquals(TestTrees.find(root, "-L"), TestTrees.splitNul(run.out()));
    assertEquals(
        "crawl: "
            + root
            + "/links/to-ancestor: File system loop: a link to one of its own ancestors (not"
            + " entered)\n",
        run.err());
  }

  @Test
  void du_andSummary_countFilesDirsAndBytes() throws Exception {
    CliRun run = CliRun.of("fs", "--summary", root.toString());
    assertEquals(0, run.exit(), run.err());
    List<String> lines = run.latin1().lines().toList();
    assertEquals("bytes\tfiles\tdirs\terrors\tpath", lines.get(0));
    long files = TestTrees.find(root, "!", "-type", "d").size() - 1; // the root is a directory
    long dirs = TestTrees.find(root, "-type", "d").size();
    String total = lines.get(lines.size() - 1);
    String[] cells = total.split("\t");
    assertEquals("total", cells[4]);
    assertEquals(String.valueOf(files + 1), cells[1], "every non-directory, the root excluded");
    assertEquals(String.valueOf(dirs), cells[2]);
    assertEquals(String.valueOf(DuOracle.bytes(false, root)), cells[0], "what du -s says");
    String d5 = DuOracle.bytes(false, root.resolve("d5")) + "\t20\t6\t0\t" + root.resolve("d5");
    assertTrue(lines.contains(d5), d5 + " in " + run.latin1());
    CliRun apparent = CliRun.of("fs", "--du", "--apparent-size", root.toString());
    assertEquals(
        DuOracle.bytes(true, root) + "\t" + (files + 1) + "\t" + dirs + "\t0\ttotal",
        apparent.latin1().lines().toList().get(1),
        "what du -sb says");
  }

  @Test
  void du_countsAFileWithSeveralNamesOnce_asDuDoes() throws Exception {
    Path linked = Files.createDirectories(tmp.resolve("linked"));
    Files.createDirectories(linked.resolve("a"));
    Files.createDirectories(linked.resolve("b"));
    Files.write(linked.resolve("a/data"), new byte[100_000]);
    Files.createLink(linked.resolve("b/same"), linked.resolve("a/data"));
    Files.write(linked.resolve("b/sparse"), new byte[0]);
    try (java.io.RandomAccessFile sparse =
        new java.io.RandomAccessFile(linked.resolve("b/sparse").toFile(), "rw")) {
      sparse.setLength(50_000_000); // a hole: 50 MB apparent, no disk
    }
    for (boolean apparent : new boolean[] {false, true}) {
      for (String workers : new String[] {"1", "4"}) {
        CliRun run =
            apparent
                ? CliRun.of("fs", "--du", "--apparent-size", "-j", workers, linked.toString())
                : CliRun.of("fs", "--du", "-j", workers, linked.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals(
            DuOracle.bytes(apparent, linked) + "\t3\t3\t0\ttotal",
            run.latin1().lines().toList().get(1),
            (apparent ? "--apparent-size" : "disk usage") + ", -j " + workers);
      }
    }
  }

  @Test
  void apparentSize_withoutDu_isAUsageError() {
    CliRun run = CliRun.of("fs", "--apparent-size", root.toString());
    assertEquals(2, run.exit());
    assertEquals("crawl: --apparent-size goes with --du or --summary\n", run.err());
  }

  @Test
  void missingRoot_isOneLineAndExitTwo() {
    CliRun run = CliRun.of("fs", tmp.resolve("nope").toString());
    assertEquals(2, run.exit());
    assertEquals("crawl: " + tmp.resolve("nope") + ": no such directory\n", run.err());
  }

  @Test
  void unknownFlag_saysWhatAndHow_exitTwo() {
    CliRun run = CliRun.of("fs", "--colour", root.toString());
    assertEquals(2, run.exit());
    assertEquals("crawl: Unknown option: '--colour' (see 'crawl fs --help')\n", run.err());
  }

  @Test
  void badGlob_badType_badDuration_exitTwo() {
    CliRun glob = CliRun.of("fs", "-E", "a{b", root.toString());
    assertEquals(2, glob.exit());
    assertTrue(glob.err().startsWith("crawl: bad exclude glob 'a{b'"), glob.err());
    assertFalse(glob.err().contains("\tat "), "no stack trace without --debug");
    CliRun type = CliRun.of("fs", "-t", "q", root.toString());
    assertEquals(2, type.exit());
    assertEquals(
        "crawl: --type takes f (file), d (directory), l (symlink), o (other), s (socket), p (pipe),"
            + " b (block-device), c (char-device), x (executable) or e (empty), not 'q'\n",
        type.err());
    CliRun deadline = CliRun.of("fs", "--deadline", "soon", root.toString());
    assertEquals(2, deadline.exit());
    assertTrue(deadline.err().contains("'soon' is not a duration"), deadline.err());
  }

  @Test
  void noSubcommand_saysWhatToDo_exitTwo() {
    CliRun run = CliRun.of();
    assertEquals(2, run.exit());
    assertEquals(
        "crawl: name what to crawl: crawl fs DIR, or crawl ldap --root UID (see 'crawl --help')\n",
        run.err());
  }

  /**
   * In a process of its own: the trace goes through SLF4J, whose level Main sets as the JVM starts.
   */
  @Test
  void debug_showsTheStackTrace() throws Exception {
    CrawlProcess run =
        CrawlProcess.run(java.util.Map.of(), null, "fs", "--debug", tmp.resolve("nope").toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("NoSuchFileException"), run.err());
    int line = run.err().indexOf("crawl: " + tmp.resolve("nope") + ": no such directory\n");
    assertTrue(
        line >= 0 && line < run.err().indexOf("NoSuchFileException"),
        "the one line, then the trace: " + run.err());
    CrawlProcess quiet =
        CrawlProcess.run(java.util.Map.of(), null, "fs", tmp.resolve("nope").toString());
    assertEquals("crawl: " + tmp.resolve("nope") + ": no such directory\n", quiet.err());
  }

  @Test
  void stats_reportsTheCrawlOnStderr() {
    CliRun run = CliRun.of("fs", "--stats", "-q", root.toString());
    assertEquals(0, run.exit());
    assertTrue(run.err().startsWith("crawl: " + root + ": COMPLETE in "), run.err());
    assertTrue(run.err().contains("handoffs"), run.err());
  }

  @Test
  void readerGoingAway_stopsTheCrawlQuietly() {
    java.io.OutputStream closedPipe = new ClosedPipe();
    StringWriter err = new StringWriter();
    int exit =
        CrawlCommand.commandLine(closedPipe)
            .setErr(new PrintWriter(err, true))
            .execute("fs", "-j", "2", root.toString());
    assertEquals(0, exit);
    assertEquals("", err.toString());
  }
}
