package dev.crawler.cli.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crawler.cli.CliRun;
import dev.crawler.fs.TestTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every byte of {@code crawl}'s output is right, for every format and worker count: the whole
 * output, sorted by record, equals {@code find}'s (or, for {@code crawl ldap}, one worker's), byte
 * for byte, over many runs. The tree is large enough that each run crosses dozens of output-buffer
 * boundaries with records of random lengths, where one worker's record used to be cut by another's
 * (issue 10: two paths glued on one line, an empty line elsewhere).
 */
class OutputIntegrityTest {
  private static final int MAX_WORKERS = 16;

  /**
   * Runs per worker count for the plain and NUL formats: the old splice showed in about 1 run of
   * 20.
   */
  private static final int ROUNDS = 3;

  @TempDir static Path tmp;
  static Path root;

  /**
   * find's view: "type depth size path" per entry, one string of bytes (ISO-8859-1) each, sorted.
   */
  static List<String> findEntries;

  @BeforeAll
  static void makeTree() throws Exception {
    root = tmp.resolve("t");
    SplittableRandom random = new SplittableRandom(10);
    int entries = 0;
    List<Path> dirs = new ArrayList<>(List.of(root));
    Files.createDirectories(root);
    // About 12,000 entries whose names have random lengths, so records end anywhere in a buffer.
    for (int d = 0; entries < 12_000; d++) {
      Path parent = dirs.get(random.nextInt(dirs.size()));
      Path dir = Files.createDirectory(parent.resolve(name(random, "d" + d)));
      dirs.add(dir);
      entries++;
      int files = random.nextInt(40);
      for (int f = 0; f < files; f++) {
        Files.write(dir.resolve(name(random, "f" + f)), new byte[random.nextInt(3)]);
        entries++;
      }
    }
    TestTrees.populate(
        Files.createDirectory(root.resolve("odd-names"))); // links, a FIFO, non-UTF-8
    findEntries =
        sorted(splitNul(run(List.of("find", root.toString(), "-printf", "%y %d %s %p\\0"))));
  }

  private static String name(SplittableRandom random, String prefix) {
    return prefix + "_" + "x".repeat(random.nextInt(40));
  }

  @Test
  void plain_everyRunEqualsFind() throws Exception {
    List<String> expected = sorted(splitNul(run(List.of("find", root.toString(), "-print0"))));
    // find's lines: a name with a newline spans two, for crawl as for find.
    List<String> expectedLines = sorted(String.join("\n", expected).lines().toList());
    for (int run = 0; run < ROUNDS * MAX_WORKERS; run++) {
      int workers = 1 + run % MAX_WORKERS;
      byte[] out = crawl("fs", "-j", String.valueOf(workers), root.toString());
      String text = latin1(out);
      assertTrue(text.endsWith("\n"), "workers=" + workers + ": the output ends with a newline");
      assertEqualsOrDiff(
          expectedLines,
          sorted(text.substring(0, text.length() - 1).lines().toList()),
          "-j " + workers);
    }
  }

  @Test
  void nul_everyRunEqualsFind() throws Exception {
    List<String> expected = sorted(splitNul(run(List.of("find", root.toString(), "-print0"))));
    for (int run = 0; run < ROUNDS * MAX_WORKERS; run++) {
      int workers = 1 + run % MAX_WORKERS;
      byte[] out = crawl("fs", "-0", "-j", String.valueOf(workers), root.toString());
      assertEquals(0, out[out.length - 1], "-0 output ends with NUL");
      assertEqualsOrDiff(expected, sorted(splitNul(out)), "-0 -j " + workers);
    }
  }

