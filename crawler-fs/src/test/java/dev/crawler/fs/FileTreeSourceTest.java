package dev.crawler.fs;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static dev.crawler.testing.CrawlInvariants.assertVisitedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crawler.core.BranchError;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import dev.crawler.testing.VisitLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filesystem source against {@code find} on real trees on disk, with the reader it uses by
 * default: the native one on Java 22+ on Linux (the build enables native access for tests), else
 * {@code java.nio}. {@link JavaNioFileTreeSourceTest} runs every test again with {@code java.nio}.
 */
class FileTreeSourceTest {
  @TempDir Path tmp;
  Path root;

  /** The reader the tests' sources use; {@code null} for java.nio. */
  NativeDirectoryReader reader() {
    return NativeDirectoryReader.SYSTEM;
  }

  FileTreeSource source(Path root, FileTreeOptions options) throws IOException {
    return source(List.of(root), options);
  }

  FileTreeSource source(List<Path> roots, FileTreeOptions options) throws IOException {
    FileTreeSource source = FileTreeSource.over(roots, options, reader());
    assertEquals(reader() != null, source.readsNatively());
    return source;
  }

  @BeforeEach
  void setUp() throws Exception {
    root = TestTrees.populate(tmp.resolve("tree"));
  }

  /** Crawls and returns each visited path's bytes with how often it was visited. */
  private Result crawl(
      FileTreeOptions options,
      int workers,
      Consumer<Crawler<FileEntry, DirectorySession>> configure,
      Consumer<Visit<FileEntry>> also)
      throws Exception {
    FileTreeSource source = source(root, options);
    VisitLog<FileEntry, String> log = new VisitLog<>(entry -> TestTrees.bytesOf(entry.path()));
    Map<String, FileType> types = new ConcurrentHashMap<>();
    Crawler<FileEntry, DirectorySession> crawler = Crawler.over(source).workers(workers);
    configure.accept(crawler);
    try (Crawl<FileEntry> crawl =
        crawler.start(
            source.root(),
            v -> {
              also.accept(v);
              String key = TestTrees.bytesOf(v.node().path());
              assertEquals(
                  key,
                  new String(v.node().pathBytes(), StandardCharsets.ISO_8859_1),
                  "bytes and path agree");
              log.accept(v);
              types.put(key, v.node().type());
            })) {
      return new Result(crawl.await(), log, types, Set.of(TestTrees.bytesOf(root)));
    }
  }

  private record Result(
      CrawlReport<FileEntry> report,
      VisitLog<FileEntry, String> log,
      Map<String, FileType> types,
      Set<String> roots) {
    /** The paths visited, each once. */
    Set<String> paths() {
      assertVisitedOnce(report, log);
      return log.counts().keySet();
    }

    /**
     * Every invariant of the crawl: it found exactly {@code expected}, each path once, under its
     * directory.
     */
    void assertFound(Set<String> expected) {
      assertFound(expected, Set.of());
    }

    /**
     * As {@link #assertFound(Set)}, with an error for each of {@code failing}, directories not
     * listed.
     */
    void assertFound(Set<String> expected, Set<String> failing) {
      assertCrawlInvariants(report, log, TestTrees.parentsOf(expected, roots), failing);
    }
  }

  @ParameterizedTest(name = "workers={0}")
  @ValueSource(ints = {1, 3, 8})
  void default_visitsWhatFindPrints(int workers) throws Exception {
    Result result = crawl(FileTreeOptions.defaults(), workers, c -> {}, v -> {});
    assertEquals(Outcome.COMPLETE, result.report().outcome());
    result.assertFound(TestTrees.find(root));
    assertEquals(
        FileType.SYMLINK, result.types().get(TestTrees.bytesOf(root.resolve("links/to-dir"))));
    assertEquals(FileType.OTHER, result.types().get(TestTrees.bytesOf(root.resolve("pipe"))));
  }

