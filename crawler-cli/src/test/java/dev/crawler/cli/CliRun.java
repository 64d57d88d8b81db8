package dev.crawler.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One run of {@code crawl} in this JVM, as {@code main} would run it: the exit code, stdout's exact
 * bytes, stderr's text. The one way the command's tests run it.
 */
public record CliRun(int exit, byte[] out, String err) {

  /** Runs {@code crawl args}, capturing stdout. */
  public static CliRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CliRun run = to(out, args);
    return new CliRun(run.exit(), out.toByteArray(), run.err());
  }

  /** Runs {@code crawl args} with results going to {@code stdout} (a closed pipe, say). */
  public static CliRun to(OutputStream stdout, String... args) {
    StringWriter err = new StringWriter();
    int exit = CrawlCommand.commandLine(stdout).setErr(new PrintWriter(err, true)).execute(args);
    return new CliRun(exit, new byte[0], err.toString());
  }

  /** Stdout as UTF-8 text. */
  public String text() {
    return new String(out, StandardCharsets.UTF_8);
  }

  /** Stdout's lines, as UTF-8 text. */
  public List<String> lines() {
    return text().lines().toList();
  }

  /** Stdout byte for byte, one char per byte: odd file names compare exactly. */
  public String latin1() {
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /** The distinct lines of {@link #latin1()}. */
  public Set<String> latin1Lines() {
    return new HashSet<>(Arrays.asList(latin1().split("\n")));
  }
}
