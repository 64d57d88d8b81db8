package dev.crawler.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads every value of a multi-valued attribute that the server hands out a range at a time: Active
 * Directory sends at most MaxValRange (1,500) values in one read, named {@code attr;range=0-1499},
 * and the client asks for {@code attr;range=1500-*}, then from where each answer ended, until a
 * range ends in {@code *} (MS-ADTS 3.1.1.3.1.3.3, "range retrieval"). The UnboundID SDK has no
 * helper for it; attribute options are read with {@link Attribute#getOptions}. Immutable and
 * thread-safe.
 *
 * <p>Each follow-up is a base-scope read of the entry itself. An answer that does not continue
 * exactly where the last ended (a gap, an overlap, no range at all, the entry gone) cannot be made
 * whole: {@link TruncatedAnswerException}, naming the entry. Never a partial count.
 */
final class RangeRetrieval {
  private static final String RANGE = "range=";
  private final LimitedSearch search;

  RangeRetrieval(LimitedSearch search) {
    this.search = search;
  }

  /**
   * How many values {@code attribute} has in {@code entry}, all ranges read: 0 when absent. Sends
   * no operation unless the entry holds only the first range.
   */
  int count(LDAPConnection connection, Entry entry, String attribute) throws LDAPException {
    Attribute plain = entry.getAttribute(attribute);
    Attribute ranged = ranged(entry, attribute);
    if (ranged == null) {
      return plain == null ? 0 : plain.size();
    }
    int[] n = {0};
    each(connection, entry, attribute, ranged, value -> n[0]++);
    return n[0];
  }

  /** Every value of {@code attribute} in {@code entry}, all ranges read; empty when absent. */
  List<String> values(LDAPConnection connection, Entry entry, String attribute)
      throws LDAPException {
    List<String> values = new ArrayList<>();
    Attribute ranged = ranged(entry, attribute);
    if (ranged == null) {
      String[] plain = entry.getAttributeValues(attribute);
      return plain == null ? values : List.of(plain);
    }
    each(connection, entry, attribute, ranged, values::add);
    return values;
  }

  private void each(
      LDAPConnection connection,
      Entry entry,
      String attribute,
      Attribute first,
      Consumer<String> each)
      throws LDAPException {
    Attribute part = first;
    int expectedLow = 0;
    while (true) {
      long[] range = part == null ? null : range(part);
      if (range == null || range[0] != expectedLow) {
        throw new TruncatedAnswerException(
            attribute
                + " of "
                + entry.getDN()
                + " came in ranges, and the server "
                + (part == null ? "sent no range" : "sent " + part.getName())
                + " when asked for the values from "
                + expectedLow
                + " on: its values cannot be counted whole");
      }
      String[] values = part.getValues();
      boolean last = range[1] < 0;
      if (!last && values.length != range[1] - range[0] + 1) {
        throw new TruncatedAnswerException(
            part.getName()
                + " of "
                + entry.getDN()
                + " holds "
                + values.length
                + " values: its values cannot be counted whole");
      }
      for (String value : values) {
        each.accept(value);
      }
      if (last) {
        return;
      }
      expectedLow = (int) range[1] + 1;
      Entry next =
          search.read(connection, entry.getDN(), attribute + ";" + RANGE + expectedLow + "-*");
      part = next == null ? null : ranged(next, attribute);
    }
  }

  /**
   * The attribute's {@code range=} part in {@code entry}, or {@code null} if it came whole (or not
   * at all).
   */
  static Attribute ranged(Entry entry, String attribute) {
    for (Attribute a : entry.getAttributes()) {
      if (a.hasOptions() && a.getBaseName().equalsIgnoreCase(attribute) && rangeOption(a) != null) {
        return a;
      }
    }
    return null;
  }

  private static String rangeOption(Attribute a) {
    for (String option : a.getOptions()) {
      if (option.toLowerCase(Locale.ROOT).startsWith(RANGE)) {
        return option.substring(RANGE.length());
      }
    }
    return null;
  }

  /** {low, high} of a ranged attribute, high -1 for {@code *}; {@code null} if malformed. */
  private static long[] range(Attribute a) {
    String option = rangeOption(a);
    if (option == null) {
      return null;
    }
    int dash = option.indexOf('-');
    try {
      long low = Long.parseLong(option.substring(0, dash));
      String high = option.substring(dash + 1);
      long end = high.equals("*") ? -1 : Long.parseLong(high);
      return low < 0
              || low > Integer.MAX_VALUE
              || (end >= 0 && (end < low || end >= Integer.MAX_VALUE))
          ? null
          : new long[] {low, end};
    } catch (RuntimeException e) { // no dash, or not numbers
      return null;
    }
  }
}
