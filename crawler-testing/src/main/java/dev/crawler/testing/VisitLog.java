package dev.crawler.testing;

import dev.crawler.core.Visit;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A thread-safe consumer that records the visits of any source by a key (a uid, a path): how often
 * each node came, with which parent, and whether its parent came first, as a branch, one level
 * above it. For trees of a {@link Tree}, {@link VisitRecorder} does the same in less memory.
 *
 * @param <T> the node type
 * @param <K> the key type
 */
public final class VisitLog<T, K> implements Consumer<Visit<T>> {
  private final Function<? super T, K> key;
  private final Map<K, Integer> counts = new ConcurrentHashMap<>();
  private final Map<K, K> parents = new ConcurrentHashMap<>();

  /** Each visited node's depth and kind, as first delivered: a child is checked against them. */
  private final Map<K, Visit<T>> firsts = new ConcurrentHashMap<>();

  private final Queue<String> problems = new ConcurrentLinkedQueue<>();
  private final AtomicLong total = new AtomicLong();

  /**
   * A log keyed by {@code key}.
   *
   * @param key a node's key: equal for the same node however it was reached
   */
  public VisitLog(Function<? super T, K> key) {
    this.key = key;
  }

  @Override
  public void accept(Visit<T> visit) {
    total.incrementAndGet();
    K k = key.apply(visit.node());
    K parent = visit.parent() == null ? null : key.apply(visit.parent());
    // A parent is delivered before its children (invariant 1), so its entry is there to compare.
    Visit<T> parentVisit = parent == null ? null : firsts.get(parent);
    if (parent != null && parentVisit == null) {
      problems.add(k + " delivered before its parent " + parent);
    } else if (parentVisit != null && !parentVisit.isBranch()) {
      problems.add(k + " delivered as a child of " + parent + ", a leaf");
    } else if (parentVisit != null && visit.depth() != parentVisit.depth() + 1) {
      problems.add(
          k
              + " at depth "
              + visit.depth()
              + ", its parent "
              + parent
              + " at "
              + parentVisit.depth());
    }
    firsts.putIfAbsent(k, visit);
    counts.merge(k, 1, Integer::sum);
    if (parent != null) {
      parents.putIfAbsent(k, parent);
    }
  }

  /**
   * The key of a node, as this log records it.
   *
   * @param node a node of type {@code T}, such as a {@code BranchError}'s branch
   * @return its key
   */
  public K keyOf(Object node) {
    @SuppressWarnings("unchecked")
    T t = (T) node;
    return key.apply(t);
  }

  /**
   * How often each node was visited, by key.
   *
   * @return a live view
   */
  public Map<K, Integer> counts() {
    return counts;
  }

  /**
   * Each visited node's parent key; absent for a root.
   *
   * @return a live view, the parent of the first visit
   */
  public Map<K, K> parents() {
    return parents;
  }

  /**
   * What was wrong with the visits as they arrived: a child before its parent, under a leaf, or not
   * one level below it.
   *
   * @return the problems, empty when all is well
   */
  public Queue<String> problems() {
    return problems;
  }

  /**
   * Visits received, repeats included.
   *
   * @return the count
   */
  public long total() {
    return total.get();
  }
}
