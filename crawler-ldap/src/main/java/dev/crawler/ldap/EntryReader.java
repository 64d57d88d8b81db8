package dev.crawler.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns directory entries into {@link Fetched} people, as the settings name the attributes, and
 * reads the back-link to reports when one is in use. Immutable and thread-safe.
 *
 * <p>A back-link's count is exact or not used: a back-link the server sent in ranges ({@code
 * directReports;range=0-1499}, past Active Directory's MaxValRange) is read to its end by {@link
 * RangeRetrieval} over the caller's connection. If the server does not follow the ranges, the
 * person's count is unknown (-1), so their reports are asked for by the manager attribute, as
 * without a back-link. Read as plain {@code directReports} only, such a manager counted as linked
 * to nobody, was never asked about, and their whole subtree was missing from a crawl that said
 * COMPLETE.
 */
final class EntryReader {
  private static final Logger log = LoggerFactory.getLogger(EntryReader.class);
  private final String uidAttribute;
  private final String managerAttribute;

  /** The back-link attribute in use, or {@code null}: decided before the source is built. */
  private final String backLink;

  /** Attributes asked for besides the usual ones, carried as they are. */
  private final List<String> extra;

  private final RangeRetrieval ranges;

  /**
   * For {@code *} and {@code +}: whether an attribute has a field of its own (see
   * LdapSettings.isField).
   */
  private final Predicate<String> isField;

  private final boolean allUser;
  private final boolean operational;

  EntryReader(LdapSettings settings, String backLink, RangeRetrieval ranges) {
    this.uidAttribute = settings.uidAttribute();
    this.managerAttribute = settings.managerAttribute();
    this.backLink = backLink;
    this.extra = settings.extraAttributes();
    this.ranges = ranges;
    this.isField = settings::isField;
    this.allUser = settings.readsAllUserAttributes();
    this.operational = settings.readsOperationalAttributes();
  }

  /** The back-link attribute in use, or {@code null}. */
  String backLink() {
    return backLink;
  }

  /** Every value of the back-link in {@code entry}, all ranges read; empty without a back-link. */
  List<String> linkedDns(LDAPConnection connection, SearchResultEntry entry) throws LDAPException {
    return backLink == null ? List.of() : ranges.values(connection, entry, backLink);
  }

  /**
   * The person an entry describes.
   *
   * @param connection where the rest of a back-link sent in ranges is read
   * @param cycle whether they are among their own managers
   */
  Fetched person(LDAPConnection connection, SearchResultEntry entry, boolean cycle)
      throws LDAPException {
    return person(connection, entry, DnNormalizer.normalize(entry.getDN()), cycle);
  }

  /**
   * The person an entry describes, whose normalized DN the caller has already.
   *
   * @param connection where the rest of a back-link sent in ranges is read
   * @param normalizedDn the entry's DN, normalized ({@link DnNormalizer})
   * @param cycle whether they are among their own managers
   */
  Fetched person(
      LDAPConnection connection, SearchResultEntry entry, String normalizedDn, boolean cycle)
      throws LDAPException {
    int linked = -1;
    if (backLink != null) {
      try {
        linked = ranges.count(connection, entry, backLink);
      } catch (TruncatedAnswerException e) {
        log.warn("{}; their reports are asked for by {} instead", e.getMessage(), managerAttribute);
      }
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String name : extra) {
      String[] v = entry.getAttributeValues(name);
      values.put(name, v == null ? List.of() : List.of(v));
    }
    if (allUser || operational) {
      addTheRest(entry, values);
    }
    return new Fetched(
        entry.getDN(),
        normalizedDn,
        entry.getAttributeValue(uidAttribute),
        entry.getAttributeValue("cn"),
        entry.getAttributeValue("title"),
        entry.getAttributeValue("mail"),
        entry.getAttributeValue(managerAttribute),
        cycle,
        isDisabled(entry),
        linked,
        values);
  }

  /**
   * For {@code *} or {@code +}: every attribute the server sent besides those named, those with a
   * field of their own, and a back-link sent in ranges ({@code directReports;range=0-1499}). With
   * {@code +} alone, what the crawl reads for itself (the back-link, {@code userAccountControl}) is
   * left out too: it was not asked for.
   */
  private void addTheRest(SearchResultEntry entry, Map<String, List<String>> values) {
    Set<String> named = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    named.addAll(values.keySet());
    for (Attribute attribute : entry.getAttributes()) {
      String name = attribute.getName();
      boolean ours =
          name.equalsIgnoreCase(DirectoryDefaults.ACCOUNT_CONTROL)
              || name.equalsIgnoreCase(backLink);
      if (named.contains(name)
          || isField.test(name)
          || hasRangeOption(attribute)
          || (ours && !allUser)) {
        continue;
      }
      named.add(name);
      values.put(name, List.of(attribute.getValues()));
    }
  }

  private static boolean hasRangeOption(Attribute attribute) {
    for (String option : attribute.getOptions()) {
      if (option.regionMatches(true, 0, "range=", 0, 6)) {
        return true;
      }
    }
    return false;
  }

  /** Whether AD's {@code userAccountControl} has ACCOUNTDISABLE (0x2) set; false without one. */
  static boolean isDisabled(SearchResultEntry entry) {
    Long flags = entry.getAttributeValueAsLong(DirectoryDefaults.ACCOUNT_CONTROL);
    return flags != null && (flags & DirectoryDefaults.ACCOUNT_DISABLE) != 0;
  }

  /** The entry's manager values (DNs, as stored); empty when it has none. */
  String[] managerValues(SearchResultEntry entry) {
    String[] values = entry.getAttributeValues(managerAttribute);
    return values == null ? new String[0] : values;
  }

  /** {@code dn} normalized, or {@code null} if it is not a DN (then it names nobody). */
  static String normalizedOrNull(String dn) {
    try {
      return DnNormalizer.normalize(dn);
    } catch (LDAPException e) {
      return null;
    }
  }
}
