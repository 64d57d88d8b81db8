package dev.crawler.cli.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.Main;
import dev.crawler.fs.TestTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crawl fs}'s filters against find's, on the awkward test tree. */
class FsFilterTest {
  @TempDir static Path tmp;
  static Path root;

  @BeforeAll
  static void tree() throws Exception {
    root = tmp.resolve("tree");
    Files.createDirectories(root);
    TestTrees.populate(root);
    Files.writeString(root.resolve("d0/UPPER.TXT"), "shout");
    Files.setLastModifiedTime(
        root.resolve("d1/e1/f2.txt"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    // For -t: a socket, executables, and (as root) a file someone else owns, for --owner.
    try (java.nio.channels.ServerSocketChannel socket =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      socket.bind(java.net.UnixDomainSocketAddress.of(root.resolve("d2/socket")));
    } // the socket file stays after the channel is closed
    TestTrees.shell(
        root,
        "chmod +x d3/e1/f2.txt d4/e4/f0.txt && touch d5/nobodys"
            + (TestTrees.runningAsRoot() ? " && chown 65534:65534 d5/nobodys" : ""));
  }

  private static Set<String> crawl(String... args) {
    List<String> all = new ArrayList<>(List.of("fs", "-0"));
    all.addAll(List.of(args));
    CliRun run = CliRun.of(all.toArray(String[]::new));
    assertEquals(0, run.exit(), all + ": " + run.err());
    return TestTrees.splitNul(run.out());
  }

  @Test
  void glob_smartCase_likeFindName() throws Exception {
    assertEquals(TestTrees.find(root, "-iname", "*.txt"), crawl("-g", "*.txt", root.toString()));
    assertEquals(
        TestTrees.find(root, "-name", "*.TXT"),
        crawl("-g", "*.TXT", root.toString()),
        "capitals: case counts");
    assertEquals(
        TestTrees.find(root, "-name", "f1*", "-name", "*.txt"),
        crawl("-g", "f1*", "-g", "*.txt", root.toString()));
  }

  /**
   * fd's habits: -i and -s override smart case, -p matches the whole path, long type names,
   * --threads.
   */
  @Test
  void fdHabits_ignoreCase_caseSensitive_fullPath_typeNames_threads() throws Exception {
    assertEquals(
        TestTrees.find(root, "-iname", "*.TXT"), crawl("-i", "-g", "*.TXT", root.toString()));
    assertEquals(
        TestTrees.find(root, "-name", "*.txt"), crawl("-s", "-g", "*.txt", root.toString()));
    assertEquals(
        TestTrees.find(root, "-name", "*.txt"),
        crawl("--case-sensitive", "--regex", "\\.txt$", root.toString()));
    assertEquals(
        TestTrees.find(root, "-ipath", "*/d1/*/*.txt"),
        crawl("-p", "-g", "**/d1/*/*.txt", root.toString()));
    assertEquals(
        TestTrees.find(root, "-ipath", "*/e1/*"),
        crawl("--full-path", "--regex", "/e1/", root.toString()));
    assertEquals(crawl("-t", "f", root.toString()), crawl("-t", "file", root.toString()));
    assertEquals(
        crawl("-t", "d,l", root.toString()),
        crawl("-t", "directory", "-t", "symlink", root.toString()));
    assertEquals(crawl("-j", "3", root.toString()), crawl("--threads", "3", root.toString()));
  }

  @Test
  void fdHabits_thatContradictOrAreMissing_sayWhyInOneLine() {
    for (String[] args :
        List.of(
            new String[] {"-i", "-s", "-g", "x"},
            new String[] {"-t", "q"},
            new String[] {"-t", "bogus"},
            new String[] {"--owner", "no-such-user-here"},
            new String[] {"--owner", ":no-such-group-here"},
            new String[] {"--owner", ":"},
            new String[] {"-l", "-x", "echo"},
            new String[] {"-l", "--json"},
            new String[] {"--kafka", "localhost:1", "-t", "x"},
            new String[] {"--kafka", "localhost:1", "--owner", "root"},
            new String[] {"-1"})) {
      List<String> all = new ArrayList<>(List.of("fs"));
      all.addAll(List.of(args));
      all.add(root.toString());
      CliRun run = CliRun.of(all.toArray(String[]::new));
      assertEquals(2, run.exit(), all + ": " + run.err());
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().startsWith("crawl: "), run.err());
      if (args[0].equals("-1")) {
        assertTrue(run.err().contains("--max-results 1"), run.err());
      }
    }
  }

  /** fd's type letters and names, each against find's answer to the same question. */
  @Test
  void fdTypes_executableEmptySocketPipeDevices_likeFind() throws Exception {
    assertEquals(
        TestTrees.find(root, "-type", "f", "-executable"), crawl("-t", "x", root.toString()));
    assertEquals(
        TestTrees.find(root, "(", "-type", "f", "-o", "-type", "d", ")", "-empty"),
        crawl("-t", "e", root.toString()));
    assertEquals(TestTrees.find(root, "-type", "f", "-empty"), crawl("-t", "e,f", root.toString()));
    assertEquals(
        TestTrees.find(root, "-type", "d", "-empty"),
        crawl("-t", "empty", "-t", "directory", root.toString()));
    assertEquals(TestTrees.find(root, "-type", "s"), crawl("-t", "s", root.toString()));
    assertEquals(TestTrees.find(root, "-type", "p"), crawl("-t", "pipe", root.toString()));
    assertEquals(
        TestTrees.find(root, "(", "-type", "p", "-o", "-type", "s", ")"),
        crawl("-t", "p,socket", root.toString()));
    assertEquals(crawl("-t", "x", root.toString()), crawl("-t", "executable", root.toString()));
    assertEquals(1, TestTrees.find(root, "-type", "s").size());
    assertEquals(2, TestTrees.find(root, "-type", "f", "-executable").size());
    assertTrue(crawl("-t", "e", root.toString()).contains(root + "/empty"));
    Path dev = Path.of("/dev");
    assertEquals(
        TestTrees.find(dev, "-maxdepth", "1", "-type", "c"),
        crawl("-d", "1", "-t", "c", dev.toString()));
    assertEquals(
        TestTrees.find(dev, "-maxdepth", "1", "-type", "b"),
        crawl("-d", "1", "-t", "block-device", dev.toString()));
    assertEquals(
        TestTrees.find(dev, "-maxdepth", "1", "-type", "c"),
        crawl("-d", "1", "-t", "char-device", dev.toString()));
    assertFalse(
        TestTrees.find(dev, "-maxdepth", "1", "-type", "c").isEmpty(), "/dev/null at least");
  }

  /** fd's --owner against find's -user and -group, by name and by number, and left out with !. */
  @Test
  void fdOwner_likeFindUserAndGroup() throws Exception {
    String user = System.getProperty("user.name");
    assertEquals(TestTrees.find(root, "-user", user), crawl("--owner", user, root.toString()));
    assertEquals(TestTrees.find(root, "-uid", "65534"), crawl("--owner", "65534", root.toString()));
    assertEquals(
        TestTrees.find(root, "!", "-uid", "65534", "!", "-gid", "65534"),
        crawl("--owner", "!65534:!65534", root.toString()));
    assertEquals(
        TestTrees.find(root, "-gid", "65534"), crawl("--owner", ":65534", root.toString()));
    if (TestTrees.runningAsRoot()) {
      assertEquals(Set.of(root + "/d5/nobodys"), crawl("--owner", "65534:65534", root.toString()));
    }
  }

  /**
   * fd's -l is GNU ls -l of every entry found: the same lines as find -exec ls -l +, but for
   * spacing.
   */
  @Test
  void fdListDetails_isLsOfWhatFindFinds() throws Exception {
    CliRun run = CliRun.of("fs", "-l", "--color", "never", root.toString());
    assertEquals(0, run.exit(), run.err());
    Process ls =
        new ProcessBuilder(
                "find",
                root.toString(),
                "-exec",
                "ls",
                "-l",
                "--human-readable",
                "--directory",
                "--color=never",
                "--",
                "{}",
                "+")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] expected = ls.getInputStream().readAllBytes();
    assertEquals(0, ls.waitFor());
    assertEquals(lines(expected), lines(run.out()));
    assertTrue(
        lines(run.out()).stream().anyMatch(l -> l.startsWith("prw")), "the pipe, as ls shows it");
  }

