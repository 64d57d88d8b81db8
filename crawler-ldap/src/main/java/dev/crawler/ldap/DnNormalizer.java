package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;

/**
 * A DN's normalized form, exactly as {@link DN#toNormalizedString()} gives it without a schema,
 * without parsing the common DN. Stateless.
 *
 * <p>Parsing and normalizing every entry's DN was a third of a crawling worker's CPU at 200,000
 * people (JFR: {@code DN.<init>} and {@code RDN.toNormalizedString}). Most DNs are plain: RDNs of
 * one {@code name=value}, the name a letter then letters, digits or hyphens, the value letters,
 * digits, {@code .-_@} and single inner spaces. For those the normalized form is the DN with ASCII
 * letters in lower case, which this computes in one pass; anything else (escapes, quotes, {@code
 * +}, {@code #}, spaces to trim or collapse, any non-ASCII character) is parsed by the SDK. {@code
 * DnNormalizerTest} checks the two agree on random DNs made to hit the boundary.
 */
final class DnNormalizer {
  private DnNormalizer() {}

  /**
   * The normalized form of {@code dn}.
   *
   * @throws LDAPException if {@code dn} is not a DN
   */
  static String normalize(String dn) throws LDAPException {
    String fast = plainLowerCase(dn);
    return fast != null ? fast : new DN(dn).toNormalizedString();
  }

  /** {@code dn} in lower case if it is plain (see the class comment), else {@code null}. */
  static String plainLowerCase(String dn) {
    int n = dn.length();
    if (n == 0) {
      return null;
    }
    boolean inName = true;
    boolean upper = false;
    char previous = ',';
    for (int i = 0; i < n; i++) {
      char c = dn.charAt(i);
      upper |= c >= 'A' && c <= 'Z';
      if (inName) {
        if (c == '=') {
          if (previous == ',') {
            return null; // empty name
          }
          inName = false;
        } else if (!(isLetter(c) || (previous != ',' && (isDigit(c) || c == '-')))) {
          return null;
        }
      } else if (c == ',') {
        if (previous == '=' || previous == ' ') {
          return null; // empty value, or a space to trim
        }
        inName = true;
      } else if (c == ' ') {
        if (previous == '=' || previous == ' ') {
          return null; // a space to trim or to collapse
        }
      } else if (!(isLetter(c) || isDigit(c) || c == '.' || c == '-' || c == '_' || c == '@')) {
        return null;
      }
      previous = c;
    }
    if (inName || previous == '=' || previous == ' ') {
      return null;
    }
    return upper ? lowerAscii(dn) : dn;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String lowerAscii(String s) {
    char[] chars = s.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      char c = chars[i];
      if (c >= 'A' && c <= 'Z') {
        chars[i] = (char) (c + ('a' - 'A'));
      }
    }
    return new String(chars);
  }
}