  /**
   * A directory of many files is delivered in groups while it is read, not held whole until the
   * end: memory grows with a group, not with the directory. Seen from the consumer, which the first
   * group reaches from inside the source's listing; every file still comes once, as find lists it.
   */
  @ParameterizedTest(name = "workers={0}")
  @ValueSource(ints = {1, 3})
  void aLargeDirectory_isDeliveredInGroupsWhileItIsRead(int workers) throws Exception {
    Path wide = Files.createDirectories(root.resolve("wide"));
    for (int i = 0; i < 10_000; i++) {
      Files.createFile(wide.resolve("f" + i));
    }
    AtomicInteger duringListing = new AtomicInteger();
    Result result =
        crawl(
            FileTreeOptions.defaults(),
            workers,
            c -> {},
            v -> {
              if (v.node().path().startsWith(wide)
                  && StackWalker.getInstance()
                      .walk(
                          frames ->
                              frames.anyMatch(
                                  f ->
                                      f.getClassName().equals(FileTreeSource.class.getName())
                                          && f.getMethodName().equals("list")))) {
                duringListing.incrementAndGet();
              }
            });
    assertEquals(Outcome.COMPLETE, result.report().outcome());
    result.assertFound(TestTrees.find(root));
    assertTrue(
        duringListing.get() >= 8_000,
        duringListing.get() + " of 10,000 files came while the directory was read");
  }

  /**
   * Where the native reader can run, the build compiled it and the tests use it: never skipped
   * silently.
   */
  @Test
  void nativeReader_isUsedOnJava22OnLinux() {
    boolean supported =
        Runtime.version().feature() >= 22
            && "Linux".equals(System.getProperty("os.name"))
            && Set.of("amd64", "aarch64").contains(System.getProperty("os.arch"));
    assertEquals(supported, NativeDirectoryReader.SYSTEM != null);
  }

  /**
   * Both readers, every attribute of every entry, with and without attributes read or links
   * followed.
   */
  @ParameterizedTest(name = "read leaf attributes={0}, follow links={1}")
  @CsvSource({"true,false", "false,false", "true,true", "false,true"})
  void nativeAndJavaNio_findTheSameEntries(boolean readLeafAttributes, boolean followLinks)
      throws Exception {
    assumeTrue(NativeDirectoryReader.SYSTEM != null, "no native reader on this JVM");
    FileTreeOptions options =
        FileTreeOptions.defaults()
            .withReadLeafAttributes(readLeafAttributes)
            .withFollowLinks(followLinks);
    Map<String, String> nativeEntries =
        entries(FileTreeSource.over(List.of(root), options, NativeDirectoryReader.SYSTEM));
    Map<String, String> nioEntries = entries(FileTreeSource.over(List.of(root), options, null));
    Set<String> paths = new HashSet<>(nativeEntries.keySet());
    paths.remove("#report");
    assertEquals(
        followLinks ? TestTrees.find(root, "-L") : TestTrees.find(root),
        followLinks ? withoutLoop(paths) : paths);
    assertEquals(
        followLinks
            ? "PARTIAL ["
                + root
                + "/links/to-ancestor: "
                + "File system loop: a link to one of its own ancestors (not entered)]"
            : "COMPLETE []",
        nativeEntries.get("#report"));
    if (readLeafAttributes) {
      assertEquals(nioEntries, nativeEntries);
    } else { // java.nio leaves leaves unread; the native reader has their types, neither their
      // sizes
      nioEntries.forEach(
          (path, entry) -> {
            if (!entry.startsWith("UNKNOWN")
                && !path.equals(TestTrees.bytesOf(root))
                && !path.equals("#report")) {
              assertEquals(
                  entry.substring(0, entry.indexOf(' '))
                      + " -1 -1"
                      + (entry.endsWith(" loop") ? " loop" : ""),
                  nativeEntries.get(path),
                  path);
            }
          });
    }
  }

  /** find -L does not print the link to an ancestor, which a crawl visits and reports as a loop. */
  private Set<String> withoutLoop(Set<String> paths) {
    return paths.stream()
        .filter(p -> !p.equals(root + "/links/to-ancestor"))
        .collect(Collectors.toSet());
  }

  /** Each entry's path bytes to its type, size and time. */
  private static Map<String, String> entries(FileTreeSource source) throws Exception {
    Map<String, String> entries = new ConcurrentHashMap<>();
    try (Crawl<FileEntry> crawl =
        Crawler.over(source)
            .workers(2)
            .startAll(
                source.roots(),
                v -> {
                  FileEntry e = v.node();
                  String key = new String(e.pathBytes(), StandardCharsets.ISO_8859_1);
                  assertEquals(
                      null,
                      entries.put(
                          key,
                          e.type()
                              + " "
                              + e.size()
                              + " "
                              + e.lastModifiedMillis()
                              + (e.isLoop() ? " loop" : "")),
                      key);
                })) {
      CrawlReport<FileEntry> report = crawl.await();
      entries.put(
          "#report",
          report.outcome()
              + " "
              + report.errors().stream()
                  .map(error -> error.branch() + ": " + FileErrors.reason(error.cause()))
                  .sorted()
                  .toList());
    }
    return entries;
  }

