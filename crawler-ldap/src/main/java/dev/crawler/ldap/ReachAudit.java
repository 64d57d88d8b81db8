package dev.crawler.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds everyone under the base DN whom a crawl from the root does not reach, and why (see {@link
 * OutOfReach}). Immutable and thread-safe; each call works over the caller's connection and holds
 * its own state.
 *
 * <p>The chart is read once, in pieces that fit the size limit, with the manager attribute alone,
 * and held as keys and indexes rather than entries (an entry took about 1 KB a person): each
 * person's DN and manager values. From them: who the root reaches (through any of a person's
 * managers), and, for each person not reached, the head of their part of the chart, by following
 * their first manager who is a person until someone whose managers are none (a head) or a manager
 * met twice (a cycle). A head's manager value is looked up once to say why it names nobody the
 * crawl can list. People in the root's own part of the chart (above the root, and beside it below
 * those) are counted, not named: a crawl from the top reaches them. Those out of reach are then
 * read again to be handed over: one lookup each when they are few, else one more read of everyone.
 * Someone deleted between the two reads is not handed over.
 */
final class ReachAudit {
  /**
   * Up to this many people out of reach are looked up one by one; more cost one read of everyone.
   */
  static final int LOOKUP_MOST = 100;

  private final LimitedSearch search;
  private final EntryReader reader;
  private final String managerAttribute;
  private final int lookupMost;

  ReachAudit(LimitedSearch search, EntryReader reader, String managerAttribute, int lookupMost) {
    this.search = search;
    this.reader = reader;
    this.managerAttribute = managerAttribute;
    this.lookupMost = lookupMost;
  }

  /** The chart as read: DNs and manager values, by index. Confined to one audit. */
  private static final class Chart {
    final Map<String, Integer> index = new HashMap<>();
    final List<String> dns = new ArrayList<>();
    final List<String[]> managers = new ArrayList<>();
  }

