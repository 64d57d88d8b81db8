package dev.crawler.fs;

import static dev.crawler.testing.CrawlInvariants.assertVisitedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.testing.VisitLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ignore files against git itself: on random work trees with random {@code .gitignore} files,
 * {@code .git/info/exclude} and a global excludes file, a crawl that respects them visits exactly
 * the files {@code git ls-files --others --exclude-standard} lists, from the work tree's root and
 * from a directory inside it. Then what git does not know: {@code .ignore} files, nested work
 * trees, the walk outside any work tree. {@link JavaNioIgnoreFilesTest} runs it all again with
 * {@code java.nio}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IgnoreFilesTest {
  /** Names that the patterns below can meet, each as a file or a directory. */
  private static final List<String> NAMES =
      List.of(
          "a",
          "b",
          "build",
          "src",
          "logs",
          "tmp",
          "doc",
          "deep",
          "x",
          "b.txt",
          "x.log",
          "keep.log",
          "note.txt",
          "c.txt",
          "Ab.TXT",
          "sp ace",
          "!bang",
          "#hash",
          "trailing",
          "é.log");

  /** gitignore lines: globs, anchors, negations, directory-only rules, escapes, comments. */
  private static final List<String> PATTERNS =
      List.of(
          "*.log",
          "!keep.log",
          "build/",
          "/build",
          "tmp",
          "doc/*.txt",
          "**/deep",
          "a/**/b.txt",
          "[ab]*",
          "?.txt",
          "*.TXT",
          "# comment",
          "",
          "src/",
          "!src/keep.log",
          "logs/**",
          "!logs/keep.log",
          "\\!bang",
          "\\#hash",
          "sp ace",
          "trailing   ",
          "x/",
          "/a/b",
          "*/note.txt",
          "!*/",
          "deep/x",
          "[!a-c]*.txt",
          "b",
          "!b.txt",
          "**/logs/*.log",
          "*.l?g",
          "a/",
          "!a/",
          "é.*");

  @TempDir Path tmp;

  /** The reader the tests' sources use; {@code null} for java.nio. */
  NativeDirectoryReader reader() {
    return NativeDirectoryReader.SYSTEM;
  }

  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long seed = 1; seed <= 40; seed++) {
      seeds.add(seed);
    }
    return seeds;
  }

  @ParameterizedTest(name = "seed={0}")
  @MethodSource("seeds")
  void randomWorkTree_visitsWhatGitListsAsNotIgnored(long seed) throws Exception {
    Random random = new Random(seed);
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo);
    git(repo, "init", "-q");
    populate(repo, random, 0);
    Files.write(repo.resolve(".git/info/exclude"), lines(random, 3));
    Path global = tmp.resolve("global-ignore");
    Files.write(global, lines(random, 3));
    IgnoreFiles files = new IgnoreFiles(global);
    boolean readAttributes = random.nextBoolean();

    assertEquals(
        gitUntracked(repo, global),
        crawledFiles(repo, files, readAttributes, 1 + random.nextInt(4)),
        "from the work tree's root, seed " + seed);
    Path inside = randomDirectory(repo, random);
    assertEquals(
        gitUntracked(inside, global),
        crawledFiles(inside, files, readAttributes, 2),
        "from " + repo.relativize(inside) + ", seed " + seed);
  }

  @Test
  void nestedWorkTree_obeysItsOwnRulesAlone() throws Exception {
    Path outer = tmp.resolve("outer");
    Path inner = outer.resolve("vendor/inner");
    Files.createDirectories(inner);
    git(outer, "init", "-q");
    git(inner, "init", "-q");
    Files.writeString(outer.resolve(".gitignore"), "*.log\n");
    Files.writeString(inner.resolve(".gitignore"), "*.tmp\n");
    for (Path dir : List.of(outer, inner)) {
      Files.writeString(dir.resolve("x.log"), "");
      Files.writeString(dir.resolve("x.tmp"), "");
    }
    Set<String> crawled = crawledFiles(outer, new IgnoreFiles(null), true, 2);
    assertEquals(
        Set.of(".gitignore", "x.tmp", "vendor/inner/.gitignore", "vendor/inner/x.log"), crawled);
    // git agrees about each tree on its own (it lists the nested one as a directory).
    assertEquals(Set.of(".gitignore", "x.log"), gitUntracked(inner, null));
  }

  @Test
  void dotIgnore_winsOverGitignore_andHoldsOutsideWorkTrees() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("sub"));
    git(repo, "init", "-q");
    Files.writeString(repo.resolve(".gitignore"), "*.log\n");
    Files.writeString(repo.resolve(".ignore"), "!keep.log\nsecret\n");
    Files.writeString(repo.resolve("sub/.ignore"), "*.txt\n");
    for (String name :
        List.of("x.log", "keep.log", "secret", "sub/a.txt", "sub/keep.log", "sub/b")) {
      Files.writeString(repo.resolve(name), "");
    }
    assertEquals(
        Set.of(".gitignore", ".ignore", "keep.log", "sub/.ignore", "sub/keep.log", "sub/b"),
        crawledFiles(repo, new IgnoreFiles(null), true, 2));

    Path plain =
        tmp.resolve("plain"); // no .git: .gitignore files mean nothing, .ignore files still do
    Files.createDirectories(plain);
    Files.writeString(plain.resolve(".gitignore"), "*.log\n");
    Files.writeString(plain.resolve(".ignore"), "*.txt\n");
    Files.writeString(plain.resolve("a.log"), "");
    Files.writeString(plain.resolve("a.txt"), "");
    assertEquals(
        Set.of(".gitignore", ".ignore", "a.log"),
        crawledFiles(plain, new IgnoreFiles(null), true, 1));
  }

  @Test
  void ignoredDirectory_isNotListed_andItsFilesCannotComeBack() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("build/keep"));
    git(repo, "init", "-q");
    Files.writeString(repo.resolve(".gitignore"), "build/\n!build/keep/\n");
    Files.writeString(repo.resolve("build/keep/a"), "");
    Files.setPosixFilePermissions(
        repo.resolve("build"), PosixFilePermissions.fromString("---------"));
    try {
      // An unreadable ignored directory is no error: it is never opened.
      FileTreeSource source =
          FileTreeSource.over(
              List.of(repo),
              FileTreeOptions.defaults().withIgnoreFiles(new IgnoreFiles(null)),
              reader());
      try (Crawl<FileEntry> crawl = Crawler.over(source).workers(2).start(source.root(), v -> {})) {
        CrawlReport<FileEntry> report = crawl.await();
        assertEquals(Outcome.COMPLETE, report.outcome(), report.errors().toString());
      }
    } finally {
      Files.setPosixFilePermissions(
          repo.resolve("build"), PosixFilePermissions.fromString("rwx------"));
    }
    assertEquals(gitUntracked(repo, null), crawledFiles(repo, new IgnoreFiles(null), true, 2));
    assertEquals(Set.of(".gitignore"), gitUntracked(repo, null));
  }

  @Test
  void gitDefaults_followGitsOwnConfiguration() throws Exception {
    Path home = tmp.resolve("home");
    Files.createDirectories(home.resolve(".config/git"));
    Map<String, String> env = Map.of("HOME", home.toString(), "GIT_CONFIG_NOSYSTEM", "1");
    assertEquals(home.resolve(".config/git/ignore"), IgnoreFiles.gitDefaults(env).globalExcludes());
    assertEquals(
        tmp.resolve("xdg/git/ignore"),
        IgnoreFiles.gitDefaults(
                Map.of(
                    "HOME",
                    home.toString(),
                    "XDG_CONFIG_HOME",
                    tmp.resolve("xdg").toString(),
                    "GIT_CONFIG_NOSYSTEM",
                    "1"))
            .globalExcludes());
    Files.writeString(home.resolve(".config/git/config"), "[core]\n\texcludesFile = ~/from-xdg\n");
    assertEquals(home.resolve("from-xdg"), IgnoreFiles.gitDefaults(env).globalExcludes());
    Files.writeString(
        home.resolve(".gitconfig"),
        "[user]\n\tname = x\n[core]\n\texcludesfile = /etc/from-home\n");
    assertEquals(Path.of("/etc/from-home"), IgnoreFiles.gitDefaults(env).globalExcludes());
    Files.writeString(
        home.resolve(".gitconfig"), "[core\n"); // unreadable: git's default order goes on
    assertEquals(home.resolve("from-xdg"), IgnoreFiles.gitDefaults(env).globalExcludes());
  }

  @Test
  void codec_isRefused_sinceRulesComeFromAncestors() throws Exception {
    FileTreeSource source =
        FileTreeSource.over(
            List.of(tmp),
            FileTreeOptions.defaults().withIgnoreFiles(new IgnoreFiles(null)),
            reader());
    assertThrows(UnsupportedOperationException.class, source::codec);
  }

  /** Random directories and files, and a .gitignore in about half the directories. */
  private static void populate(Path dir, Random random, int depth) throws IOException {
    if (random.nextInt(2) == 0) {
      Files.write(dir.resolve(".gitignore"), lines(random, 4));
    }
    int children = 2 + random.nextInt(5);
    for (int i = 0; i < children; i++) {
      Path child = dir.resolve(NAMES.get(random.nextInt(NAMES.size())));
      if (Files.exists(child)) {
        continue;
      }
      if (depth < 4 && random.nextInt(3) == 0) {
        Files.createDirectory(child);
        populate(child, random, depth + 1);
      } else {
        Files.writeString(child, "");
      }
    }
  }

  private static List<String> lines(Random random, int most) {
    List<String> lines = new ArrayList<>();
    int count = 1 + random.nextInt(most);
    for (int i = 0; i < count; i++) {
      lines.add(PATTERNS.get(random.nextInt(PATTERNS.size())));
    }
    return lines;
  }

  private static Path randomDirectory(Path repo, Random random) throws IOException {
    List<Path> dirs;
    try (var walk = Files.walk(repo)) {
      dirs =
          walk.filter(Files::isDirectory)
              .filter(p -> !repo.relativize(p).startsWith(".git"))
              .sorted()
              .toList();
    }
    return dirs.get(random.nextInt(dirs.size()));
  }

  /**
   * An ignore file too deep to open by path is never skipped silently (what it ignores would be
   * printed): its directory's listing fails, naming the limit, and the crawl is PARTIAL.
   */
  @Test
  void ignoreFilePastPathMax_failsItsDirectory_neverSkippedSilently() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("deep-ignore"));
    TestTrees.shell(
        root,
        "set -e; s=$(printf 'd/%.0s' {1..1100}); mkdir -p \"$s$s\"; cd \"$s\"; cd \"$s\"\n"
            + "echo '*.log' > .ignore; touch a.log b.txt; mkdir shallow-enough");
    try {
      FileTreeOptions options =
          FileTreeOptions.defaults().withIgnoreFiles(IgnoreFiles.gitDefaults());
      FileTreeSource source = FileTreeSource.over(List.of(root), options, reader());
      VisitLog<FileEntry, Path> log = new VisitLog<>(FileEntry::path);
      CrawlReport<FileEntry> report;
      try (Crawl<FileEntry> crawl = Crawler.over(source).workers(2).start(source.root(), log)) {
        report = crawl.await();
      }
      assertVisitedOnce(report, log);
      Set<String> found =
          log.counts().keySet().stream()
              .map(path -> path.getFileName().toString())
              .collect(Collectors.toSet());
      assertEquals(Outcome.PARTIAL, report.outcome());
      assertEquals(1, report.errors().size(), report.errors().toString());
      String reason = FileErrors.reason(report.errors().get(0).cause());
      // java.nio stops above it, at the first directory past the limit.
      assertEquals(
          true,
          reason.startsWith(
              reader() != null
                  ? "File name too long: an ignore file whose path reaches " + "PATH_MAX"
                  : "File name too long: not listed"),
          reason);
      assertEquals(false, found.contains("a.log"), "what the ignore file names is never printed");
    } finally {
      TestTrees.shell(tmp, "rm -rf deep-ignore");
    }
  }

  /** Files (not directories) a crawl from {@code root} visits, relative to it. */
  private Set<String> crawledFiles(
      Path root, IgnoreFiles files, boolean readAttributes, int workers) throws Exception {
    FileTreeOptions options =
        FileTreeOptions.defaults().withReadLeafAttributes(readAttributes).withIgnoreFiles(files);
    FileTreeSource source = FileTreeSource.over(List.of(root), options, reader());
    VisitLog<FileEntry, FileEntry> log = new VisitLog<>(entry -> entry);
    try (Crawl<FileEntry> crawl = Crawler.over(source).workers(workers).start(source.root(), log)) {
      CrawlReport<FileEntry> report = crawl.await();
      assertEquals(Outcome.COMPLETE, report.outcome(), report.errors().toString());
      assertVisitedOnce(report, log);
    }
    Set<String> found = new TreeSet<>();
    for (FileEntry entry : log.counts().keySet()) {
      if (entry.type() != FileType.DIRECTORY) {
        found.add(root.relativize(entry.path()).toString());
      }
    }
    return found;
  }

  /**
   * What git lists as untracked and not ignored under {@code dir}: every file, since nothing is
   * tracked.
   */
  private Set<String> gitUntracked(Path dir, Path globalExcludes) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    if (globalExcludes != null) {
      command.addAll(List.of("-c", "core.excludesFile=" + globalExcludes));
    }
    command.addAll(List.of("ls-files", "-z", "--others", "--exclude-standard"));
    String out = git(dir, command.subList(1, command.size()).toArray(String[]::new));
    return out.isEmpty()
        ? Set.of()
        : Arrays.stream(out.split("\0"))
            .filter(p -> !p.endsWith("/"))
            .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Runs git in {@code dir} with no user or system configuration; its stdout. */
  private String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    builder.environment().put("HOME", tmp.toString());
    builder.environment().put("XDG_CONFIG_HOME", tmp.resolve("no-xdg").toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), () -> String.join(" ", command) + ": " + out);
    return out;
  }
}