  @ParameterizedTest(name = "workers={0}")
  @ValueSource(ints = {1, 3})
  void pathsOnly_visitsWhatFindPrints_andLeavesLeafDirectoriesUnread(int workers) throws Exception {
    assertPathsOnlyCrawlMatchesFind(workers);
  }

  /** tmpfs keeps directory link counts, so the leaf optimization runs there whatever /tmp is. */
  @Test
  void pathsOnly_onTmpfs() throws Exception {
    Path shm = Path.of("/dev/shm");
    assumeTrue(
        Files.isDirectory(shm) && Files.isWritable(shm), "no writable /dev/shm on this machine");
    Path dir = Files.createTempDirectory(shm, "crawler-fs-test");
    try {
      root = TestTrees.populate(dir.resolve("tree"));
      assertEquals("tmpfs", Files.getFileStore(root).type());
      assertPathsOnlyCrawlMatchesFind(2);
    } finally {
      deleteTree(dir);
    }
  }

  private void assertPathsOnlyCrawlMatchesFind(int workers) throws Exception {
    Result result =
        crawl(FileTreeOptions.defaults().withReadLeafAttributes(false), workers, c -> {}, v -> {});
    assertEquals(Outcome.COMPLETE, result.report().outcome());
    result.assertFound(TestTrees.find(root));
    Set<String> directories = TestTrees.find(root, "-type", "d");
    result
        .types()
        .forEach(
            (path, type) ->
                assertEquals(
                    directories.contains(path),
                    type == FileType.DIRECTORY,
                    "type of " + path + ": " + type));
    if (reader() != null) { // the listing tells every type: nothing is UNKNOWN
      Set<String> files = TestTrees.find(root, "-type", "f");
      Set<String> links = TestTrees.find(root, "-type", "l");
      result
          .types()
          .forEach(
              (path, type) ->
                  assertEquals(
                      directories.contains(path)
                          ? FileType.DIRECTORY
                          : files.contains(path)
                              ? FileType.FILE
                              : links.contains(path) ? FileType.SYMLINK : FileType.OTHER,
                      type,
                      "type of " + path));
      return;
    }
    boolean trusted =
        Set.of(FileTreeSource.LINK_COUNT_FILESYSTEMS.split(", "))
            .contains(Files.getFileStore(root).type());
    if (trusted) { // a directory without subdirectories costs no lstat of its entries
      Set<String> leafDirectories = TestTrees.find(root, "-type", "d", "-links", "2");
      assertTrue(
          leafDirectories.contains(root + "/d0/e0") && leafDirectories.contains(root + "/links"));
      result
          .types()
          .forEach(
              (path, type) -> {
                if (leafDirectories.contains(path.substring(0, path.lastIndexOf('/')))) {
                  assertEquals(FileType.UNKNOWN, type, "not read: " + path);
                }
              });
    }
  }

  /** /dev/shm is a tmpfs mounted inside /dev: the one nested mount point a test can count on. */
  @ParameterizedTest(name = "read leaf attributes={0}")
  @ValueSource(booleans = {true, false})
  void oneFileSystem_visitsMountPointsButDoesNotEnterThem(boolean readLeafAttributes)
      throws Exception {
    Path shm = Path.of("/dev/shm");
    assumeTrue(
        Files.isDirectory(shm)
            && Files.isWritable(shm)
            && !Files.getFileStore(shm).equals(Files.getFileStore(Path.of("/dev"))),
        "no tmpfs mounted at /dev/shm");
    Path inside = Files.createTempDirectory(shm, "crawler-xdev");
    try {
      Files.createDirectories(inside.resolve("a/b"));
      root = Path.of("/dev");
      FileTreeOptions options =
          FileTreeOptions.defaults().withReadLeafAttributes(readLeafAttributes);
      Result oneFileSystem = crawl(options.withOneFileSystem(true), 2, c -> {}, v -> {});
      assertTrue(oneFileSystem.paths().contains("/dev/shm"), "the mount point itself is visited");
      assertFalse(oneFileSystem.paths().contains(inside.toString()), "but not entered");
      oneFileSystem.assertFound(TestTrees.find(root, "-xdev"));
      Result everything = crawl(options, 2, c -> {}, v -> {});
      assertTrue(everything.paths().contains(inside.resolve("a/b").toString()));
    } finally {
      deleteTree(inside);
    }
  }

