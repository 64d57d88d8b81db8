package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.fs.TestTrees;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real {@code ./crawl} launcher, as a user runs it from the repository root. */
class CrawlLauncherIT {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();

  @TempDir Path tmp;

  private record Result(int exit, byte[] out, String err) {}

  private static Result run(String... args) throws Exception {
    return runWith(null, args);
  }

  /**
   * @param javaHome JAVA_HOME for the launcher, "" for none, {@code null} for the inherited one
   */
  private static Result runWith(String javaHome, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = REPO.resolve("crawl").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile());
    if (javaHome != null && javaHome.isEmpty()) {
      builder.environment().remove("JAVA_HOME");
    } else if (javaHome != null) {
      builder.environment().put("JAVA_HOME", javaHome);
    }
    Process p = builder.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread drain =
        new Thread(
            () -> {
              try {
                p.getErrorStream().transferTo(err);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    drain.start();
    p.getInputStream().transferTo(out);
    int exit = p.waitFor();
    drain.join();
    return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void crawlFs_printsWhatFindPrints() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("tree"));
    TestTrees.populate(root);
    Result result = run("fs", "-0", root.toString());
    assertEquals(0, result.exit(), result.err());
    assertEquals(TestTrees.find(root), TestTrees.splitNul(result.out()));
  }

  @Test
  void runsOnJavaHome_whenSet_andSaysSoUnderDebug() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("small"));
    Files.writeString(root.resolve("f"), "x");
    String home = System.getProperty("java.home");
    Result result = runWith(home, "fs", "--debug", root.toString());
    assertEquals(0, result.exit(), result.err());
    assertEquals(
        "crawl: running on " + home + "/bin/java (from JAVA_HOME)",
        result.err().lines().findFirst().orElse(""));
    assertEquals(
        root + "\n" + root.resolve("f") + "\n", new String(result.out(), StandardCharsets.UTF_8));
  }

  /** The library logs through SLF4J at debug level; --debug shows those lines, and only --debug. */
  @Test
  void debug_showsTheLibrarysDebugLog() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("logged"));
    Files.writeString(root.resolve("f"), "x");
    String line =
        "DEBUG directories are listed with "; // NativeDirectoryReader says which reader runs
    Result debug = run("fs", "--debug", root.toString());
    assertEquals(0, debug.exit(), debug.err());
    assertTrue(debug.err().contains(line), debug.err());
    Result plain = run("fs", root.toString());
    assertEquals(0, plain.exit(), plain.err());
    assertFalse(plain.err().contains(line), plain.err());
  }

  /**
   * On a JDK 22+ the user gets the native reader whatever JDK built the jar: in CI, {@code mvn
   * verify} builds it from clean on Java 17, without the reader, and the launcher builds its own.
   */
  @Test
  void onJava22OrLater_directoriesAreListedNatively_whicheverJdkBuiltTheJar() throws Exception {
    Result result = runWith("", "fs", "--debug", tmp.toString());
    assertEquals(0, result.exit(), result.err());
    String first = result.err().lines().findFirst().orElse("");
    java.util.regex.Matcher running =
        java.util.regex.Pattern.compile("crawl: running on (.*)/bin/java .*").matcher(first);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        running.matches(), "no JDK found by the launcher: " + first);
    String release = Files.readString(Path.of(running.group(1), "release"));
    java.util.regex.Matcher version =
        java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(release);
    assertTrue(version.find(), release);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Integer.parseInt(version.group(1)) >= 22,
        "the newest JDK here is " + version.group(1) + ": no native reader to expect");
    assertTrue(result.err().contains("DEBUG directories are listed with getdents64"), result.err());
  }

  /**
   * Results reach a pipe as they are found, not when a buffer fills: at two listings a second, the
   * first lines arrive while the crawl of 20 directories (ten seconds at least) still runs. Before,
   * nothing came until the end.
   */
  @Test
  void aSlowCrawl_writesResultsAsTheyAreFound() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("slow"));
    for (int i = 0; i < 20; i++) {
      Files.createDirectories(root.resolve("d" + i));
    }
    Process p =
        new ProcessBuilder(
                REPO.resolve("crawl").toString(), "fs", "--rate", "2", "-j", "1", root.toString())
            .directory(REPO.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (var lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals(root.toString(), lines.readLine());
      assertTrue(lines.readLine().startsWith(root + "/d"));
      assertTrue(p.isAlive(), "the first results came only at the end of the crawl");
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  /**
   * {@code crawl install} into a prefix, then, from another directory and through a symlink, the
   * installed command crawls, man finds its pages by PATH, and bash loads its completion.
   */
  @Test
  void install_thenCrawlManAndCompletion_workFromAnywhere_throughASymlink() throws Exception {
    Path prefix = tmp.resolve("prefix");
    Result install = run("install", "--prefix", prefix.toString());
    assertEquals(0, install.exit(), install.err());
    assertTrue(install.err().startsWith("crawl: installed into " + prefix), install.err());
    Path links = Files.createDirectories(tmp.resolve("elsewhere"));
    Path link =
        Files.createSymbolicLink(links.resolve("crawl"), prefix.resolve("bin").resolve("crawl"));
    Path root = Files.createDirectories(tmp.resolve("installed-tree"));
    TestTrees.populate(root);
    Process p =
        new ProcessBuilder(link.toString(), "fs", "-0", root.toString())
            .directory(links.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor());
    assertEquals(TestTrees.find(root), TestTrees.splitNul(out));
    assertFalse(Files.exists(prefix.resolve("bin").resolve("pom.xml")));
    String path = prefix.resolve("bin") + ":" + System.getenv("PATH");
    if (Files.isExecutable(Path.of("/usr/bin/man"))) {
      ProcessBuilder manWithPath =
          new ProcessBuilder("man", "-w", "crawl-fs")
              .directory(links.toFile())
              .redirectErrorStream(true);
      manWithPath.environment().put("PATH", path);
      manWithPath.environment().remove("MANPATH");
      Process found = manWithPath.start();
      String where =
          new String(found.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertEquals(0, found.waitFor(), where);
      assertEquals(prefix.resolve("share/man/man1/crawl-fs.1").toString(), where);
    }
    Process bash =
        new ProcessBuilder(
                "bash",
                "-c",
                "source \"$1\" && complete -p crawl",
                "bash",
                prefix.resolve("share/bash-completion/completions/crawl").toString())
            .redirectErrorStream(true)
            .start();
    String completion =
        new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, bash.waitFor(), completion);
    assertTrue(completion.startsWith("complete ") && completion.endsWith(" crawl"), completion);
  }

  /**
   * The JVM's options as the launcher gives them: a stand-in {@code java} of the given major
   * version prints its environment's malloc arena limit and its arguments. Two malloc arenas and,
   * on 22+, a periodic malloc_trim keep native memory that threads freed from staying resident
   * (ldap-benchmarks.md); the user's own options and arena limit win.
   */
  @ParameterizedTest(name = "Java {0}")
  @ValueSource(ints = {17, 25})
  void jvmOptions_giveNativeMemoryBack_theUsersWin(int major) throws Exception {
    Path home = tmp.resolve("jdk" + major);
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + major + ".0.1\"\n");
    Path java = home.resolve("bin/java");
    Files.writeString(
        java,
        "#!/bin/sh\necho \"MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-}\"\nprintf '%s\\n' \"$@\"\n");
    assertTrue(java.toFile().setExecutable(true));

    List<String> defaults = stubbedJava(home, null, null);
    assertEquals("MALLOC_ARENA_MAX=2", defaults.get(0), defaults.toString());
    assertTrue(
        defaults.containsAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmn16m")),
        defaults.toString());
    assertEquals(
        major >= 22, defaults.contains("-XX:TrimNativeHeapInterval=500"), defaults.toString());

    // crawl ldap holds a search's entries in flight: a young generation twice as large.
    for (List<String> args :
        List.of(
            List.of("ldap", "-H", "ldap://dc1", "--root", "ceo"),
            List.of("ldap", "-Hldap://dc1", "--root", "ceo"),
            List.of("ldap", "--url=ldap://dc1", "--root", "ceo"))) {
      List<String> ldap = stubbedJava(home, null, null, args);
      assertTrue(
          ldap.containsAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmn32m"))
              && !ldap.contains("-Xmn16m"),
          ldap.toString());
    }

    // A process of a crawl over Kafka may live for hours, and one that serves the demo directory
    // does CPU-bound work of its own: both compilers, ParallelGC.
    for (List<String> kafka :
        List.of(
            List.of("fs", ".", "--kafka", "localhost:9092"),
            List.of("join", "--kafka=localhost:9092"),
            List.of("attach", "--kafka", "localhost:9092"),
            List.of("ldap", "--root", "ceo"))) {
      List<String> options = stubbedJava(home, null, null, kafka);
      assertTrue(options.contains("-XX:+UseParallelGC"), options.toString());
      assertFalse(options.contains("-XX:TieredStopAtLevel=1"), options.toString());
    }

    List<String> users = stubbedJava(home, "-Xmx1g", "8");
    assertEquals("MALLOC_ARENA_MAX=8", users.get(0), users.toString());
    assertTrue(users.contains("-Xmx1g"), users.toString());
    assertFalse(
        users.stream()
            .anyMatch(o -> o.startsWith("-XX:TrimNativeHeapInterval") || o.equals("-Xmn16m")),
        users.toString());
  }

  /**
   * What the stand-in java in {@code home} printed when the launcher ran {@code crawl fs .} on it.
   */
  private List<String> stubbedJava(Path home, String javaOpts, String arenas) throws Exception {
    return stubbedJava(home, javaOpts, arenas, List.of("fs", "."));
  }

  /**
   * What the stand-in java in {@code home} printed when the launcher ran crawl with {@code args}.
   */
  private List<String> stubbedJava(Path home, String javaOpts, String arenas, List<String> args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(REPO.resolve("crawl").toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile());
    Map<String, String> env = builder.environment();
    env.put("JAVA_HOME", home.toString());
    env.put("CRAWL_NO_CDS", "1"); // no training run on the stand-in
    env.remove("CRAWL_JAVA_OPTS");
    env.remove("MALLOC_ARENA_MAX");
    if (javaOpts != null) {
      env.put("CRAWL_JAVA_OPTS", javaOpts);
    }
    if (arenas != null) {
      env.put("MALLOC_ARENA_MAX", arenas);
    }
    Process p = builder.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.lines().toList();
  }

  @Test
  void withoutJavaHome_runsOnTheNewestJdk17OrLater() throws Exception {
    Result result = runWith("", "fs", "--debug", tmp.toString());
    assertEquals(0, result.exit(), result.err());
    String first = result.err().lines().findFirst().orElse("");
    org.junit.jupiter.api.Assertions.assertTrue(
        first.matches("crawl: running on .*/bin/java \\(the newest JDK 17\\+ found\\)")
            || first.equals("crawl: running on java (from PATH)"),
        first);
    Result quiet = runWith("", "fs", tmp.toString());
    assertEquals("", quiet.err(), "nothing about Java without --debug");
  }

  /**
   * The launcher keeps a class-data archive next to the jar for each JDK it runs on: made on first
   * use, used after, and never a word on stderr or a changed result either way, even when it is
   * garbage. Checked on the newest JDK (the launcher's choice) and on the one running this test.
   */
  @ParameterizedTest(name = "JAVA_HOME=\"{0}\"")
  @ValueSource(strings = {"", "this JVM's"})
  void aClassDataArchiveIsMadeOnceAndUsedSilently(String which) throws Exception {
    String javaHome = which.isEmpty() ? "" : System.getProperty("java.home");
    Result debug = runWith(javaHome, "fs", "--debug", tmp.toString());
    String java =
        debug
            .err()
            .lines()
            .findFirst()
            .orElse("")
            .replaceFirst("^crawl: running on (.*)/bin/java .*$", "$1");
    Path release = Path.of(java, "release");
    String version =
        Files.isRegularFile(release)
            ? Files.readAllLines(release).stream()
                .filter(l -> l.startsWith("JAVA_VERSION="))
                .findFirst()
                .orElse("")
            : "";
    String major = version.replaceFirst("^JAVA_VERSION=\"(\\d+).*$", "$1");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        major.matches("\\d+"), "no release file at " + java);
    Path archive =
        REPO.resolve(
            "crawler-cli/target/crawl-java"
                + major
                + java.replaceAll("[^A-Za-z0-9.-]", "_")
                + ".jsa");
    Path root = Files.createDirectories(tmp.resolve("tree"));
    TestTrees.populate(root);
    Files.deleteIfExists(archive);
    for (int run = 0; run < 3; run++) {
      if (run == 2) { // a corrupt archive newer than the jar: ignored, not remade, not mentioned
        Files.write(archive, new byte[100_000]);
      }
      Result result = runWith(javaHome, "fs", "-0", root.toString());
      assertEquals(0, result.exit(), result.err());
      assertEquals("", result.err(), "run " + run);
      assertEquals(TestTrees.find(root), TestTrees.splitNul(result.out()), "run " + run);
      assertTrue(Files.size(archive) > 0, "archive after run " + run);
    }
    Files.deleteIfExists(archive); // the next run makes a good one again
  }

  /**
   * A JDK that cannot make an archive costs one try per jar, not one per run, and runs as well
   * without.
   */
  @Test
  void anArchiveThatCannotBeMade_isTriedOnce() throws Exception {
    Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
    Path jdk = tmp.resolve("jdk-that-cannot-dump");
    Files.createDirectories(jdk.resolve("bin"));
    Files.copy(Path.of(System.getProperty("java.home"), "release"), jdk.resolve("release"));
    Path tries = tmp.resolve("dump-tries");
    Path launcher = jdk.resolve("bin/java");
    Files.writeString(
        launcher,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do [ \"$a\" = -Xshare:dump ] && { echo try >> '"
            + tries
            + "'; exit 1; }; done\n"
            + "exec '"
            + realJava
            + "' \"$@\"\n");
    assertTrue(launcher.toFile().setExecutable(true));
    Path root = Files.createDirectories(tmp.resolve("tree"));
    TestTrees.populate(root);
    for (int run = 0; run < 3; run++) {
      Result result = runWith(jdk.toString(), "fs", "-0", root.toString());
      assertEquals(0, result.exit(), result.err());
      assertEquals("", result.err(), "run " + run);
      assertEquals(TestTrees.find(root), TestTrees.splitNul(result.out()), "run " + run);
    }
    assertEquals(java.util.List.of("try"), Files.readAllLines(tries));
    try (var marks =
        Files.newDirectoryStream(REPO.resolve("crawler-cli/target"), "*jdk-that-cannot-dump.jsa")) {
      for (Path mark : marks) {
        Files.delete(mark); // the empty archive that marks the try: this JDK is gone with tmp
      }
    }
  }

  /**
   * Kafka's clients log each retry; a user sees only the command's line (the client's is for
   * --debug).
   */
  @Test
  void unreachableKafka_isOneLine_withoutTheClientsLog() throws Exception {
    Result result = run("join", "--kafka", "127.0.0.1:1", "--crawl", "x");
    assertEquals(2, result.exit(), result.err());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(result.err().startsWith("crawl: cannot reach Kafka at 127.0.0.1:1"), result.err());
  }

  @Test
  void crawlFs_missingDirectory_oneLineExitTwo() throws Exception {
    Result result = run("fs", tmp.resolve("missing").toString());
    assertEquals(2, result.exit());
    assertEquals("crawl: " + tmp.resolve("missing") + ": no such directory\n", result.err());
  }
}