  /**
   * Hands each person out of reach of a crawl from {@code root} to {@code each}, in no particular
   * order, and says how many there are, by part.
   */
  OutOfReach.Summary outOfReach(LDAPConnection connection, Person root, Consumer<OutOfReach> each)
      throws LDAPException {
    Chart chart = new Chart();
    Filter everyone = Filter.createPresenceFilter("objectClass");
    search.eachMatching(
        connection,
        everyone,
        new String[] {managerAttribute},
        entry -> {
          String self = DnNormalizer.normalize(entry.getDN());
          if (chart.index.putIfAbsent(self, chart.dns.size()) == null) {
            chart.dns.add(entry.getDN());
            chart.managers.add(reader.managerValues(entry));
          }
        });
    int n = chart.dns.size();
    // Each person's first manager who is a person (-1: none), and who names each as manager.
    int[] firstManager = new int[n];
    Arrays.fill(firstManager, -1);
    int[][] managerIndexes = new int[n][];
    int[] reportsStart = new int[n + 1];
    for (int i = 0; i < n; i++) {
      String[] values = chart.managers.get(i);
      int[] found = new int[values.length];
      int count = 0;
      for (String value : values) {
        String key = EntryReader.normalizedOrNull(value);
        Integer manager = key == null ? null : chart.index.get(key);
        if (manager != null && !contains(found, count, manager)) {
          found[count++] = manager;
          reportsStart[manager + 1]++;
        }
      }
      managerIndexes[i] = Arrays.copyOf(found, count);
      firstManager[i] = count == 0 ? -1 : found[0];
    }
    for (int i = 0; i < n; i++) {
      reportsStart[i + 1] += reportsStart[i];
    }
    int[] reports = new int[reportsStart[n]];
    int[] filled = Arrays.copyOf(reportsStart, n);
    for (int i = 0; i < n; i++) {
      for (int manager : managerIndexes[i]) {
        reports[filled[manager]++] = i;
      }
    }
    managerIndexes = null; // the reports say the same now

    Integer rootIndex = chart.index.get(root.normalizedDn());
    boolean[] reached = new boolean[n];
    if (rootIndex != null) {
      int[] stack = new int[n];
      int top = 0;
      reached[rootIndex] = true;
      stack[top++] = rootIndex;
      while (top > 0) {
        int at = stack[--top];
        for (int k = reportsStart[at]; k < reportsStart[at + 1]; k++) {
          if (!reached[reports[k]]) {
            reached[reports[k]] = true;
            stack[top++] = reports[k];
          }
        }
      }
    }

    Heads heads = Heads.of(firstManager, reached, chart.dns);
    int rootGroup =
        rootIndex == null || firstManager[rootIndex] < 0 || reached[firstManager[rootIndex]]
            ? -1
            : heads.group(firstManager[rootIndex]);

    Map<Integer, OutOfReach.Part> parts = new HashMap<>();
    Map<Integer, Long> sizes = new HashMap<>();
    boolean[] out = new boolean[n];
    long outCount = 0;
    long beside = 0;
    for (int i = 0; i < n; i++) {
      if (reached[i]) {
        continue;
      }
      int group = heads.group(i);
      if (group == rootGroup) {
        beside++;
        continue;
      }
      out[i] = true;
      outCount++;
      sizes.merge(group, 1L, Long::sum);
    }
    Map<String, Why> judged = new HashMap<>();
    for (Map.Entry<Integer, Long> size : sizes.entrySet()) {
      int group = size.getKey();
      int[] cycle = heads.cycles.get(group);
      if (cycle != null) {
        List<String> members = new ArrayList<>(cycle.length);
        for (int member : cycle) {
          members.add(chart.dns.get(member));
        }
        parts.put(
            group,
            new OutOfReach.Part(
                members.get(0), OutOfReach.Reason.CYCLE, null, members, size.getValue()));
      } else {
        String[] values = chart.managers.get(group);
        Why why =
            values.length == 0
                ? new Why(OutOfReach.Reason.NO_MANAGER, null)
                : judged.get(values[0]);
        if (why == null) {
          why = new Why(judge(connection, values[0]), values[0]);
          judged.put(values[0], why);
        }
        parts.put(
            group,
            new OutOfReach.Part(
                chart.dns.get(group), why.reason(), why.manager(), List.of(), size.getValue()));
      }
    }

    Consumer<SearchResultEntryAt> hand =
        at -> {
          int i = at.index();
          OutOfReach.Part part = parts.get(heads.group(i));
          Person person;
          try {
            person = new Person(reader.person(connection, at.entry(), false), -1, null);
          } catch (LDAPException e) {
            throw new Unchecked(e);
          }
          each.accept(
              new OutOfReach(
                  person,
                  part.reason(),
                  chart.dns.get(heads.headOf[i]),
                  part.manager(),
                  part.cycle(),
                  reportsStart[i + 1] - reportsStart[i]));
        };
    try {
      if (outCount <= lookupMost) {
        for (int i = 0; i < n; i++) {
          if (out[i]) {
            SearchResultEntry entry = search.lookUp(connection, chart.dns.get(i));
            if (entry != null) { // else gone since: nobody to hand over
              hand.accept(new SearchResultEntryAt(entry, i));
            }
          }
        }
      } else if (outCount > 0) {
        search.eachMatching(
            connection,
            everyone,
            entry -> {
              Integer i = chart.index.get(DnNormalizer.normalize(entry.getDN()));
              if (i != null && out[i]) {
                hand.accept(new SearchResultEntryAt(entry, i));
              }
            });
      }
    } catch (Unchecked e) {
      throw e.getCause();
    }
    List<OutOfReach.Part> ordered = new ArrayList<>(parts.values());
    ordered.sort(Comparator.comparing(OutOfReach.Part::head));
    return new OutOfReach.Summary(ordered, beside);
  }

  private record SearchResultEntryAt(SearchResultEntry entry, int index) {}

  private record Why(OutOfReach.Reason reason, String manager) {}

  /** An LDAPException through a Consumer; unwrapped by the audit. */
  private static final class Unchecked extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unchecked(LDAPException cause) {
      super(cause);
    }

