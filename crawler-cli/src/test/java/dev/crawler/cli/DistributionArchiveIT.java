package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.fs.TestTrees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive the build makes ({@code target/crawl-VERSION.tar.gz}), as someone who
 * does not build from source uses it: unpacked with tar, run from another directory with a home of
 * its own. It crawls as find lists, man finds its pages, bash loads its completion, and on a JDK
 * 22+ it reads directories natively although the archive was built on Java 17, which cannot compile
 * the reader.
 */
class DistributionArchiveIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();

  @TempDir Path tmp;

  private Path home;
  private Path crawl;

  @BeforeEach
  void unpack() throws Exception {
    Path archive;
    try (Stream<Path> files = Files.list(TARGET)) {
      List<Path> archives =
          files.filter(f -> f.getFileName().toString().matches("crawl-.*\\.tar\\.gz")).toList();
      assertEquals(1, archives.size(), "archives in target/: " + archives);
      archive = archives.get(0);
    }
    Path unpacked = Files.createDirectories(tmp.resolve("opt"));
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, tar.waitFor(), said);
    String top = archive.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
    crawl = unpacked.resolve(top).resolve("bin").resolve("crawl");
    assertTrue(Files.isExecutable(crawl), crawl + " is not executable");
    home = Files.createDirectories(tmp.resolve("home"));
  }

  private record Result(int exit, byte[] out, String err) {}

  private Result run(String... args) throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    String[] command = new String[args.length + 1];
    command[0] = crawl.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(elsewhere.toFile())
            .redirectError(tmp.resolve("stderr").toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().remove("XDG_CACHE_HOME");
    builder.environment().remove("JAVA_HOME");
    Process p = builder.start();
    byte[] out = p.getInputStream().readAllBytes();
    int exit = p.waitFor();
    return new Result(exit, out, Files.readString(tmp.resolve("stderr")));
  }

  @Test
  void unpacked_crawlsAsFindLists_fromAnotherDirectory() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("tree"));
    TestTrees.populate(root);
    Result result = run("fs", "-0", root.toString());
    assertEquals(0, result.exit(), result.err());
    assertEquals("", result.err());
    assertEquals(TestTrees.find(root), TestTrees.splitNul(result.out()));
  }

  @Test
  void manFindsThePages_andBashLoadsTheCompletion() throws Exception {
    Path prefix = crawl.getParent().getParent();
    if (Files.isExecutable(Path.of("/usr/bin/man"))) {
      ProcessBuilder man = new ProcessBuilder("man", "-w", "crawl-ldap").redirectErrorStream(true);
      man.environment().put("PATH", crawl.getParent() + ":" + System.getenv("PATH"));
      man.environment().remove("MANPATH");
      Process found = man.start();
      String where =
          new String(found.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertEquals(0, found.waitFor(), where);
      assertEquals(prefix.resolve("share/man/man1/crawl-ldap.1").toString(), where);
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

  /** Built on Java 17 (as CI builds it), the archive still gives a JDK 22+ the native reader. */
  @Test
  void onJava22OrLater_readsDirectoriesNatively() throws Exception {
    Result result = run("fs", "--debug", tmp.toString());
    assertEquals(0, result.exit(), result.err());
    String first = result.err().lines().findFirst().orElse("");
    Matcher running = Pattern.compile("crawl: running on (.*)/bin/java .*").matcher(first);
    Assumptions.assumeTrue(running.matches(), "no JDK found by the launcher: " + first);
    Matcher version =
        Pattern.compile("JAVA_VERSION=\"(\\d+)")
            .matcher(Files.readString(Path.of(running.group(1), "release")));
    assertTrue(version.find());
    Assumptions.assumeTrue(
        Integer.parseInt(version.group(1)) >= 22, "the newest JDK here is " + version.group(1));
    assertTrue(result.err().contains("DEBUG directories are listed with getdents64"), result.err());
  }
}
