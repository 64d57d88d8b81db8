package dev.crawler.ldap;

import java.util.List;
import java.util.Objects;

/**
 * A person under the base DN whom no crawl from the root reaches, and why: found by {@link
 * OrgChartSource#outOfReach}. Every person out of reach hangs, through their managers, from a
 * <em>head</em>: someone whose manager is no person the crawl can list (no manager at all, one that
 * does not exist, one outside the base, one the person filter leaves out), or a manager cycle (an
 * island: its members manage each other, and nobody above leads in). The head's reason is theirs
 * too. Immutable.
 *
 * @param person the person, as read from the directory
 * @param reason why the head of their part of the chart is out of reach
 * @param head the DN of that head: the person themselves, unless they are below someone out of
 *     reach; for a cycle, the member of the cycle their chain leads into (themselves if a member)
 * @param manager for the reasons about a manager, the head's manager value that names no person the
 *     crawl can list; {@code null} otherwise
 * @param cycle for {@link Reason#CYCLE}, the DNs of the cycle's members, each managed by the next
 *     and the last by the first; empty otherwise
 * @param reports how many people name this person as their manager
 */
public record OutOfReach(
    Person person, Reason reason, String head, String manager, List<String> cycle, int reports) {
  /** Why a head is out of reach. */
  public enum Reason {
    /** No manager, and not the root. */
    NO_MANAGER("no-manager"),
    /**
     * The manager value names no entry (deleted, mistyped, not a DN, or unreadable to this
     * account).
     */
    MANAGER_DOES_NOT_EXIST("manager-does-not-exist"),
    /** The manager's entry is outside the base DN (or below it, with a one-level scope). */
    MANAGER_OUTSIDE_BASE("manager-outside-base"),
    /** The manager's entry is under the base, but the person filter leaves it out. */
    MANAGER_FILTERED_OUT("manager-filtered-out"),
    /** A manager cycle: an island no crawl from the root enters. */
    CYCLE("manager-cycle");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /**
     * @return a stable name for machine-readable output: {@code no-manager}, {@code manager-cycle},
     *     ...
     */
    public String code() {
      return code;
    }
  }

  /** The most cycle members {@link #why()} names; {@link #cycle()} has them all. */
  static final int CYCLE_NAMED = 5;

  /**
   * Validates.
   *
   * @param person the person, as read from the directory
   * @param reason why the head of their part of the chart is out of reach
   * @param head the DN of that head
   * @param manager the head's manager value for the reasons about a manager; {@code null} otherwise
   * @param cycle for {@link Reason#CYCLE}, the cycle's members; empty otherwise
   * @param reports how many people name this person as their manager
   */
  public OutOfReach {
    Objects.requireNonNull(person, "person");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(head, "head");
    cycle = List.copyOf(cycle);
    if ((reason == Reason.CYCLE) == cycle.isEmpty()) {
      throw new IllegalArgumentException("a cycle is named for CYCLE, and only for it");
    }
    if ((manager == null) != (reason == Reason.NO_MANAGER || reason == Reason.CYCLE)) {
      throw new IllegalArgumentException(
          "a manager is named for the reasons about a manager, and only for them");
    }
  }

  /**
   * @return whether they are below the head, not the head themselves (nor a member of the cycle)
   */
  public boolean below() {
    return !person.normalizedDn().equals(EntryReader.normalizedOrNull(head));
  }

  /**
   * One line saying why: {@code no manager}, {@code manager X does not exist}, {@code below H,
   * whose manager X is outside the base DN}, {@code in a manager cycle: A -> B -> A}, ...
   *
   * @return the line
   */
  public String why() {
    return why(reason, below() ? head : null, manager, cycle);
  }

  /** The line {@link #why()} says, for a head ({@code below == null}) or someone below one. */
  static String why(Reason reason, String below, String manager, List<String> cycle) {
    String own =
        switch (reason) {
          case NO_MANAGER -> below == null ? "no manager" : "who has no manager";
          case MANAGER_DOES_NOT_EXIST ->
              (below == null ? "manager " : "whose manager ") + manager + " does not exist";
          case MANAGER_OUTSIDE_BASE ->
              (below == null ? "manager " : "whose manager ") + manager + " is outside the base DN";
          case MANAGER_FILTERED_OUT ->
              (below == null ? "manager " : "whose manager ")
                  + manager
                  + " is not a person by the filter";
          case CYCLE -> "in a manager cycle: " + cycleText(cycle);
        };
    return below == null ? own : "below " + below + ", " + own;
  }

  /** {@code A -> B -> C -> A}, naming at most {@value #CYCLE_NAMED} members. */
  static String cycleText(List<String> cycle) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(cycle.size(), CYCLE_NAMED); i++) {
      text.append(cycle.get(i)).append(" -> ");
    }
    if (cycle.size() > CYCLE_NAMED) {
      text.append("(").append(cycle.size() - CYCLE_NAMED).append(" more) -> ");
    }
    return text.append(cycle.get(0)).toString();
  }

  /**
   * One part of the chart out of reach: a head (or a cycle) and everyone below. Immutable.
   *
   * @param head the head's DN; for a cycle, its first member as {@code cycle} lists them
   * @param reason why the head is out of reach
   * @param manager as in {@link OutOfReach#manager()}
   * @param cycle as in {@link OutOfReach#cycle()}
   * @param people how many people out of reach in this part, the head (or the cycle) included
   */
  public record Part(String head, Reason reason, String manager, List<String> cycle, long people) {
    /**
     * Validates.
     *
     * @param head the head's DN; for a cycle, its first member as {@code cycle} lists them
     * @param reason why the head is out of reach
     * @param manager as in {@link OutOfReach#manager()}
     * @param cycle as in {@link OutOfReach#cycle()}
     * @param people how many people out of reach in this part
     */
    public Part {
      Objects.requireNonNull(head, "head");
      Objects.requireNonNull(reason, "reason");
      cycle = List.copyOf(cycle);
    }

    /**
     * @return one line saying why the part is out of reach: as {@link OutOfReach#why()} says of its
     *     head
     */
    public String why() {
      return OutOfReach.why(reason, null, manager, cycle);
    }
  }

  /**
   * What an audit found, in counts. Immutable.
   *
   * @param parts the parts of the chart out of reach, heads in DN order
   * @param besideRoot people not below the root who are in the root's own chart: above the root
   *     (their managers, up to the top) and below those; not out of reach of a crawl from the top,
   *     so not named
   */
  public record Summary(List<Part> parts, long besideRoot) {
    /**
     * Validates.
     *
     * @param parts the parts of the chart out of reach, heads in DN order
     * @param besideRoot people not below the root who are in the root's own chart
     */
    public Summary {
      parts = List.copyOf(parts);
    }

    /**
     * @return how many people are out of reach
     */
    public long people() {
      return parts.stream().mapToLong(Part::people).sum();
    }
  }
}