  @Test
  void pathsOnly_withExcludesAndHidden_matchesFind() throws Exception {
    FileTreeOptions options =
        FileTreeOptions.defaults()
            .withReadLeafAttributes(false)
            .withExcludes(List.of("e1"))
            .withSkipHidden(true);
    Result result = crawl(options, 2, c -> {}, v -> {});
    result.assertFound(
        TestTrees.find(
            root, "(", "-name", "e1", "-o", "-name", ".*", ")", "-prune", "-o", "-print0"));
  }

  @Test
  void pathsOnly_followingLinks_givesTheTargetsTypes() throws Exception {
    Result result =
        crawl(
            FileTreeOptions.defaults().withReadLeafAttributes(false).withFollowLinks(true),
            2,
            c -> {},
            v -> {});
    assertEquals(FileType.DIRECTORY, result.types().get(root + "/links/to-dir"));
    assertEquals(FileType.FILE, result.types().get(root + "/links/to-file"));
    assertEquals(FileType.FILE, result.types().get(root + "/d0/e0/f0.txt"));
  }

  @Test
  void oddNames_keepTheirExactBytes() throws Exception {
    Result result = crawl(FileTreeOptions.defaults(), 2, c -> {}, v -> {});
    String bad = root + "/odd/bad\u00ffbyte"; // byte 0xFF, one char per byte
    assertTrue(result.paths().contains(bad), "the non-UTF-8 name survives: " + result.paths());
    assertTrue(result.paths().contains(root + "/odd/new\nline"));
    assertTrue(
        result.paths().contains(root + "/odd/caf\u00c3\u00a9"), "UTF-8 'é' as its two bytes");
  }

  @Test
  void followLinks_visitsWhatFindMinusLPrints_andReportsTheLoopOnce() throws Exception {
    Result result = crawl(FileTreeOptions.defaults().withFollowLinks(true), 4, c -> {}, v -> {});
    assertEquals(Outcome.PARTIAL, result.report().outcome());
    List<BranchError<FileEntry>> errors = result.report().errors();
    assertEquals(1, errors.size(), "one loop: " + errors);
    assertEquals(root.resolve("links/to-ancestor"), errors.get(0).branch().path());
    assertEquals(
        "File system loop: a link to one of its own ancestors (not entered)",
        FileErrors.reason(errors.get(0).cause()));
    Set<String> expected = TestTrees.find(root, "-L");
    String loop = root + "/links/to-ancestor";
    expected.add(loop); // visited and reported; find -L does not print a loop
    result.assertFound(expected, Set.of(loop));
    assertEquals(FileType.DIRECTORY, result.types().get(root + "/links/to-dir"));
    assertEquals(FileType.SYMLINK, result.types().get(root + "/links/dangling"));
  }

  @Test
  void excludes_pruneWholeSubtrees_byNameOrRelativePath() throws Exception {
    Result result =
        crawl(
            FileTreeOptions.defaults().withExcludes(List.of("e1", "d2/*", "*.fifo")),
            3,
            c -> {},
            v -> {});
    Set<String> expected =
        TestTrees.find(
            root,
            "(",
            "-name",
            "e1",
            "-o",
            "-path",
            root + "/d2/*",
            ")",
            "-prune",
            "-o",
            "-print0");
    // find -print0 above prints the kept paths; our oracle adds another -print0, harmless on pruned
    // ones
    result.assertFound(expected);
  }

