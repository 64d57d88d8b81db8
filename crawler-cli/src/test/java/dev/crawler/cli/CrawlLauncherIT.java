package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crawler.fs.TestTrees;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code ./crawl} launcher, as a user runs it from the repository root. */
class CrawlLauncherIT {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();

  @TempDir
  Path tmp;

  private record Result(int exit, byte[] out, String err) {}

  private static Result run(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = REPO.resolve("crawl").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).directory(REPO.toFile()).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread drain = new Thread(() -> {
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
  void crawlFs_missingDirectory_oneLineExitTwo() throws Exception {
    Result result = run("fs", tmp.resolve("missing").toString());
    assertEquals(2, result.exit());
    assertEquals("crawl: " + tmp.resolve("missing") + ": no such directory\n", result.err());
  }
}