    @Override
    public synchronized LDAPException getCause() {
      return (LDAPException) super.getCause();
    }
  }

  /**
   * Why a manager value names nobody the crawl lists: its entry does not exist, is outside the
   * base, or is there but not a person by the filter. One lookup of the entry alone.
   */
  private OutOfReach.Reason judge(LDAPConnection connection, String managerValue)
      throws LDAPException {
    if (EntryReader.normalizedOrNull(managerValue) == null) {
      return OutOfReach.Reason.MANAGER_DOES_NOT_EXIST; // not a DN: names nothing
    }
    SearchResultEntry entry;
    try {
      entry = search.read(connection, managerValue, "1.1");
    } catch (LDAPException e) {
      if (LdapFailures.breaksConnection(e) || search.inScope(managerValue)) {
        throw e;
      }
      return OutOfReach.Reason
          .MANAGER_OUTSIDE_BASE; // a referral or a refusal out there: it is not here
    }
    if (entry == null) {
      return OutOfReach.Reason.MANAGER_DOES_NOT_EXIST;
    }
    return search.inScope(managerValue)
        ? OutOfReach.Reason.MANAGER_FILTERED_OUT
        : OutOfReach.Reason.MANAGER_OUTSIDE_BASE;
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  /**
   * For each person not reached, the head of their part of the chart, found by following first
   * managers: {@code headOf[i]} is the head (for someone in or below a cycle, the cycle's member
   * their chain leads into), and a cycle is known by its first member in {@link #cycles}, each
   * member managed by the next. Confined to one audit.
   */
  private static final class Heads {
    final int[] headOf;

    /** The cycle a member belongs to, by its first member's index; -1 for none. */
    final int[] cycleOf;

    final Map<Integer, int[]> cycles = new HashMap<>();

    private Heads(int n) {
      headOf = new int[n];
      cycleOf = new int[n];
      Arrays.fill(headOf, -1);
      Arrays.fill(cycleOf, -1);
    }

    /** What identifies a person's part of the chart: their head, or their cycle. */
    int group(int person) {
      int head = headOf[person];
      return cycleOf[head] >= 0 ? cycleOf[head] : head;
    }

    static Heads of(int[] firstManager, boolean[] reached, List<String> dns) {
      int n = firstManager.length;
      Heads heads = new Heads(n);
      byte[] state = new byte[n]; // 0: not met, 1: on the chain being followed, 2: head known
      int[] chain = new int[n];
      for (int start = 0; start < n; start++) {
        if (reached[start] || state[start] != 0) {
          continue;
        }
        int length = 0;
        int at = start;
        int head;
        int cycleFrom = -1;
        while (true) {
          state[at] = 1;
          chain[length++] = at;
          int manager = firstManager[at];
          if (manager < 0) {
            head = at;
            break;
          }
          if (state[manager] == 1) { // met on this chain: a cycle from there to here
            head = manager;
            for (int k = 0; k < length; k++) {
              if (chain[k] == manager) {
                cycleFrom = k;
                break;
              }
            }
            break;
          }
          if (state[manager] == 2) {
            head = heads.cycleOf[manager] >= 0 ? manager : heads.headOf[manager];
            break;
          }
          at = manager; // not reached either: a manager reached would reach them
        }
        if (cycleFrom >= 0) {
          int[] members = Arrays.copyOfRange(chain, cycleFrom, length);
          int first = 0;
          for (int k = 1; k < members.length; k++) {
            if (dns.get(members[k]).compareTo(dns.get(members[first])) < 0) {
              first = k;
            }
          }
          int[] rotated = new int[members.length];
          for (int k = 0; k < members.length; k++) {
            rotated[k] = members[(first + k) % members.length];
          }
          heads.cycles.put(rotated[0], rotated);
          for (int member : members) {
            heads.cycleOf[member] = rotated[0];
            heads.headOf[member] = member;
          }
          length = cycleFrom;
        }
        for (int k = 0; k < length; k++) {
          heads.headOf[chain[k]] = head;
          state[chain[k]] = 2;
        }
        if (cycleFrom >= 0) {
          for (int member : heads.cycles.get(heads.cycleOf[head])) {
            state[member] = 2;
          }
        }
      }
      return heads;
    }
  }
}
