package dev.crawler.ldap;

import java.util.List;
import java.util.Map;

/**
 * One person of an org chart, as read from the directory: DN, uid, name, title, mail, manager, and
 * how many people report to them. Two people are equal when their DNs are equal by LDAP's rules
 * (case, spacing). Immutable, so thread-safe: every field is final, and nothing a crawl does after
 * handing a person over changes what its methods return. What the source keeps while it crawls (the
 * reports still to be listed, the counts {@code QuerySizer} estimates from) is in a {@code Branch}
 * record the source owns, which this object only refers to.
 *
 * <p>A person's reports are fetched together with those of all their siblings, in one query, when
 * their manager is listed: so a person's visit already says how many reports they have, and people
 * without reports cost no query of their own.
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
  private final boolean cycle;

  /** Whether Active Directory says the account is disabled ({@code userAccountControl} bit 0x2). */
  private final boolean disabled;

  /**
   * How many reports the server's back-link names (directReports), every range of it read; -1 when
   * not in use, or when the server would not send it whole.
   */
  private final int linkedReports;

  /** The extra attributes asked for, by name, in the order asked; immutable. */
  private final Map<String, List<String>> attributes;

  /** How many reports; -1 when not known (a cycle marker, or someone read by the audit). */
  private final int reportCount;

  /**
   * The source's record of this person as a branch: {@code null} for a leaf, and for a person
   * decoded from a visit. Never exposed; see {@link Branch} for who changes what in it, and when.
   */
  private final Branch branch;

  /**
   * @param entry what the directory says of them
   * @param reportCount how many reports they have; -1 if not known
   * @param branch the source's record, for a person handed over as a branch; else {@code null}
   */
  Person(Fetched entry, int reportCount, Branch branch) {
    this.dn = entry.dn();
    this.normalizedDn = entry.normalizedDn();
    this.uid = entry.uid();
    this.name = entry.name();
    this.title = entry.title();
    this.mail = entry.mail();
    this.managerDn = entry.managerDn();
    this.cycle = entry.cycle();
    this.disabled = entry.disabled();
    this.linkedReports = entry.linkedReports();
    this.attributes = entry.attributes();
    this.reportCount = reportCount;
    this.branch = branch;
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

  /**
   * @return the entry's DN as the server wrote it
   */
  public String dn() {
    return dn;
  }

  /** The DN by LDAP's rules (lower case, no spacing): equal for two spellings of one DN. */
  String normalizedDn() {
    return normalizedDn;
  }

  /**
   * @return the uid, or {@code null} if the entry has none
   */
  public String uid() {
    return uid;
  }

  /**
   * @return the common name ({@code cn}), or {@code null}
   */
  public String name() {
    return name;
  }

  /**
   * @return the title, or {@code null}
   */
  public String title() {
    return title;
  }

  /**
   * @return the mail address, or {@code null}
   */
  public String mail() {
    return mail;
  }

  /**
   * @return the manager attribute's value (a DN) as stored, or {@code null}; it may point at no
   *     entry
   */
  public String managerDn() {
    return managerDn;
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
   * What makes two visits the same person, for {@code Crawler.distinctBy}: the normalized DN, as a
   * String (a cycle marker has its own key, so that it is reported rather than dropped as a
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

  /**
   * @return how many people report to this person; -1 if not known (a cycle marker, or a person
   *     read by {@link OrgChartSource#outOfReach})
   */
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

  /** The source's record of this person as a branch; {@code null} for a leaf or a decoded visit. */
  Branch branch() {
    return branch;
  }

  /** What the directory said of them, as the source read it. */
  Fetched entry() {
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
        attributes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Person that
        && cycle == that.cycle
        && normalizedDn.equals(that.normalizedDn);
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
