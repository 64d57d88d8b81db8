package dev.crawler.cli.ldap;

import dev.crawler.core.Visit;
import dev.crawler.ldap.Person;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The chart of active people, for {@code crawl ldap --skip-disabled}: a disabled account (AD's
 * {@code userAccountControl} bit 0x2) is left out of what is printed, while the crawl still goes
 * through it, and its reports are shown under the nearest manager above who is not disabled, a
 * level higher for each disabled manager skipped. So the chart has no holes: a filter on {@code
 * userAccountControl} would leave out the disabled managers' enabled reports as well. The root is
 * shown whatever its state: it is who was asked for.
 *
 * <p>Thread-safe: workers hand visits in concurrently. The engine hands a manager's visit before
 * any of their reports' (and that happens-before them), so a manager's anchor is in the map by the
 * time their reports ask for it.
 */
final class ActiveChart {
  /** Where a branch's reports are shown: under whom, and how many levels higher than found. */
  private record Anchor(Person parent, int shift) {}

  /**
   * Only for branches whose reports move: disabled ones, and those below one. Everyone else's
   * reports stay where they were found, and cost no entry.
   */
  private final Map<Person, Anchor> anchors = new ConcurrentHashMap<>();

  private final LongAdder leftOut = new LongAdder();

  /** The visit as the chart of active people shows it, or {@code null} for a disabled account. */
  Visit<Person> shown(Visit<Person> visit) {
    Person person = visit.node();
    if (visit.parent() == null) {
      return visit;
    }
    Anchor above = anchors.get(visit.parent());
    Person parent = above == null ? visit.parent() : above.parent();
    int shift = above == null ? 0 : above.shift();
    if (person.isDisabled()) {
      leftOut.increment();
      if (visit.isBranch()) {
        anchors.put(person, new Anchor(parent, shift + 1));
      }
      return null;
    }
    if (shift == 0) {
      return visit;
    }
    if (visit.isBranch()) {
      anchors.put(person, new Anchor(person, shift));
    }
    return new Visit<>(person, visit.kind(), visit.depth() - shift, parent);
  }

  /** Disabled accounts walked through and not shown so far. */
  long leftOut() {
    return leftOut.sum();
  }
}