  @Test
  void json_everyLineWhole_andItsFieldsEqualFind() throws Exception {
    Pattern line =
        Pattern.compile(
            "\\{\"path\":\"((?:[^\"\\\\]|\\\\.)*)\"(?:,\"path_base64\":\"([A-Za-z0-9+/=]+)\")?"
                + ",\"type\":\"(file|directory|symlink|other)\",\"size\":(\\d+),\"mtime\":\"[0-9T:.Z-]+\",\"depth\":(\\d+)}");
    for (int workers = 1; workers <= MAX_WORKERS; workers += 3) {
      String text =
          new String(
              crawl("fs", "--json", "-j", String.valueOf(workers), root.toString()),
              StandardCharsets.UTF_8);
      List<String> got = new ArrayList<>();
      for (String json : text.split("\n", -1)) {
        if (json.isEmpty()) {
          continue; // after the last newline only; an empty line elsewhere fails the count below
        }
        Matcher m = line.matcher(json);
        if (!m.matches()) {
          fail("-j " + workers + ": not one whole JSON object: " + json);
        }
        String path =
            m.group(2) != null
                ? latin1(Base64.getDecoder().decode(m.group(2)))
                : latin1(unescapeJson(m.group(1)).getBytes(StandardCharsets.UTF_8));
        String type = m.group(3);
        String size = type.equals("file") ? m.group(4) : "-";
        got.add(type.charAt(0) + " " + m.group(5) + " " + size + " " + path);
      }
      List<String> expected =
          findEntries.stream()
              .map(
                  e -> {
                    String[] f = e.split(" ", 4);
                    String type =
                        switch (f[0]) {
                          case "f" -> "f";
                          case "d" -> "d";
                          case "l" -> "s";
                          default -> "o";
                        };
                    return type + " " + f[1] + " " + (type.equals("f") ? f[2] : "-") + " " + f[3];
                  })
              .toList();
      assertEqualsOrDiff(sorted(expected), sorted(got), "--json -j " + workers);
    }
  }

  @Test
  void du_totalsEqualFindAndDu() throws Exception {
    long files = 0;
    long dirs = 0;
    for (String e : findEntries) {
      if (e.startsWith("d ")) {
        dirs++;
      } else {
        files++;
      }
    }
    String expected =
        "bytes\tfiles\tdirs\terrors\tpath\n"
            + DuOracle.bytes(false, root)
            + "\t"
            + files
            + "\t"
            + dirs
            + "\t0\ttotal\n";
    for (int workers = 1; workers <= MAX_WORKERS; workers += 5) {
      assertEquals(
          expected,
          latin1(crawl("fs", "--du", "-j", String.valueOf(workers), root.toString())),
          "-j " + workers);
    }
  }

  @Test
  void ldap_everyFormat_everyWorkerCount_equalsOneWorkersOutput() {
    for (String format : new String[] {"--json", "--csv", "--dot", "--tree"}) {
      String[] args = {
        "ldap",
        "--root",
        "ceo",
        "--demo-people",
        "1500",
        "-q",
        "--max-depth",
        "50",
        format,
        "-j",
        "1"
      };
      String one = new String(crawl(args), StandardCharsets.UTF_8);
      List<String> oneLines = one.lines().toList();
      assertTrue(oneLines.size() >= 1500, format + ": " + oneLines.size() + " lines");
      for (int workers : new int[] {3, 16}) {
        args[args.length - 1] = String.valueOf(workers);
        String many = new String(crawl(args), StandardCharsets.UTF_8);
        List<String> lines = many.lines().toList();
        String what = format + " -j " + workers;
        assertTrue(many.endsWith("\n"), what);
        // Headers and footers stay where they are; the records between come in any order.
        int head = format.equals("--csv") ? 1 : format.equals("--dot") ? 6 : 0;
        int foot = format.equals("--dot") ? 1 : 0;
        assertEquals(oneLines.subList(0, head), lines.subList(0, head), what);
        assertEquals(
            oneLines.subList(oneLines.size() - foot, oneLines.size()),
            lines.subList(lines.size() - foot, lines.size()),
            what);
        if (format.equals("--tree")) {
          assertEquals(one, many, what + ": the tree is sorted, so it is the same text");
        } else {
          assertEqualsOrDiff(sorted(oneLines), sorted(lines), what);
        }
      }
    }
  }

  private static byte[] crawl(String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(0, run.exit(), String.join(" ", args) + ": " + run.err());
    return run.out();
  }

  /** Equal lists, or a failure that shows the first few records present on one side only. */
  private static void assertEqualsOrDiff(List<String> expected, List<String> actual, String what) {
    if (expected.equals(actual)) {
      return;
    }
    List<String> missing = new ArrayList<>(expected);
    List<String> extra = new ArrayList<>(actual);
    for (String s : actual) {
      missing.remove(s);
    }
    for (String s : expected) {
      extra.remove(s);
    }
    fail(
        String.format(
            Locale.ROOT,
            "%s: %d records expected, %d printed; missing %s; unexpected %s",
            what,
            expected.size(),
            actual.size(),
            missing.subList(0, Math.min(3, missing.size())),
            extra.subList(0, Math.min(3, extra.size()))));
  }

  private static String unescapeJson(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(e);
      }
    }
    return out.toString();
  }

  private static List<String> sorted(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    copy.sort(null);
    return copy;
  }

  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static List<String> splitNul(byte[] bytes) {
    return TestTrees.nulRecords(bytes);
  }

  private static byte[] run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), String.join(" ", command));
    return out;
  }
}
