package dev.crawler.cli.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crawler.cli.CrawlProcess;
import dev.crawler.fs.TestTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl fs} under {@code LC_ALL=C}, as cron, CI and containers run it: the JVM's file-name
 * charset is then ASCII, and every non-ASCII name is one it cannot decode. No name fails the crawl,
 * whatever the filter. A process of its own, since the JVM fixes its charsets at start.
 */
class CLocaleTest {
  private static final Map<String, String> C = Map.of("LC_ALL", "C");

  @TempDir static Path tmp;
  static Path root;

  @BeforeAll
  static void tree() throws Exception {
    root = Files.createDirectories(tmp.resolve("tree"));
    TestTrees.shell(
        root,
        "mkdir sub \"$(printf 'd\\303\\274r')\" && touch plain.txt other.log \"$(printf"
            + " 'caf\\303\\251.txt')\" \"$(printf 'bad\\377.txt')\" \"$(printf"
            + " 'sub/na\\303\\257ve.md')\" \"$(printf 'd\\303\\274r/x.txt')\" && printf '*.md\\n"
            + "' > .ignore");
  }

  /**
   * What crawl fs -0 (or -x's commands) prints under LC_ALL=C, as byte strings; exit and stderr
   * checked.
   */
  private static Set<String> crawl(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("fs", root.toString()));
    if (!List.of(args).contains("-x")) {
      all.add("-0"); // -x prints nothing of its own
    }
    all.addAll(List.of(args));
    CrawlProcess run = CrawlProcess.run(C, null, all.toArray(String[]::new));
    assertEquals("", run.err(), all.toString());
    assertEquals(0, run.exit(), all.toString());
    return new TreeSet<>(TestTrees.splitNul(run.out()));
  }

  /** find's answer under LC_ALL=C, where its patterns match bytes: one '?' for each byte. */
  private static Set<String> find(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("find", root.toString()));
    command.addAll(List.of(args));
    command.add("-print0");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("LC_ALL", "C");
    Process p = builder.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor());
    return new TreeSet<>(TestTrees.splitNul(out));
  }

  private static String path(String octal) {
    StringBuilder bytes = new StringBuilder(TestTrees.bytesOf(root)).append('/');
    for (int i = 0; i < octal.length(); i++) {
      char c = octal.charAt(i);
      if (c == '\\') {
        bytes.append((char) Integer.parseInt(octal.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        bytes.append(c);
      }
    }
    return bytes.toString();
  }

  @Test
  void glob_matchesEveryName_asFindDoesUnderC() throws Exception {
    Set<String> txt = crawl("-g", "*.txt");
    assertEquals(
        Set.of(
            path("plain.txt"),
            path("caf\\303\\251.txt"),
            path("bad\\377.txt"),
            path("d\\303\\274r/x.txt")),
        txt);
    assertEquals(find("-iname", "*.txt"), txt);
    assertEquals(
        find("-iname", "caf??.txt"), crawl("-g", "caf??.txt"), "é is two bytes, each one U+FFFD");
    assertEquals(find("-iname", "bad?.txt"), crawl("-g", "bad?.txt"));
    assertEquals(find("-iname", "d?*"), crawl("-g", "d?*"));
  }

  /** -x hands every name to its command byte for byte, through xargs when Java cannot. */
  @Test
  void exec_withGlob_passesEveryNameByteForByte() throws Exception {
    assertEquals(find("-iname", "*.txt"), crawl("-g", "*.txt", "-x", "printf", "%s\\0"));
  }

  @Test
  void otherFilters_matchEveryName() throws Exception {
    assertEquals(find("-iname", "*.txt"), crawl("-e", "txt"));
    assertEquals(Set.of(path("caf\\303\\251.txt")), crawl("--regex", "^caf"));
    assertEquals(find("-not", "-name", "*.txt"), crawl("-E", "*.txt"));
    assertEquals(find("-name", "d??r", "-prune", "-o"), crawl("-E", "d??r"), "ü is two bytes");
    assertEquals(find("-not", "-name", "*.md"), crawl("--gitignore"), ".ignore leaves out *.md");
  }
}
