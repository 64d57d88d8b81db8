package dev.crawler.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link JsonString}: what JSON requires escaped is, and everything else passes as it is. */
class JsonStringTest {
  private static String quoted(String s) {
    StringBuilder out = new StringBuilder("x=");
    JsonString.append(out, s);
    return out.toString();
  }

  @Test
  void plainText_passesWhole_unicodeIncluded() {
    assertEquals("x=\"\"", quoted(""));
    assertEquals("x=\"uid=ceo,ou=people\"", quoted("uid=ceo,ou=people"));
    assertEquals("x=\"Zoë 東京 😀 /\"", quoted("Zoë 東京 😀 /"));
  }

  @Test
  void quotesBackslashesAndControls_areEscaped_wherever_theyStand() {
    assertEquals("x=\"\\\"\"", quoted("\""));
    assertEquals("x=\"a\\\\b\\\"c\\\"\"", quoted("a\\b\"c\""));
    assertEquals("x=\"\\n\\r\\t\"", quoted("\n\r\t"));
    assertEquals("x=\"a\\u0000b\\u001fc\\u0001\"", quoted("a\u0000b\u001fc\u0001"));
    assertEquals("x=\"cn=a\\\\, b\\nnext\"", quoted("cn=a\\, b\nnext"));
  }
}