  /** Lines with their runs of spaces made one: ls pads columns to the widest of each batch. */
  private static Set<String> lines(byte[] out) {
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1)
        .lines()
        .map(l -> l.replaceAll(" +", " "))
        .collect(java.util.stream.Collectors.toSet());
  }

  /** fd's --strip-cwd-prefix: what find . prints, without its ./ (the root . stays .). */
  @Test
  void fdStripCwdPrefix_isFindDotWithoutDotSlash() throws Exception {
    Set<String> expected = new java.util.HashSet<>();
    for (String path : TestTrees.splitNul(findIn(root))) {
      expected.add(path.startsWith("./") ? path.substring(2) : path);
    }
    assertEquals(expected, TestTrees.splitNul(crawlIn(root, "--strip-cwd-prefix")));
    assertTrue(
        expected.contains("d0/e0/f1.txt") && expected.contains("."), "stripped, the root kept");
    assertEquals(
        TestTrees.splitNul(findIn(root)),
        TestTrees.splitNul(crawlIn(root)),
        "find-like by default");
  }

  private static byte[] findIn(Path dir) throws Exception {
    Process find = new ProcessBuilder("find", ".", "-print0").directory(dir.toFile()).start();
    byte[] out = find.getInputStream().readAllBytes();
    find.waitFor();
    return out;
  }

  /** crawl fs -0 in its own JVM, with {@code dir} as its working directory and no DIR. */
  private static byte[] crawlIn(Path dir, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                Path.of("target", "classes").toAbsolutePath()
                    + java.io.File.pathSeparator
                    + Files.readString(Path.of("target", "test-classpath.txt")).strip(),
                Main.class.getName(),
                "fs",
                "-0"));
    command.addAll(List.of(args));
    Process crawl =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] out = crawl.getInputStream().readAllBytes();
    assertTrue(crawl.waitFor(60, TimeUnit.SECONDS));
    return out;
  }

  @Test
  void regex_andExtension_likeFind() throws Exception {
    assertEquals(
        TestTrees.find(root, "-regextype", "posix-extended", "-iregex", ".*/[^/]*f[12]\\.[^/]*"),
        crawl("--regex", "f[12]\\.", root.toString()));
    assertEquals(TestTrees.find(root, "-iname", "*.txt"), crawl("-e", "txt", root.toString()));
    assertEquals(
        TestTrees.find(root, "(", "-iname", "*.txt", "-o", "-iname", "*.fifo", ")"),
        crawl("-e", ".txt", "-e", "fifo", root.toString()));
  }

  @Test
  void size_likeFindSizeInBytes() throws Exception {
    assertEquals(TestTrees.find(root, "-size", "+250c"), crawl("-S", "+250", root.toString()));
    assertEquals(TestTrees.find(root, "-size", "-10c"), crawl("-S", "-10b", root.toString()));
    assertEquals(
        TestTrees.find(root, "-size", "+100c", "-size", "-300c"),
        crawl("-S", "+100", "-S", "-300", root.toString()));
    assertEquals(
        TestTrees.find(root, "-size", "+1k"),
        crawl("-S", "+1ki", root.toString()),
        "find's k is 1024 bytes");
  }

  @Test
  void changedWithinAndBefore_likeFindNewer() throws Exception {
    assertEquals(
        TestTrees.find(root, "-newermt", "2021-01-01"),
        crawl("--changed-within", "2021-01-01", root.toString()));
    assertEquals(
        TestTrees.find(root, "!", "-newermt", "2021-01-01"),
        crawl("--changed-before", "2021-01-01", root.toString()));
    assertEquals(
        TestTrees.find(root, "-mmin", "-600"), crawl("--changed-within", "10h", root.toString()));
  }

  @Test
  void exactDepth_maxResults_absolute() throws Exception {
    assertEquals(
        TestTrees.find(root, "-mindepth", "2", "-maxdepth", "2"),
        crawl("--exact-depth", "2", root.toString()));
    Set<String> five = crawl("--max-results", "5", root.toString());
    assertEquals(5, five.size());
    assertTrue(TestTrees.find(root).containsAll(five));
    Path relative = Path.of("").toAbsolutePath().relativize(root);
    assertEquals(
        TestTrees.find(root), crawl("-a", relative.toString()), "relative root, absolute paths");
  }

  /**
   * Issue 27's first match: {@code -g NAME --max-results 1} stops the crawl at the match, as bfs
   * -name NAME -quit. One worker lists the root first, where the match is, and nothing after it:
   * the 300 directories below, 8,700 entries, are never listed.
   */
  @Test
  void firstMatch_stopsTheCrawlWhereItIsFound() throws Exception {
    Path big = tmp.resolve("big");
    Files.createDirectories(big);
    TestTrees.shell(big, "mkdir d{1..300} && touch d{1..300}/f{1..29} wanted");
    CliRun run =
        CliRun.of("fs", "-j", "1", "--stats", "-g", "wanted", "--max-results", "1", big.toString());
    assertEquals(0, run.exit(), run.err());
    assertEquals(
        big.resolve("wanted") + "\n",
        new String(run.out(), java.nio.charset.StandardCharsets.UTF_8));
    Matcher stats =
        Pattern.compile(": CANCELLED in [0-9.]+ s: ([0-9,]+) entries").matcher(run.err());
    assertTrue(stats.find(), run.err());
    long visited = Long.parseLong(stats.group(1).replace(",", ""));
    assertTrue(
        visited <= 1 + 301 + 30,
        visited + " entries visited: more than the root's listing and one more");
    assertEquals(9002, TestTrees.find(big).size());
  }

  @Test
  void noDir_walksTheWorkingDirectory_likeFindDot() throws Exception {
    assertEquals(TestTrees.splitNul(findIn(root)), TestTrees.splitNul(crawlIn(root)));
  }

  @Test
  void badFilters_areOneLineUsageErrors() {
    String[][] cases = {
      {
        "--size",
        "+10q",
        "crawl: --size takes +N or -N with a unit (b, k, m, g, t; ki, mi, gi, ti), like +10m, not"
            + " '+10q'"
      },
      {
        "--changed-within",
        "soon",
        "crawl: --changed-within takes a duration (30min, 10h, 2d, 1w) or a date (2026-11-30,"
            + " 2026-11-30 14:00:00), not 'soon'"
      },
      {"--regex", "(", "crawl: bad --regex '(': Unclosed group at character 2"},
      {"--exact-depth", "-1", "crawl: --exact-depth must be 0 or more, not -1"},
      {"--max-results", "0", "crawl: --max-results must be 1 or more, not 0"},
      {"--color", "rainbow", "crawl: --color takes auto, always or never, not 'rainbow'"}
    };
    for (String[] c : cases) {
      CliRun run = CliRun.of("fs", c[0], c[1], root.toString());
      assertEquals(2, run.exit(), String.join(" ", c));
      assertEquals(c[2] + "\n", run.err());
    }
  }
}