  /** Several roots in one crawl: each tree as find walks it, a relative exclude from each root. */
  @Test
  void severalRoots_oneCrawl_excludesRelativeToEachRoot() throws Exception {
    List<Path> roots = List.of(root.resolve("d1"), root.resolve("d3"));
    FileTreeSource source = source(roots, FileTreeOptions.defaults().withExcludes(List.of("e2/*")));
    assertEquals(roots, source.roots().stream().map(FileEntry::path).toList());
    VisitLog<FileEntry, String> log = new VisitLog<>(entry -> TestTrees.bytesOf(entry.path()));
    CrawlReport<FileEntry> report;
    try (Crawl<FileEntry> crawl = Crawler.over(source).workers(3).startAll(source.roots(), log)) {
      report = crawl.await();
    }
    assertEquals(Outcome.COMPLETE, report.outcome());
    Set<String> expected = new HashSet<>();
    for (Path r : roots) {
      expected.addAll(TestTrees.find(r, "-path", r + "/e2/*", "-prune", "-o", "-print0"));
    }
    Set<String> rootKeys = roots.stream().map(TestTrees::bytesOf).collect(Collectors.toSet());
    assertCrawlInvariants(report, log, TestTrees.parentsOf(expected, rootKeys), Set.of());
    NoSuchFileException missing =
        assertThrows(
            NoSuchFileException.class,
            () -> source(List.of(root, root.resolve("nope")), FileTreeOptions.defaults()));
    assertEquals(root.resolve("nope").toString(), missing.getFile());
  }

  @Test
  void skipHidden_leavesOutDotEntries() throws Exception {
    Result result = crawl(FileTreeOptions.defaults().withSkipHidden(true), 3, c -> {}, v -> {});
    result.assertFound(TestTrees.find(root, "-name", ".*", "-prune", "-o", "-print0"));
  }

  @Test
  void maxDepth_matchesFind() throws Exception {
    Result result = crawl(FileTreeOptions.defaults(), 3, c -> c.maxDepth(2), v -> {});
    result.assertFound(TestTrees.find(root, "-maxdepth", "2"));
  }

  @Test
  void directoryVanishingMidCrawl_isReportedAndTheRestIsVisited() throws Exception {
    Path doomed = root.resolve("d3");
    Result result =
        crawl(
            FileTreeOptions.defaults(),
            1,
            c -> {},
            v -> {
              if (v.node()
                  .path()
                  .equals(doomed)) { // visited just before it is listed: delete it now
                deleteTree(doomed);
              }
            });
    assertEquals(Outcome.PARTIAL, result.report().outcome());
    assertEquals(1, result.report().errors().size());
    BranchError<FileEntry> error = result.report().errors().get(0);
    assertEquals(doomed, error.branch().path());
    assertTrue(error.cause() instanceof NoSuchFileException);
    Set<String> expected = TestTrees.find(root);
    expected.add(TestTrees.bytesOf(doomed));
    result.assertFound(expected, Set.of(TestTrees.bytesOf(doomed)));
  }

