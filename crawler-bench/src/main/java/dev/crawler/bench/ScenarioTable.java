package dev.crawler.bench;

import dev.crawler.testing.Tree;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;

/**
 * Crawls the same synthetic trees with every {@link Peer} and prints one Markdown table: wall time,
 * efficiency against the ideal, nanoseconds per node at zero latency, peak threads, peak heap.
 * Every peer's first run on each row is verified (every node exactly once).
 *
 * <p>Efficiency = ideal / actual, where ideal = max(total listing time / W, critical path): the
 * time W perfectly fed workers would need, measured from the peer's own listings.
 *
 * <p>Usage: {@code java -cp crawler-bench/target/benchmarks.jar dev.crawler.bench.ScenarioTable
 * [--quick] [--workers 2,8,64] [--latency-us 0,100,1000] [--peers name,...]}
 */
public final class ScenarioTable {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ScenarioTable() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    int[] workers = {2, 8, 64};
    long[] latenciesMicros = {0, 100, 1000};
    String peerFilter = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--workers" ->
            workers = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--latency-us" ->
            latenciesMicros =
                Arrays.stream(args[++i].split(",")).mapToLong(Long::parseLong).toArray();
        case "--peers" -> peerFilter = args[++i];
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    List<Peer> peers = new ArrayList<>();
    for (Peer peer : Peers.all()) {
      if (peer.available()
          && (peerFilter == null || Arrays.asList(peerFilter.split(",")).contains(peer.name()))) {
        peers.add(peer);
      }
    }
    System.out.println(
        "| tree | nodes | W | latency | peer | wall ms | efficiency | ns/node | peak threads | peak"
            + " heap MB |");
    System.out.println("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
    for (long micros : latenciesMicros) {
      for (Tree tree : trees(micros, quick)) {
        for (int w : workers) {
          for (Peer peer : peers) {
            if (peer instanceof Peers.Sequential && (w != workers[0] || micros > 0)) {
              continue; // one row per tree, at zero latency: with latency it would take minutes
            }
            System.out.println(row(tree, w, micros, peer));
          }
        }
      }
    }
  }

  /** The trees of the issue; smaller ones when listings are slow, so a row takes seconds. */
  static List<Tree> trees(long latencyMicros, boolean quick) {
    if (latencyMicros == 0) {
      return quick
          ? List.of(Tree.balanced(8, 5), Tree.wide(50_000, 20, 1), Tree.chain(100_000, 10))
          : List.of(
              Tree.balanced(8, 6),
              Tree.heavyTailed(1, 400_000),
              Tree.wide(50_000, 20, 1),
              Tree.chain(100_000, 10));
    }
    return quick
        ? List.of(Tree.balanced(8, 4), Tree.wide(5_000, 20, 1))
        : List.of(
            Tree.balanced(8, 6),
            Tree.heavyTailed(1, 60_000),
            Tree.wide(50_000, 20, 1),
            Tree.chain(2_000, 1));
  }

  private static String row(Tree shape, int workers, long latencyMicros, Peer peer) {
    SlowTree tree = new SlowTree(shape, latencyMicros * 1_000, 0);
    String prefix =
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %s | %s |",
            shape,
            shape.size(),
            workers,
            latencyMicros == 0
                ? "0"
                : latencyMicros >= 1000 ? latencyMicros / 1000 + " ms" : latencyMicros + " µs",
            peer.name());
    try {
      // A verified run first: it is also the warm-up.
      AtomicIntegerArray counts = new AtomicIntegerArray(shape.size());
      long verifiedNanos = timed(tree, workers, peer, counts::incrementAndGet);
      for (int i = 0; i < shape.size(); i++) {
        if (counts.get(i) != 1) {
          return prefix + " WRONG: node " + i + " visited " + counts.get(i) + " times | | | | |";
        }
      }
      long wallNanos = verifiedNanos;
      long ideal = 0;
      int baseThreads = THREADS.getThreadCount();
      THREADS.resetPeakThreadCount();
      resetHeapPeaks();
      if (latencyMicros == 0) {
        // Runs of 5-40 ms: warm up for a second at least, so the JIT has compiled the hot path
        // (5 warm-ups left medians that differed 2x between two invocations of the table).
        long warmUntil = System.nanoTime() + 1_000_000_000L;
        for (int warm = 0; warm < 5 || System.nanoTime() < warmUntil; warm++) {
          timed(tree, workers, peer, node -> {});
        }
        long[] runs = new long[11];
        for (int r = 0; r < runs.length; r++) {
          runs[r] = timed(tree, workers, peer, node -> {});
        }
        Arrays.sort(runs);
        wallNanos = runs[runs.length / 2];
      } else {
        tree.reset();
        wallNanos = timed(tree, workers, peer, node -> {});
        long criticalPath = (long) (shape.height() * tree.meanListingNanos());
        ideal = Math.max(tree.totalListingNanos() / workers, criticalPath);
      }
      int peakThreads = THREADS.getPeakThreadCount() - baseThreads;
      long heapMb = heapPeakBytes() >> 20;
      return prefix
          + String.format(
              Locale.ROOT,
              " %.0f | %s | %s | %d | %d |",
              wallNanos / 1e6,
              ideal == 0 ? "" : String.format(Locale.ROOT, "%.2f", (double) ideal / wallNanos),
              latencyMicros == 0
                  ? String.format(Locale.ROOT, "%.0f", (double) wallNanos / shape.size())
                  : "",
              Math.max(peakThreads, 0),
              heapMb);
    } catch (Throwable e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return prefix + " fails: " + root.getClass().getSimpleName() + " | | | | |";
    }
  }

  private static long timed(SlowTree tree, int workers, Peer peer, IntConsumer visit)
      throws Exception {
    long start = System.nanoTime();
    peer.crawl(tree, workers, visit);
    return System.nanoTime() - start;
  }

  /** Collects, then starts every heap pool's peak afresh: for a measurement of one run's heap. */
  static void resetHeapPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * The sum of the heap pools' peaks since the last reset: an upper bound of the heap in use at
   * once.
   */
  static long heapPeakBytes() {
    long total = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        total += pool.getPeakUsage().getUsed();
      }
    }
    return total;
  }
}
