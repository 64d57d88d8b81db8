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
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
