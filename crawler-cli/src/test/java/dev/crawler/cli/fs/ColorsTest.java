package dev.crawler.cli.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CrawlCommand;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileTreeOptions;
import dev.crawler.fs.FileTreeSource;
import dev.crawler.fs.TestTrees;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --color}: LS_COLORS read as ls reads it; the same paths, each line one whole record. */
class ColorsTest {
  @TempDir Path tmp;

  private static byte[] esc(String codes) {
    return ("\033[" + codes + "m").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void lsColors_byTypeAndExtension_andDefaultsWithout() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("t"));
    Files.writeString(root.resolve("a.TAR"), "x");
    Files.writeString(root.resolve("plain"), "x");
    Files.createSymbolicLink(root.resolve("link"), Path.of("plain"));
    FileTreeSource source = FileTreeSource.over(root, FileTreeOptions.defaults());
    Colors colors = Colors.of("di=01;34:ln=01;36:*.tar=01;31:fi=0:bogus=x:rs=0");
    assertArrayEquals(esc("01;34"), colors.start(source.root()));
    java.util.Map<String, FileEntry> entries = new java.util.HashMap<>();
    try (var crawl =
        dev.crawler.core.Crawler.over(source)
            .workers(1)
            .start(
                source.root(),
                v -> entries.put(v.node().path().getFileName().toString(), v.node()))) {
      crawl.await();
    }
    assertArrayEquals(esc("01;31"), colors.start(entries.get("a.TAR")), "extensions ignore case");
    assertArrayEquals(esc("01;36"), colors.start(entries.get("link")));
    assertArrayEquals(esc("0"), colors.start(entries.get("plain")));
    assertNull(Colors.of(null).start(entries.get("plain")), "no color for files by default");
    assertArrayEquals(esc("01;34"), Colors.of("").start(source.root()));
  }

  /**
   * Executable files in ls's green (or LS_COLORS' ex), before their extension's color, as ls does.
   */
  @Test
  void executables_takeTheExColor() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("x"));
    Path tool = Files.writeString(root.resolve("tool.tar"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        tool, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(root.resolve("data.tar"), "x");
    FileTreeSource source = FileTreeSource.over(root, FileTreeOptions.defaults());
    java.util.Map<String, FileEntry> entries = new java.util.HashMap<>();
    try (var crawl =
        dev.crawler.core.Crawler.over(source)
            .workers(1)
            .start(
                source.root(),
                v -> entries.put(v.node().path().getFileName().toString(), v.node()))) {
      crawl.await();
    }
    assertArrayEquals(
        esc("01;32"), Colors.of(null).start(entries.get("tool.tar")), "ls's default for ex");
    Colors custom = Colors.of("ex=01;33:*.tar=01;31");
    assertArrayEquals(esc("01;33"), custom.start(entries.get("tool.tar")));
    assertArrayEquals(esc("01;31"), custom.start(entries.get("data.tar")));
    assertArrayEquals(
        esc("01;31"),
        Colors.of("*.tar=01;31").start(entries.get("tool.tar")),
        "no ex: the extension");
  }

  @Test
  void colorAlways_colorsEachLineWhole_samePathsAsFind_neverAndAutoInAPipeDoNot() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("tree"));
    TestTrees.populate(root);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int exit =
        CrawlCommand.commandLine(out)
            .setErr(new PrintWriter(err, true))
            .execute("fs", "--color", "always", "-j", "3", root.toString());
    assertEquals(0, exit, err.toString());
    String text = out.toString(StandardCharsets.ISO_8859_1);
    Pattern line = Pattern.compile("(?:\033\\[[0-9;]+m(.*)\033\\[0m|([^\033]*))");
    Set<String> paths = new HashSet<>();
    int colored = 0;
    for (String l : text.split("\n")) {
      Matcher m = line.matcher(l);
      assertTrue(m.matches(), "a line is one path, whole, colored or not: " + l);
      paths.add(m.group(1) != null ? m.group(1) : m.group(2));
      colored += m.group(1) != null ? 1 : 0;
    }
    assertTrue(colored >= TestTrees.find(root, "-type", "d").size(), "every directory is colored");
    Set<String> expected = new HashSet<>();
    for (String p : TestTrees.find(root)) {
      expected.addAll(
          java.util.Arrays.asList(p.split("\n"))); // the name with a newline spans two lines
    }
    assertEquals(expected, paths);
    for (String when : new String[] {"never", "auto"}) {
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      CrawlCommand.commandLine(plain).execute("fs", "--color", when, root.toString());
      assertFalse(plain.toString(StandardCharsets.ISO_8859_1).contains("\033"), when);
    }
  }
}
