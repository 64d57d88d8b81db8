package dev.crawler.ldap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A person as read from the directory, before the crawl is handed them: what their entry says,
 * without how many reports they have, which is known only once their own reports have been asked
 * for (with their siblings', when their manager is listed). The source keeps these in its {@link
 * Branch} records and makes a {@link Person} of each when it hands them over. Immutable.
 *
 * @param dn the DN as the server wrote it
 * @param normalizedDn the same DN normalized ({@link DnNormalizer}): the person's identity
 * @param managerDn the manager attribute's value as stored, or {@code null}
 * @param cycle whether they are among their own managers (met again below themselves)
 * @param disabled whether the directory says the account is disabled
 * @param linkedReports how many reports the back-link names, exactly; -1 when not known
 * @param attributes the extra attributes asked for, by name, in the order asked
 * @param linkedDns on Active Directory, every value of the back-link, all ranges read and as many
 *     as {@code linkedReports}: what their reports are asked for by ({@link ReportQuery}); {@code
 *     null} when not kept (not AD, ranges that could not be read, a count that differs)
 */
record Fetched(
    String dn,
    String normalizedDn,
    String uid,
    String name,
    String title,
    String mail,
    String managerDn,
    boolean cycle,
    boolean disabled,
    int linkedReports,
    Map<String, List<String>> attributes,
    List<String> linkedDns) {
  Fetched {
    Objects.requireNonNull(dn, "dn");
    Objects.requireNonNull(normalizedDn, "normalizedDn");
    attributes =
        attributes.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    linkedDns = linkedDns == null ? null : List.copyOf(linkedDns);
  }

  /** The same, without back-link values kept ({@code linkedDns} {@code null}). */
  Fetched(
      String dn,
      String normalizedDn,
      String uid,
      String name,
      String title,
      String mail,
      String managerDn,
      boolean cycle,
      boolean disabled,
      int linkedReports,
      Map<String, List<String>> attributes) {
    this(
        dn,
        normalizedDn,
        uid,
        name,
        title,
        mail,
        managerDn,
        cycle,
        disabled,
        linkedReports,
        attributes,
        null);
  }

  /** The same person, with their back-link's values kept (see {@code linkedDns}). */
  Fetched withLinkedDns(List<String> dns) {
    return new Fetched(
        dn,
        normalizedDn,
        uid,
        name,
        title,
        mail,
        managerDn,
        cycle,
        disabled,
        linkedReports,
        attributes,
        dns);
  }

  /** Whether their reports must be asked for: not for a cycle, nor for someone linked to nobody. */
  boolean needsQuery() {
    return !cycle && linkedReports != 0;
  }
}
