package dev.crawler.bench;

import dev.crawler.core.Crawl;
import dev.crawler.core.Crawler;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.testing.Tree;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine's own cost per node, with listings that cost nothing: a balanced tree of 299,593 nodes
 * (fan-out 8, depth 6), reported in nanoseconds per node.
 *
 * <p>{@code java -jar crawler-bench/target/benchmarks.jar EngineOverhead}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineOverheadBenchmark {
  private static final int NODES = 299_593;

  @Param({"2", "8", "64"})
  public int workers;

  private BranchSource<Integer, Void> source;

  @Setup
  public void setUp() {
    Tree tree = Tree.balanced(8, 6);
    if (tree.size() != NODES) {
      throw new IllegalStateException("tree has " + tree.size() + " nodes");
    }
    SlowTree free = new SlowTree(tree, 0, 0);
    source = (session, node, out) -> free.list(node, out::leaf, out::branch);
  }

  @Benchmark
  @OperationsPerInvocation(NODES)
  public long pushConsumer(Blackhole blackhole) throws Exception {
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(workers).start(0, blackhole::consume)) {
      return crawl.await().visits();
    }
  }

  @Benchmark
  @OperationsPerInvocation(NODES)
  public long stream(Blackhole blackhole) throws Exception {
    try (Crawl<Integer> crawl = Crawler.over(source).workers(workers).start(0)) {
      crawl.visits().forEach(blackhole::consume);
      return crawl.await().visits();
    }
  }
}
