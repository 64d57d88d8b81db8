package dev.crawler.cli.common;

import java.util.Locale;

/**
 * A string as a JSON string literal, quotes included, for the formats that write JSON or quote as
 * JSON does ({@code crawl fs --json}, {@code crawl ldap}'s formats). Stateless and thread-safe.
 */
public final class JsonString {
  private JsonString() {}

  /**
   * Appends {@code s} to {@code out} as a JSON string: quoted, with the characters JSON forbids
   * escaped.
   */
  public static void append(StringBuilder out, String s) {
    out.append('"');
    int plain = 0; // s[plain..i) needs no escape: appended as one run, not char by char
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, plain, i);
      plain = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    out.append(s, plain, s.length());
    out.append('"');
  }
}
