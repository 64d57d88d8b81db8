package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;

/**
 * Turns directory entries into {@link Person}s, as the settings name the attributes, and reads
 * the back-link to reports when one is in use. Immutable and thread-safe.
 */
final class EntryReader {
  private final String uidAttribute;
  private final String managerAttribute;
  /** The back-link attribute in use, or {@code null}: decided before the source is built. */
  private final String backLink;
  /** Attributes asked for besides the usual ones, carried as they are. */
  private final java.util.List<String> extra;

  EntryReader(LdapSettings settings, String backLink) {
    this.uidAttribute = settings.uidAttribute();
    this.managerAttribute = settings.managerAttribute();
    this.backLink = backLink;
    this.extra = settings.extraAttributes();
  }

  /**
   * The person an entry describes.
   *
   * @param manager who they were found under; {@code null} for a root or an audit
   * @param cycle whether they are among their own managers
   */
  Person person(SearchResultEntry entry, Person manager, boolean cycle) throws LDAPException {
    return person(entry, DnNormalizer.normalize(entry.getDN()), manager, cycle);
  }

  /**
   * The person an entry describes, whose normalized DN the caller has already.
   *
   * @param normalizedDn the entry's DN, normalized ({@link DnNormalizer})
   * @param manager who they were found under; {@code null} for a root or an audit
   * @param cycle whether they are among their own managers
   */
  Person person(SearchResultEntry entry, String normalizedDn, Person manager, boolean cycle) {
    int linked = -1;
    if (backLink != null) {
      String[] reports = entry.getAttributeValues(backLink);
      linked = reports == null ? 0 : reports.length;
    }
    java.util.Map<String, java.util.List<String>> values = new java.util.LinkedHashMap<>();
    for (String name : extra) {
      String[] v = entry.getAttributeValues(name);
      values.put(name, v == null ? java.util.List.of() : java.util.List.of(v));
    }
    return new Person(entry.getDN(), normalizedDn, entry.getAttributeValue(uidAttribute),
        entry.getAttributeValue("cn"), entry.getAttributeValue("title"), entry.getAttributeValue("mail"),
        entry.getAttributeValue(managerAttribute), manager, cycle, linked, values);
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
