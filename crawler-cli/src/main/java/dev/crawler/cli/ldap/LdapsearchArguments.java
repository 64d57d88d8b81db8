package dev.crawler.cli.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import dev.crawler.cli.common.DurationConverter;
import dev.crawler.cli.common.UserError;
import dev.crawler.ldap.LdapSettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The habits ldapsearch users bring to {@code crawl ldap}, read and checked in one place: {@code
 * [filter [attributes...]]} as positional arguments, attribute names (and {@code *}, {@code +},
 * {@code 1.1}), filters, and the client-side limits {@code -z} and {@code -l}. Every check throws a
 * {@link UserError}: one line, exit 2. Stateless.
 */
final class LdapsearchArguments {
  private LdapsearchArguments() {}

  /**
   * An attribute description (RFC 4512): a name (a letter, then letters, digits and hyphens) or a
   * numeric OID, with options ({@code ;lang-en}, {@code ;binary}).
   */
  private static final Pattern ATTRIBUTE =
      Pattern.compile("(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\\.[0-9]+)*)(?:;[A-Za-z0-9-]+)*");

  /** The positional arguments split as ldapsearch reads them. */
  record Positionals(String filter, List<String> attributes) {}

  /**
   * {@code [filter [attributes...]]}: a first argument that is a filter ({@code
   * (department=Sales)}, or with an {@code =}, as ldapsearch takes {@code uid=jdoe}) is the filter;
   * the rest are attribute names, {@code *}, {@code +} or {@code 1.1}. Nothing an attribute name
   * can be looks like a filter: names have neither parentheses nor {@code =}.
   */
  static Positionals split(List<String> arguments) throws UserError {
    String filter = null;
    List<String> attributes = arguments;
    if (!arguments.isEmpty() && looksLikeFilter(arguments.get(0))) {
      filter = checkFilter(arguments.get(0), "filter");
      attributes = arguments.subList(1, arguments.size());
    }
    for (String attribute : attributes) {
      if (looksLikeFilter(attribute)) {
        throw new UserError(
            "'"
                + attribute
                + "' looks like a filter, and only the first argument can be one, as in "
                + "ldapsearch [options] [filter [attributes...]]");
      }
      if (!attribute.equals(LdapSettings.ALL_USER_ATTRIBUTES)
          && !attribute.equals(LdapSettings.ALL_OPERATIONAL_ATTRIBUTES)
          && !attribute.equals(LdapSettings.NO_ATTRIBUTES)) {
        checkAttribute(attribute, "attribute");
      }
    }
    return new Positionals(filter, List.copyOf(attributes));
  }

  static boolean looksLikeFilter(String argument) {
    String trimmed = argument.strip();
    return trimmed.startsWith("(") || trimmed.indexOf('=') >= 0;
  }

  /**
   * {@code filter}, checked; {@code what} names where it was given ({@code --filter}).
   *
   * @throws UserError with the SDK's reason, if it is not a filter
   */
  static String checkFilter(String filter, String what) throws UserError {
    try {
      Filter.create(filter);
    } catch (LDAPException e) {
      throw new UserError("bad " + what + " '" + filter + "': " + e.getMessage(), e);
    }
    return filter;
  }

  /**
   * {@code name}, checked as an attribute description; {@code what} names where it was given.
   *
   * @throws UserError if it is not one
   */
  static String checkAttribute(String name, String what) throws UserError {
    if (!ATTRIBUTE.matcher(name).matches()) {
      throw new UserError(
          what
              + " '"
              + name
              + "' is not an attribute name: a letter, then letters, digits and "
              + "hyphens (or an OID like 2.5.4.3), with ;options if any");
    }
    return name;
  }

  /**
   * ldapsearch's {@code -z}: a number of entries; 0, {@code none}, {@code unlimited} or {@code max}
   * for no limit ({@code null}).
   */
  static Long sizeLimit(String value) throws UserError {
    if (value == null || isNoLimit(value)) {
      return null;
    }
    try {
      long n = Long.parseLong(value.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new UserError(
        "-z takes a number of people (0 or none for no limit), not '" + value + "'");
  }

  /**
   * ldapsearch's {@code -l}: seconds as a plain number, or a duration ({@code 500ms}, {@code 2m});
   * 0, {@code none}, {@code unlimited} or {@code max} for no limit ({@code null}).
   */
  static Duration timeLimit(String value) throws UserError {
    if (value == null || isNoLimit(value)) {
      return null;
    }
    String v = value.strip();
    try {
      return v.chars().allMatch(Character::isDigit)
          ? Duration.ofSeconds(Long.parseLong(v))
          : new DurationConverter().convert(v);
    } catch (RuntimeException e) {
      throw new UserError(
          "-l takes seconds (e.g. 30) or a duration like 500ms or 2m (0 or none for no limit), not"
              + " '"
              + value
              + "'",
          e);
    }
  }

  private static boolean isNoLimit(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return v.equals("none") || v.equals("unlimited") || v.equals("max") || v.matches("0+");
  }
}
