package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DN;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One person of an org chart, as read from the directory: DN, uid, name, title, mail, manager,
 * and (once known) how many people report to them. Two people are equal when their DNs are equal
 * by LDAP's rules (case, spacing). Thread-safe: what the public methods return does not change
 * once the person is published to the crawl. Package-private state the source keeps for the crawl
 * does: the list of reports, dropped once listed, and the counts {@link QuerySizer} reads.
 *
 * <p>A person's reports are fetched together with those of all their siblings, in one query, when
 * their manager is listed: so a person's visit already says how many reports they have, and
 * people without reports cost no query of their own.
 */
public final class Person {
  /** The DN as the server wrote it. */
  private final String dn;
  /**
   * The DN by LDAP's rules, as UnboundID normalizes it: the person's identity, and the key of the
   * crawl's distinct-check. Strings only: a parsed DN holds several objects per RDN, and a crawl
   * holds its frontier's people, and every key, at once.
   */
  private final String normalizedDn;
  private final String uid;
  private final String name;
  private final String title;
  private final String mail;
  private final String managerDn;
  private final Person manager;
  /** Levels below the crawl's root: 0 for the root. */
  private final int depth;
  private final boolean cycle;
  /** Whether Active Directory says the account is disabled ({@code userAccountControl} bit 0x2). */
  private final boolean disabled;
  /**
   * How many reports the server's back-link names (directReports), every range of it read; -1
   * when not in use, or when the server would not send it whole.
   */
  private final int linkedReports;
  /** The extra attributes asked for, by name, in the order asked; immutable. */
  private final Map<String, List<String>> attributes;
  /**
   * Written by the source before the person is handed to the crawl; null until then, and again
   * once they have been listed, so that a crawl keeps only its frontier (and their managers) alive.
   */
  private List<Person> reports;
  /** How many reports; -1 until known. Written with {@link #reports}, kept after it is dropped. */
  private int reportCount = -1;
  /**
   * For someone with reports: how many of their descendants, by levels below them, have had
   * their reports counted, and how many reports those were ({@link QuerySizer}'s estimates). Set
   * with the reports, before publication; the counts are atomic, as every worker adds to them.
   */
  private AtomicLongArray descendantReports;

  Person(DN dn, String uid, String name, String title, String mail, String managerDn, Person manager, boolean cycle,
      int linkedReports) {
    this(dn, uid, name, title, mail, managerDn, manager, cycle, linkedReports, Map.of());
  }

  Person(DN dn, String uid, String name, String title, String mail, String managerDn, Person manager, boolean cycle,
      int linkedReports, Map<String, List<String>> attributes) {
    this(Objects.requireNonNull(dn, "dn").toString(), dn.toNormalizedString(), uid, name, title, mail, managerDn, manager,
        cycle, linkedReports, attributes);
  }

  /**
   * @param dn the DN as the server wrote it
   * @param normalizedDn the same DN normalized ({@link DnNormalizer})
   */
  Person(String dn, String normalizedDn, String uid, String name, String title, String mail, String managerDn,
      Person manager, boolean cycle, int linkedReports, Map<String, List<String>> attributes) {
    this(dn, normalizedDn, uid, name, title, mail, managerDn, manager, cycle, linkedReports, attributes, false);
  }

