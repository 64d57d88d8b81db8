package dev.crawler.cli.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/** NameGlob matches what the JDK's glob matcher matches, on text that need not be a Path. */
class NameGlobTest {
  private static final List<String> GLOBS =
      List.of(
          "*",
          "*.txt",
          "f?.txt",
          "f*1*",
          "[a-c]*",
          "[!a-c]*",
          "[^x]*",
          "[-a]*",
          "[a-]",
          "{a,bc}*",
          "{*.txt,*.md}",
          "\\*x",
          "a\\?",
          "x.y",
          "(a)",
          "a+b",
          "a|b",
          "$a^",
          "**",
          "**.md",
          "[[]*",
          "[a&&b]",
          "[\\]]",
          "{}",
          "a,b",
          "}",
          "*{,x}");
  private static final List<String> NAMES =
      List.of(
          "",
          "a",
          "b",
          "bc",
          "bcd",
          "x",
          "*x",
          "a?",
          "ab",
          "f1.txt",
          "f12.txt",
          "x.txt",
          "y.md",
          "x.y",
          "xzy",
          "(a)",
          "a+b",
          "aab",
          "a|b",
          "$a^",
          "-",
          "^",
          "[",
          "&",
          "\\",
          "]",
          "a,b",
          "}",
          "caf\uFFFD\uFFFD.txt",
          "with space",
          "a-",
          "z");

  @Test
  void matchesWhatTheJdksGlobMatches() {
    for (String glob : GLOBS) {
      PathMatcher jdk = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      java.util.regex.Pattern ours = NameGlob.compile(glob);
      for (String name : NAMES) {
        if (name.isEmpty() || name.indexOf('\uFFFD') >= 0) {
          continue; // no Path for these: the very reason for NameGlob
        }
        assertEquals(
            jdk.matches(Path.of(name)), ours.matcher(name).matches(), glob + " against " + name);
      }
    }
  }

  @Test
  void undecodedBytes_areMatchedByWildcardsOnly() {
    assertTrue(NameGlob.compile("caf??.txt").matcher("caf\uFFFD\uFFFD.txt").matches());
    assertTrue(NameGlob.compile("*.txt").matcher("caf\uFFFD\uFFFD.txt").matches());
    assertEquals(false, NameGlob.compile("café.txt").matcher("caf\uFFFD\uFFFD.txt").matches());
    assertTrue(NameGlob.compile("*").matcher("new\nline").matches());
  }

  @Test
  void badGlobs_failAsTheJdksDo() {
    for (String glob : List.of("[", "[a", "a{b", "{a,{b}}", "x\\", "[/]", "[z-a]", "[a-b-c]")) {
      PatternSyntaxException jdk =
          assertThrows(
              PatternSyntaxException.class,
              () -> FileSystems.getDefault().getPathMatcher("glob:" + glob),
              glob);
      PatternSyntaxException ours =
          assertThrows(PatternSyntaxException.class, () -> NameGlob.compile(glob), glob);
      assertEquals(jdk.getDescription(), ours.getDescription(), glob);
      assertEquals(jdk.getIndex(), ours.getIndex(), glob);
    }
  }
}
