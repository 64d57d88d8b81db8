package dev.crawler.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldif.LDIFAddChangeRecord;
import com.unboundid.ldif.LDIFChangeRecord;
import com.unboundid.ldif.LDIFDeleteChangeRecord;
import com.unboundid.ldif.LDIFModifyChangeRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An Active Directory org chart with AD's awkward parts, as the changes that build it and the truth
 * about it: who a crawl from {@link #ROOT} must find, and who it cannot reach and why.
 *
 * <p>The chart, under {@link #BASE_DN}: a {@link #ROOT}; {@link #BIG_BOSS} with {@value #BIG_TEAM}
 * direct reports (more than AD's MaxValRange of 1,500 values of {@code directReports} in one read),
 * a few of whom have reports of their own; a tree of everyone else, fan-out {@value #FAN_OUT}, with
 * every {@value #DISABLED_EVERY}th account disabled ({@code userAccountControl} 0x2), managers
 * included; and the people out of reach:
 *
 * <ul>
 *   <li>a deleted manager's team: the manager is deleted after the reports were made, and AD drops
 *       {@code manager} from them ({@link Reach#NO_MANAGER}), their own reports below them; a
 *       directory that keeps dangling values ({@link #of(int, boolean)}) leaves it, and the team's
 *       manager does not exist ({@link Reach#MANAGER_DOES_NOT_EXIST});
 *   <li>people who never had a manager ({@link Reach#NO_MANAGER});
 *   <li>a manager cycle, an island with reports of its own ({@link Reach#ISLAND});
 *   <li>reports of a manager outside the base ({@link Reach#MANAGER_OUTSIDE_BASE});
 *   <li>reports of a contact, which is no {@code user} ({@link Reach#MANAGER_OUTSIDE_FILTER}).
 * </ul>
 *
 * The truth is computed from the chart as it ends up (after the deletion), not declared, so it
 * cannot drift from the changes. Immutable and thread-safe.
 */
public final class AdChart {
  public static final String PEOPLE_OU = "OU=People," + SambaAd.DOMAIN_DN;

  /** Where people live: the crawl's base. */
  public static final String BASE_DN = PEOPLE_OU;

  /** Outside the base: a manager there is out of the crawl's reach. */
  public static final String ELSEWHERE_OU = "OU=Elsewhere," + SambaAd.DOMAIN_DN;

  /** Active Directory's people: users that are persons (computers are users too). */
  public static final String PERSON_FILTER = "(&(objectClass=user)(objectCategory=person))";

  public static final String UID_ATTRIBUTE = "sAMAccountName";
  public static final String ROOT = "ceo";
  public static final String BIG_BOSS = "bigboss";
  public static final int BIG_TEAM = 2_000;
  static final int FAN_OUT = 7;
  static final int DISABLED_EVERY = 13;

  /** userAccountControl: a normal account that needs no password; 0x2 more when disabled. */
  private static final int ENABLED = 0x220;

  private static final int DISABLED = ENABLED | 0x2;

  /** Why a person is, or is not, reached by a crawl from the root. */
  public enum Reach {
    REACHABLE,
    /** No manager (never had one, or theirs was deleted), and not the root. */
    NO_MANAGER,
    /** Among their own managers: a cycle no crawl from the root enters. */
    ISLAND,
    /** Their manager names no entry (deleted, on a directory that keeps the dangling value). */
    MANAGER_DOES_NOT_EXIST,
    /** Their manager is not under the base DN. */
    MANAGER_OUTSIDE_BASE,
    /** Their manager is under the base but is not a person (the filter leaves them out). */
    MANAGER_OUTSIDE_FILTER,
    /**
     * Their manager is out of reach for one of the reasons above ({@link Employee#head()} says
     * whose).
     */
    BELOW_UNREACHABLE
  }

  /**
   * One person as the chart ends up.
   *
   * @param uid the sAMAccountName
   * @param managerDn the manager as stored at the end ({@code null} for none)
   * @param disabled whether the account is disabled
   * @param reach whether a crawl from the root reaches them, and if not why
   * @param head for those out of reach, the person at the top of their unreachable chain
   *     (themselves unless {@code reach} is BELOW_UNREACHABLE); {@code null} when reachable
   */
  public record Employee(
      String uid, String managerDn, boolean disabled, Reach reach, String head) {}

  private final List<LDIFChangeRecord> changes;
  private final Map<String, Employee> people;

  private AdChart(List<LDIFChangeRecord> changes, Map<String, Employee> people) {
    this.changes = List.copyOf(changes);
    this.people = Collections.unmodifiableMap(people);
  }

  /** The DN of the person (or contact) named {@code uid} under the people OU. */
  public static String dn(String uid) {
    return "CN=" + uid + "," + PEOPLE_OU;
  }

  /** The changes that build the chart, in order: adds, then the cycle closed, then the deletion. */
  public List<LDIFChangeRecord> changes() {
    return changes;
  }

  /** Every person under the base, by sAMAccountName. */
  public Map<String, Employee> people() {
    return people;
  }

  /** The sAMAccountNames a crawl from {@link #ROOT} must find, each once. */
  public Set<String> reachable() {
    Set<String> reachable = new HashSet<>();
    people.forEach(
        (uid, p) -> {
          if (p.reach() == Reach.REACHABLE) {
            reachable.add(uid);
          }
        });
    return reachable;
  }

  /** Those a crawl from {@link #ROOT} cannot reach, by sAMAccountName. */
  public Map<String, Employee> outOfReach() {
    Map<String, Employee> out = new TreeMap<>();
    people.forEach(
        (uid, p) -> {
          if (p.reach() != Reach.REACHABLE) {
            out.put(uid, p);
          }
        });
    return out;
  }

  /**
   * What {@link OrgChartSource#outOfReach} must say of each person out of reach, by sAMAccountName:
   * the reason of the head their chart hangs from and that head's sAMAccountName, as {@code "REASON
   * head"} ({@link OutOfReach.Reason} names).
   */
  public Map<String, String> expectedOutOfReach() {
    Map<String, String> expected = new TreeMap<>();
    outOfReach()
        .forEach(
            (uid, p) -> {
              Reach headReach = people.get(p.head()).reach();
              OutOfReach.Reason reason =
                  switch (headReach) {
                    case NO_MANAGER -> OutOfReach.Reason.NO_MANAGER;
                    case MANAGER_DOES_NOT_EXIST -> OutOfReach.Reason.MANAGER_DOES_NOT_EXIST;
                    case MANAGER_OUTSIDE_BASE -> OutOfReach.Reason.MANAGER_OUTSIDE_BASE;
                    case MANAGER_OUTSIDE_FILTER -> OutOfReach.Reason.MANAGER_FILTERED_OUT;
                    case ISLAND -> OutOfReach.Reason.CYCLE;
                    default ->
                        throw new AssertionError(
                            uid + " hangs from " + p.head() + ", " + headReach);
                  };
              expected.put(uid, reason + " " + p.head());
            });
    return expected;
  }

  /** {@code "REASON head"} for one finding, as {@link #expectedOutOfReach} says it. */
  public static String said(OutOfReach o) {
    return o.reason() + " " + o.head().substring(3, o.head().indexOf(','));
  }

  /** Writes the truth as tab-separated lines: uid, reach, head, disabled, manager DN. */
  public void writeTruth(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# uid\treach\thead\tdisabled\tmanager");
    new TreeMap<>(people)
        .forEach(
            (uid, p) ->
                lines.add(
                    String.join(
                        "\t",
                        uid,
                        p.reach().name(),
                        p.head() == null ? "-" : p.head(),
                        p.disabled() ? "disabled" : "enabled",
                        p.managerDn() == null ? "-" : p.managerDn())));
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /**
   * A chart of about {@code size} people under the base (at least the big team and the awkward
   * parts: about 2,100).
   */
  public static AdChart of(int size) {
    return of(size, true);
  }

  /**
   * As {@link #of(int)}, for a directory that drops the manager values naming a deleted entry, as
   * AD does ({@code dropsDeletedManager}), or keeps them, as OpenLDAP and UnboundID's in-memory
   * server do. The changes are the same; only the truth differs.
   */
  public static AdChart of(int size, boolean dropsDeletedManager) {
    Builder b = new Builder();
    b.unit(PEOPLE_OU, "People");
    b.unit(ELSEWHERE_OU, "Elsewhere");
    b.user(ROOT, null, false);
    b.user(BIG_BOSS, ROOT, false);
    for (int i = 0; i < BIG_TEAM; i++) {
      b.user(String.format(Locale.ROOT, "big%04d", i), BIG_BOSS, i % DISABLED_EVERY == 5);
    }
    for (int i = 0; i < 10; i++) { // reports of the big team are found only if the big team is
      for (int j = 0; j < 3; j++) {
        b.user(
            String.format(Locale.ROOT, "big%04d-%d", i, j),
            String.format(Locale.ROOT, "big%04d", i),
            false);
      }
    }
    // Out of reach: a manager deleted after their team was made; AD drops manager from the team.
    b.user("gone", ROOT, false);
    for (int i = 1; i <= 5; i++) {
      b.user("gone-r" + i, "gone", false);
    }
    b.user("gone-r1-a", "gone-r1", false);
    b.user("gone-r1-b", "gone-r1", true);
    b.user("loner1", null, false);
    b.user("loner2", null, true);
    // An island: a manager cycle of three, with a team below one of them.
    b.user("island-a", null, false);
    b.user("island-b", "island-a", false);
    b.user("island-c", "island-b", false);
    for (int i = 1; i <= 3; i++) {
      b.user("island-b" + i, "island-b", false);
    }
    // A manager outside the base, and one outside the filter (a contact is no user).
    b.add("CN=outsider," + ELSEWHERE_OU, userAttributes("outsider", dn(ROOT), false));
    b.user("abroad1", null, false, "CN=outsider," + ELSEWHERE_OU);
    b.user("abroad2", null, false, "CN=outsider," + ELSEWHERE_OU);
    b.add(dn("vendor"), List.of(new Attribute("objectClass", "contact")));
    b.user("vendored1", null, false, dn("vendor"));
    b.user("vendored2", null, false, dn("vendor"));
    // Everyone else: a tree below the root, breadth first so managers come before their reports.
    Deque<String> managers = new ArrayDeque<>();
    managers.add(ROOT);
    int n = 0;
    List<String> made = new ArrayList<>();
    while (b.people.size() < size) {
      String manager = managers.peek();
      String uid = String.format(Locale.ROOT, "p%05d", ++n);
      b.user(uid, manager, n % DISABLED_EVERY == 1); // p00001, a manager, is disabled
      made.add(uid);
      managers.add(uid);
      if (made.size() % FAN_OUT == 0) {
        managers.poll();
      }
    }
    b.changes.add(
        new LDIFModifyChangeRecord(
            dn("island-a"), new Modification(ModificationType.REPLACE, "manager", dn("island-c"))));
    b.manager.put("island-a", dn("island-c"));
    b.changes.add(new LDIFDeleteChangeRecord(dn("gone")));
    b.people.remove("gone");
    b.entries.remove(dn("gone").toLowerCase(Locale.ROOT));
    if (dropsDeletedManager) {
      b.manager.replaceAll((uid, m) -> dn("gone").equals(m) ? null : m);
    }
    return new AdChart(b.changes, b.truth());
  }

  private static List<Attribute> userAttributes(String uid, String managerDn, boolean disabled) {
    List<Attribute> attributes =
        new ArrayList<>(
            List.of(
                new Attribute("objectClass", "user"),
                new Attribute("sAMAccountName", uid),
                new Attribute("userPrincipalName", uid + "@corp.example.com"),
                new Attribute("mail", uid + "@corp.example.com"),
                new Attribute("title", "Employee " + uid),
                new Attribute(
                    "userAccountControl", Integer.toString(disabled ? DISABLED : ENABLED))));
    if (managerDn != null) {
      attributes.add(new Attribute("manager", managerDn));
    }
    return attributes;
  }

  /** Collects the changes and the chart as it is made. Not thread-safe. */
  private static final class Builder {
    final List<LDIFChangeRecord> changes = new ArrayList<>();

    /** Every person under the base, in creation order, with whether they are disabled. */
    final Map<String, Boolean> people = new LinkedHashMap<>();

    /** Each person's manager DN as it ends up ({@code null} for none). */
    final Map<String, String> manager = new LinkedHashMap<>();

    /** The DN of every entry as it ends up, in lower case. */
    final Set<String> entries = new HashSet<>();

    void unit(String dn, String name) {
      add(
          dn,
          List.of(new Attribute("objectClass", "organizationalUnit"), new Attribute("ou", name)));
    }

    void add(String dn, List<Attribute> attributes) {
      changes.add(new LDIFAddChangeRecord(dn, attributes));
      entries.add(dn.toLowerCase(Locale.ROOT));
    }

    void user(String uid, String managerUid, boolean disabled) {
      user(uid, managerUid, disabled, managerUid == null ? null : dn(managerUid));
    }

    void user(String uid, String managerUid, boolean disabled, String managerDn) {
      String m = managerDn != null ? managerDn : managerUid == null ? null : dn(managerUid);
      add(dn(uid), userAttributes(uid, m, disabled));
      people.put(uid, disabled);
      manager.put(uid, m);
    }

    /** Who a crawl from the root reaches, and for everyone else why not, from the final chart. */
    Map<String, Employee> truth() {
      Map<String, String> uidByDn = new LinkedHashMap<>();
      people.keySet().forEach(uid -> uidByDn.put(dn(uid), uid));
      Map<String, Employee> truth = new LinkedHashMap<>();
      for (String uid : people.keySet()) {
        truth.put(uid, judge(uid, uidByDn));
      }
      return truth;
    }

    private Employee judge(String uid, Map<String, String> uidByDn) {
      boolean disabled = people.get(uid);
      String managerDn = manager.get(uid);
      List<String> chain = new ArrayList<>();
      String at = uid;
      while (true) {
        if (at.equals(ROOT)) {
          return new Employee(uid, managerDn, disabled, Reach.REACHABLE, null);
        }
        int seen = chain.indexOf(at);
        if (seen >= 0) { // a cycle: its members are islanders; those who lead into it are below one
          boolean inCycle = seen == 0; // the cycle is chain[seen..], and uid is chain[0]
          return new Employee(
              uid,
              managerDn,
              disabled,
              inCycle ? Reach.ISLAND : Reach.BELOW_UNREACHABLE,
              inCycle ? uid : at);
        }
        chain.add(at);
        String m = manager.get(at);
        Reach why =
            m == null
                ? Reach.NO_MANAGER
                : !entries.contains(m.toLowerCase(Locale.ROOT))
                    ? Reach.MANAGER_DOES_NOT_EXIST
                    : !m.toLowerCase(Locale.ROOT).endsWith(BASE_DN.toLowerCase(Locale.ROOT))
                        ? Reach.MANAGER_OUTSIDE_BASE
                        : !uidByDn.containsKey(m) ? Reach.MANAGER_OUTSIDE_FILTER : null;
        if (why != null) {
          return at.equals(uid)
              ? new Employee(uid, managerDn, disabled, why, uid)
              : new Employee(uid, managerDn, disabled, Reach.BELOW_UNREACHABLE, at);
        }
        at = uidByDn.get(m);
      }
    }
  }
}