  /**
   * A chain of 10,000 directories (20,000 bytes of path), with eight chains of 300 branching off
   * past PATH_MAX, where other workers steal them and one worker pops them after their parent left
   * its few open directories. The native reader lists it all, as find does, holding a few
   * descriptors per worker; java.nio lists what it can and says, for each entry past the limit,
   * that it cannot go further. On tmpfs where there is one: ext4 took 30 s to make and delete it on
   * a busy machine.
   */
  @Test
  void deeperThanPathMax_nativeListsWhatFindPrints_javaNioSaysWhereItStops() throws Exception {
    Path shm = Path.of("/dev/shm");
    Path dir =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "crawler-deep")
            : Files.createDirectory(tmp.resolve("deep-tree"));
    try {
      TestTrees.shell(
          dir,
          "set -e; mkdir deep; cd deep; s=$(printf 'd/%.0s' {1..1000}); t=$(printf 'e/%.0s'"
              + " {1..300})\n"
              + "for i in $(seq 10); do mkdir -p \"$s\"; cd \"$s\"\n"
              + "  if [ $i = 3 ]; then for b in 1 2 3 4 5 6 7 8; do mkdir -p \"b$b/$t\"; touch"
              + " \"b$b/${t}f\"; done; fi\n"
              + "done; touch f");
      root = dir;
      for (int workers : new int[] {1, 4}) {
        assertDeepTreeListed(workers);
      }
    } finally {
      TestTrees.shell(
          dir.getParent(), "rm -rf " + dir); // JUnit cannot delete paths longer than PATH_MAX
    }
  }

  /** Names of 250 bytes, 18 deep: the pieces opened one after another end at other places. */
  @Test
  void longNamesPastPathMax_nativeListsWhatFindPrints_javaNioSaysWhereItStops() throws Exception {
    String name = "n".repeat(250);
    StringBuilder script = new StringBuilder("set -e; mkdir deep; cd deep");
    for (int i = 0; i < 18; i++) {
      script.append("; mkdir ").append(name).append(" x").append(i).append("; cd ").append(name);
    }
    script.append("; touch last");
    TestTrees.shell(root, script.toString());
    try {
      assertDeepTreeListed(3);
    } finally {
      TestTrees.shell(root, "rm -rf deep");
    }
  }

  private void assertDeepTreeListed(int workers) throws Exception {
    long before = openDescriptors();
    AtomicLong most = new AtomicLong();
    AtomicLong visits = new AtomicLong();
    Result result =
        crawl(
            FileTreeOptions.defaults(),
            workers,
            c -> {},
            v -> {
              if (visits.incrementAndGet() % 97 == 0) {
                most.accumulateAndGet(openDescriptors(), Math::max);
              }
            });
    Set<String> found = TestTrees.find(root);
    assertTrue(
        found.stream().anyMatch(p -> p.length() > NativeDirectoryReader.PATH_MAX),
        "the tree is deep");
    if (reader() != null) {
      assertEquals(List.of(), result.report().errors());
      assertEquals(Outcome.COMPLETE, result.report().outcome());
      result.assertFound(found);
      long bound = before + (long) workers * (OpenDirectoryCache.CAPACITY + 3) + 8;
      assertTrue(
          most.get() <= bound,
          most.get() + " descriptors open during the crawl, more than " + bound);
      assertTrue(
          openDescriptors() <= before + 4,
          "descriptors left open: " + openDescriptors() + " after, " + before + " before");
      return;
    }
    // java.nio: every entry whose parent it could list; those past the limit are errors, saying
    // why.
    Set<String> reachable =
        found.stream()
            .filter(p -> parent(p).length() < NativeDirectoryReader.PATH_MAX)
            .collect(Collectors.toSet());
    Set<String> beyond =
        reachable.stream()
            .filter(p -> p.length() >= NativeDirectoryReader.PATH_MAX)
            .collect(Collectors.toSet());
    assertFalse(beyond.isEmpty());
    assertEquals(Outcome.PARTIAL, result.report().outcome());
    result.assertFound(reachable, beyond);
    assertEquals(
        beyond,
        result.report().errors().stream()
            .map(e -> TestTrees.bytesOf(e.branch().path()))
            .collect(Collectors.toSet()));
    for (BranchError<FileEntry> error : result.report().errors()) {
      String reason = FileErrors.reason(error.cause());
      assertTrue(
          reason.startsWith("File name too long: not listed, its path has ")
              && reason.contains("(PATH_MAX)")
              && !reason.contains("\n"),
          reason);
    }
  }

  private static String parent(String path) {
    return path.substring(0, Math.max(0, path.lastIndexOf('/')));
  }

  /** How many descriptors this JVM has open. */
  private static long openDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void unreadableDirectory_isReportedAndTheRestIsVisited() throws Exception {
    assumeFalse(
        TestTrees.runningAsRoot(),
        "root reads every directory, so permissions cannot make one "
            + "unreadable; the vanishing and too-long cases above cover the same path for root");
    Path locked = root.resolve("d4");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      Result result = crawl(FileTreeOptions.defaults(), 3, c -> {}, v -> {});
      assertEquals(1, result.report().errors().size());
      assertEquals("Permission denied", FileErrors.reason(result.report().errors().get(0).cause()));
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void badRoots_andBadGlobs_areRejectedUpFront() {
    assertThrows(
        NoSuchFileException.class, () -> source(root.resolve("nope"), FileTreeOptions.defaults()));
    assertThrows(
        NotDirectoryException.class,
        () -> source(root.resolve("d0/e0/f1.txt"), FileTreeOptions.defaults()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> source(root, FileTreeOptions.defaults().withExcludes(List.of("a{b"))));
    assertTrue(e.getMessage().startsWith("bad exclude glob 'a{b'"), e.getMessage());
  }

  @Test
  void pathBytes_relativeAndAbsolute() throws Exception {
    Path odd;
    try (Stream<Path> s = Files.list(root.resolve("odd"))) {
      odd = s.filter(p -> p.getFileName().toString().startsWith("bad")).findFirst().orElseThrow();
    }
    assertEquals(root + "/odd/bad\u00ffbyte", TestTrees.bytesOf(odd));
    Path relative = Path.of("").toAbsolutePath().relativize(odd);
    assertEquals(relative.toString().replace("\ufffd", "\u00ff"), TestTrees.bytesOf(relative));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