  /**
   * @param dn the DN as the server wrote it
   * @param normalizedDn the same DN normalized ({@link DnNormalizer})
   * @param disabled whether the directory says the account is disabled
   */
  Person(String dn, String normalizedDn, String uid, String name, String title, String mail, String managerDn,
      Person manager, boolean cycle, int linkedReports, Map<String, List<String>> attributes,
      boolean disabled) {
    this.dn = Objects.requireNonNull(dn, "dn");
    this.normalizedDn = Objects.requireNonNull(normalizedDn, "normalizedDn");
    this.uid = uid;
    this.name = name;
    this.title = title;
    this.mail = mail;
    this.managerDn = managerDn;
    this.manager = manager;
    this.depth = manager == null ? 0 : manager.depth + 1;
    this.cycle = cycle;
    this.disabled = disabled;
    this.linkedReports = linkedReports;
    this.attributes = attributes.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * The extra attributes read with the person ({@link LdapSettings.Builder#extraAttributes}), by
   * name in the order asked: each name's values, none when the entry has none.
   *
   * @return the attributes, unmodifiable
   */
  public Map<String, List<String>> attributes() {
    return attributes;
  }

  /** @return the entry's DN as the server wrote it */
  public String dn() {
    return dn;
  }

  /** The DN by LDAP's rules (lower case, no spacing): equal for two spellings of one DN. */
  String normalizedDn() {
    return normalizedDn;
  }

  /** @return the uid, or {@code null} if the entry has none */
  public String uid() {
    return uid;
  }

  /** @return the common name ({@code cn}), or {@code null} */
  public String name() {
    return name;
  }

  /** @return the title, or {@code null} */
  public String title() {
    return title;
  }

  /** @return the mail address, or {@code null} */
  public String mail() {
    return mail;
  }

  /** @return the manager attribute's value (a DN) as stored, or {@code null}; it may point at no entry */
  public String managerDn() {
    return managerDn;
  }

  /** The manager through whom the crawl reached this person; {@code null} for the root. */
  Person manager() {
    return manager;
  }

  /** Levels below the person the crawl started at (found by {@code findRoot}): 0 for them. */
  int depth() {
    return depth;
  }

  /**
   * Whether this is a person met again below themselves: a manager cycle (someone who manages,
   * directly or not, one of their own managers). Such a person is reported as a branch error and
   * not listed again.
   *
   * @return whether this is a cycle marker
   */
  public boolean isCycle() {
    return cycle;
  }

  /**
   * What makes two visits the same person, for {@code Crawler.distinctBy}: the normalized DN, as
   * a String (a cycle marker has its own key, so that it is reported rather than dropped as a
   * duplicate).
   *
   * @return the key
   */
  public Object key() {
    return cycle ? List.of("cycle", normalizedDn) : normalizedDn;
  }

  /**
   * Whether Active Directory says this account is disabled: bit 0x2 ({@code ACCOUNTDISABLE}) of
   * {@code userAccountControl}. Always false on a directory without that attribute. A disabled
   * manager's reports are found below them like anyone's.
   *
   * @return whether the account is disabled
   */
  public boolean isDisabled() {
    return disabled;
  }

  /** @return how many people report to this person; -1 if not known yet */
  public int reportCount() {
    return reportCount;
  }

  /**
   * How many direct reports the directory's back-link attribute names, exactly (all ranges read),
   * or -1 when the source does not use one or the server would not send it whole. Zero means this
   * person's reports need no query.
   */
  int linkedReports() {
    return linkedReports;
  }

  List<Person> reports() {
    return reports;
  }

  void setReports(List<Person> reports) {
    this.reports = List.copyOf(reports);
    this.reportCount = reports.size();
    if (!reports.isEmpty()) {
      this.descendantReports = new AtomicLongArray(2 * QuerySizer.RELATIVE_LEVELS);
    }
  }

  /** For a person decoded from a visit, which carries the count but not the reports. */
  void restoreReportCount(int count) {
    this.reportCount = count;
  }

  /** Drops the reports once the listing that needed them has succeeded; their count stays. */
  void reportsListed() {
    this.reports = null;
  }

  /** See {@link #descendantReports}; {@code null} for someone without reports (or not listed yet). */
  AtomicLongArray descendantReports() {
    return descendantReports;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Person that && cycle == that.cycle && normalizedDn.equals(that.normalizedDn);
  }

  @Override
  public int hashCode() {
    return normalizedDn.hashCode();
  }

  @Override
  public String toString() {
    return uid != null ? uid : dn;
  }
}
