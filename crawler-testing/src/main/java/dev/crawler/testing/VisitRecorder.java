package dev.crawler.testing;

import dev.crawler.core.Visit;
import java.util.BitSet;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A thread-safe consumer that records visits of a {@link Tree} in O(nodes) memory and checks each
 * one on arrival: right depth, right parent, right kind, parent delivered first.
 */
public final class VisitRecorder implements Consumer<Visit<Integer>> {
  private final Tree tree;
  private final AtomicIntegerArray counts;
  private final AtomicLong total = new AtomicLong();
  private final Queue<String> problems = new ConcurrentLinkedQueue<>();

  /**
   * A recorder for crawls of {@code tree}, from its root.
   *
   * @param tree the tree the crawl lists
   */
  public VisitRecorder(Tree tree) {
    this.tree = tree;
    this.counts = new AtomicIntegerArray(tree.size());
  }

  @Override
  public void accept(Visit<Integer> visit) {
    int node = visit.node();
    total.incrementAndGet();
    if (node < 0 || node >= tree.size()) {
      problems.add("visited a node that is not in the tree: " + node);
      return;
    }
    counts.incrementAndGet(node);
    if (visit.depth() != tree.depth(node)) {
      problems.add(
          "node " + node + " at depth " + visit.depth() + ", expected " + tree.depth(node));
    }
    int parent = tree.parent(node);
    Integer reported = visit.parent();
    if (parent < 0 ? reported != null : reported == null || reported != parent) {
      problems.add("node " + node + " with parent " + reported + ", expected " + parent);
    } else if (parent >= 0 && counts.get(parent) == 0) {
      problems.add("node " + node + " delivered before its parent " + parent);
    }
    if (visit.isBranch() != tree.isBranch(node)) {
      problems.add("node " + node + " reported as " + visit.kind());
    }
  }

  /**
   * Visits received, repeats included.
   *
   * @return the count
   */
  public long total() {
    return total.get();
  }

  /**
   * How often a node was visited.
   *
   * @param node a node of the tree
   * @return its visits, 1 for a node a finished crawl reached
   */
  public int count(int node) {
    return counts.get(node);
  }

  /**
   * Nodes visited at least once.
   *
   * @return a new set of them
   */
  public BitSet visited() {
    BitSet seen = new BitSet(tree.size());
    for (int i = 0; i < tree.size(); i++) {
      if (counts.get(i) > 0) {
        seen.set(i);
      }
    }
    return seen;
  }

  /**
   * What was wrong with the visits as they arrived, in order: a wrong depth, parent or kind, a
   * child before its parent, a node not in the tree.
   *
   * @return the problems, empty when all is well
   */
  public Queue<String> problems() {
    return problems;
  }
}
