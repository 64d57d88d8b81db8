package dev.crawler.cli.fs;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A glob in {@code java.nio}'s syntax ({@code FileSystem.getPathMatcher("glob:...")}: {@code *},
 * {@code ?}, {@code [a-z]}, {@code [!a-z]}, {@code {a,b}}, {@code \} to escape), made a regular
 * expression that matches a name as text.
 *
 * <p>Why not the JDK's matcher: it takes a {@link java.nio.file.Path}, and a name that was changed
 * (lower-cased for smart case) can only become one again through the file-name charset. Under
 * {@code LC_ALL=C} that charset is ASCII, a non-ASCII name decodes to U+FFFD, which cannot be
 * encoded back, and {@code Path.of} threw for the first such name, failing the whole crawl. Text
 * has no such limit: every name, decoded leniently, can be matched. Immutable; thread-safe.
 */
final class NameGlob {
  private static final String REGEX_META = ".^$+{[]|()";
  private static final String GLOB_META = "\\*?[{";

  private NameGlob() {}

  /**
   * The regular expression that matches what {@code glob} matches.
   *
   * @throws PatternSyntaxException as the JDK's glob parser would, with the same descriptions
   */
  static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder("^");
    boolean inGroup = false;
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i++);
      switch (c) {
        case '\\' -> {
          if (i == glob.length()) {
            throw new PatternSyntaxException("No character to escape", glob, i - 1);
          }
          char next = glob.charAt(i++);
          if (GLOB_META.indexOf(next) >= 0 || REGEX_META.indexOf(next) >= 0) {
            regex.append('\\');
          }
          regex.append(next);
        }
        case '[' -> i = bracket(glob, i, regex);
        case '{' -> {
          if (inGroup) {
            throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
          }
          regex.append("(?:(?:");
          inGroup = true;
        }
        case '}' -> {
          regex.append(inGroup ? "))" : "\\}");
          inGroup = false;
        }
        case ',' -> regex.append(inGroup ? ")|(?:" : ",");
        case '*' -> {
          if (i < glob.length() && glob.charAt(i) == '*') {
            regex.append(".*"); // ** crosses '/', which a name never holds
            i++;
          } else {
            regex.append("[^/]*");
          }
        }
        case '?' -> regex.append("[^/]");
        default -> {
          if (REGEX_META.indexOf(c) >= 0) {
            regex.append('\\');
          }
          regex.append(c);
        }
      }
    }
    if (inGroup) {
      throw new PatternSyntaxException("Missing '}", glob, i - 1);
    }
    return Pattern.compile(regex.append('$').toString(), Pattern.DOTALL);
  }

  /** A bracket expression from just after its '[': appended as a class; returns where it ended. */
  private static int bracket(String glob, int start, StringBuilder regex) {
    int i = start;
    regex.append("[[^/]&&[");
    if (at(glob, i) == '^') {
      regex.append("\\^"); // a literal caret: negation is '!'
      i++;
    } else {
      if (at(glob, i) == '!') {
        regex.append('^');
        i++;
      }
      if (at(glob, i) == '-') {
        regex.append('-'); // a hyphen first is literal
        i++;
      }
    }
    boolean rangeStart = false;
    char last = 0;
    char c = 0;
    while (i < glob.length()) {
      c = glob.charAt(i++);
      if (c == ']') {
        break;
      }
      if (c == '/') {
        throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
      }
      if (c == '\\' || c == '[' || c == '&' && at(glob, i) == '&') {
        regex.append('\\');
      }
      regex.append(c);
      if (c == '-') {
        if (!rangeStart) {
          throw new PatternSyntaxException("Invalid range", glob, i - 1);
        }
        c = at(glob, i++);
        if (c == 0 || c == ']') {
          break;
        }
        if (c < last) {
          throw new PatternSyntaxException("Invalid range", glob, i - 3);
        }
        regex.append(c);
        rangeStart = false;
      } else {
        rangeStart = true;
        last = c;
      }
    }
    if (c != ']') {
      throw new PatternSyntaxException("Missing ']", glob, i - 1);
    }
    regex.append("]]");
    return i;
  }

  /** The character at {@code i}, or 0 past the end. */
  private static char at(String glob, int i) {
    return i < glob.length() ? glob.charAt(i) : 0;
  }
}
