package dev.crawler.bench;

import dev.crawler.testing.Tree;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A synthetic {@link Tree} whose listings cost time: each waits {@code latencyNanos} (parkNanos,
 * since {@code Thread.sleep} rounds sub-millisecond waits up on JDK 17) and then spins for {@code
 * cpuNanos}. Measures the time listings really took, overshoot included, so a peer's efficiency is
 * judged against what its own listings cost. Thread-safe.
 */
final class SlowTree {
  final Tree tree;
  final long latencyNanos;
  final long cpuNanos;
  private final LongAdder listingNanos = new LongAdder();
  private final LongAdder listings = new LongAdder();

  SlowTree(Tree tree, long latencyNanos, long cpuNanos) {
    this.tree = tree;
    this.latencyNanos = latencyNanos;
    this.cpuNanos = cpuNanos;
  }

  /** Lists {@code node}: every child goes to {@code leaf} or {@code branch}. */
  void list(int node, IntConsumer leaf, IntConsumer branch) {
    if (latencyNanos > 0 || cpuNanos > 0) {
      long start = System.nanoTime();
      if (latencyNanos > 0) {
        LockSupport.parkNanos(latencyNanos);
      }
      if (cpuNanos > 0) {
        long until = System.nanoTime() + cpuNanos;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      }
      listingNanos.add(System.nanoTime() - start);
      listings.increment();
    }
    int count = tree.childCount(node);
    for (int i = 0; i < count; i++) {
      int child = tree.child(node, i);
      if (tree.isBranch(child)) {
        branch.accept(child);
      } else {
        leaf.accept(child);
      }
    }
  }

  /** Clears the listing measurements before a run. */
  void reset() {
    listingNanos.reset();
    listings.reset();
  }

  long totalListingNanos() {
    return listingNanos.sum();
  }

  double meanListingNanos() {
    long n = listings.sum();
    return n == 0 ? 0 : (double) listingNanos.sum() / n;
  }
}
