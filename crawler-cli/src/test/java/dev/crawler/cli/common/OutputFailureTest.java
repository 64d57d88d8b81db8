package dev.crawler.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.ClosedPipe;
import dev.crawler.cli.CrawlProcess;
import dev.crawler.cli.FullDisk;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Output that cannot be written (a full disk) is an error, said in one line with exit 1, for every
 * format; a reader that went away ({@code | head}) stays a quiet, normal end.
 */
class OutputFailureTest {
  private static final String FULL = "crawl: cannot write the output: No space left on device\n";

  @TempDir static Path tmp;
  static Path root;

  @BeforeAll
  static void tree() throws Exception {
    root = Files.createDirectories(tmp.resolve("tree"));
    for (int d = 0; d < 5; d++) {
      Path dir = Files.createDirectories(root.resolve("d" + d));
      for (int f = 0; f < 40; f++) {
        Files.writeString(dir.resolve("f" + f + ".txt"), "x".repeat(f));
      }
    }
  }

  /** Each format of crawl fs, as extra arguments; "" for the plain one. */
  private static List<String> fsArgs(String format) {
    List<String> args = new ArrayList<>(List.of("fs", "-q", root.toString()));
    if (!format.isEmpty()) {
      args.addAll(List.of(format.split(" ")));
    }
    return args;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "-0", "--json", "--summary", "--du", "--color always", "-x echo", "-X echo"})
  void fs_fullDisk_saysSoInOneLine_exitOne(String format) {
    CliRun run = CliRun.to(new FullDisk(), fsArgs(format).toArray(String[]::new));
    assertEquals(FULL, run.err());
    assertEquals(1, run.exit());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "-0", "--json", "--summary", "--du", "--color always", "-x echo", "-X echo"})
  void fs_readerGone_isANormalEnd(String format) {
    CliRun run = CliRun.to(new ClosedPipe(), fsArgs(format).toArray(String[]::new));
    assertEquals("", run.err());
    assertEquals(0, run.exit());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--json", "--tree", "--ldif", "--csv", "--dot", "--html"})
  void ldap_fullDisk_saysSoInOneLine_exitOne(String format) {
    CliRun run =
        CliRun.to(new FullDisk(), "ldap", "--root", "ceo", "--demo-people", "300", "-q", format);
    assertEquals(FULL, run.err());
    assertEquals(1, run.exit());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--json", "--tree", "--ldif", "--csv", "--dot", "--html"})
  void ldap_readerGone_isANormalEnd(String format) {
    CliRun run =
        CliRun.to(new ClosedPipe(), "ldap", "--root", "ceo", "--demo-people", "300", "-q", format);
    assertEquals("", run.err());
    assertEquals(0, run.exit());
  }

  /** Help, the version and the completion script are output too. */
  @ParameterizedTest
  @ValueSource(strings = {"--help", "fs --help", "ldap --help", "--version", "generate-completion"})
  void help_fullDisk_saysSoInOneLine_exitOne_readerGone_isANormalEnd(String args) {
    CliRun full = CliRun.to(new FullDisk(), args.split(" "));
    assertEquals(FULL, full.err());
    assertEquals(1, full.exit());
    CliRun gone = CliRun.to(new ClosedPipe(), args.split(" "));
    assertEquals("", gone.err());
    assertEquals(0, gone.exit());
  }

  /** The first failed write stops everything: with one worker, no command runs after it. */
  @Test
  void exec_fullDisk_noCommandStartsAfterTheFirstFailedWrite() throws Exception {
    Path log = tmp.resolve("ran.log");
    CliRun run =
        CliRun.to(
            new FullDisk(),
            "fs",
            "-q",
            "-j",
            "1",
            root.toString(),
            "-t",
            "f",
            "-x",
            "sh",
            "-c",
            "echo \"$1\"; echo \"$1\" >> \"$0\"",
            log.toString());
    assertEquals(FULL, run.err());
    assertEquals(1, run.exit());
    assertEquals(1, Files.readAllLines(log).size(), "commands run");
  }

  @Test
  void fs_fullDisk_stopsAtTheFirstFailedWrite() {
    FullDisk out = new FullDisk();
    CliRun run = CliRun.to(out, "fs", "-q", "-j", "1", root.toString(), "--json");
    assertEquals(1, run.exit());
    assertEquals(1, out.writes.get(), "writes tried");
  }

  /** A real process writing to /dev/full, as a user's shell would set it up. */
  @ParameterizedTest
  @ValueSource(strings = {"", "--json", "--du", "-x echo"})
  void realProcess_devFull_saysSoInOneLine_exitOne(String format) throws Exception {
    File full = new File("/dev/full");
    assumeTrue(full.exists(), "/dev/full is Linux's");
    CrawlProcess run = CrawlProcess.run(Map.of(), full, fsArgs(format).toArray(String[]::new));
    assertEquals(FULL, run.err());
    assertEquals(1, run.exit());
  }

  @Test
  void realProcess_devFull_ldap() throws Exception {
    File full = new File("/dev/full");
    assumeTrue(full.exists(), "/dev/full is Linux's");
    CrawlProcess run =
        CrawlProcess.run(
            Map.of(), full, "ldap", "--root", "ceo", "--demo-people", "300", "-q", "--tree");
    assertEquals(FULL, run.err());
    assertEquals(1, run.exit());
  }

  @Test
  void writeFailure_tellsAGoneReader_fromAnyOtherFailure() {
    assertTrue(WriteFailure.readerGone(new IOException("Broken pipe")));
    assertFalse(WriteFailure.readerGone(new IOException(FullDisk.REASON)));
    assertFalse(WriteFailure.readerGone(new IOException("Bad file descriptor")));
    assertFalse(WriteFailure.readerGone(new IOException((String) null)));
  }

  @Test
  void sharedOutput_checkWritten_throwsOnlyForAFailureThatIsNotAGoneReader() throws Exception {
    SharedOutput gone = new SharedOutput(new ClosedPipe(), () -> {});
    gone.writeNow(new byte[] {'x'});
    assertTrue(gone.failed());
    assertTrue(gone.readerGone());
    gone.checkWritten();
    SharedOutput full = new SharedOutput(new FullDisk(), () -> {});
    full.writeNow(new byte[] {'x'});
    assertTrue(full.failed());
    assertFalse(full.readerGone());
    ExitStatus.OutputFailedException e =
        assertThrows(ExitStatus.OutputFailedException.class, full::checkWritten);
    assertEquals("cannot write the output: No space left on device", e.getMessage());
  }
}
