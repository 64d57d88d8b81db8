package dev.crawler.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.kafka.DistributedCrawl;
import dev.crawler.kafka.DistributedReport;
import dev.crawler.kafka.EngineProcess;
import dev.crawler.kafka.KafkaCrawlSettings;
import dev.crawler.kafka.ProcessCounts;
import dev.crawler.testing.Tree;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * One crawl of a synthetic tree across engine processes on a Kafka broker, against the in-JVM
 * engine with as many workers in all: efficiency (ideal / wall, ideal = total listing time / all
 * workers), idle worker time per branch, and each process's peak heap. The broker must be running
 * (crawler-bench/kafka-bench starts one). Not a test.
 *
 * <p>{@code KafkaBench BOOTSTRAP [--tree heavy:1:1000000] [--processes 3] [--workers 16]
 * [--latency-us 1000] [--runs 1]}; {@code KafkaBench engine BOOTSTRAP CRAWL PROCESS TREE WORKERS
 * LATENCY_US} is one engine process, which the bench starts in JVMs of their own.
 */
public final class KafkaBench {
  private KafkaBench() {}

  /** Integers as four bytes. */
  static final NodeCodec<Integer> CODEC =
      new NodeCodec<>() {
        @Override
        public byte[] encode(Integer node) {
          return ByteBuffer.allocate(4).putInt(node).array();
        }

        @Override
        public Integer decode(byte[] bytes) {
          return ByteBuffer.wrap(bytes).getInt();
        }
      };

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("engine")) {
      engine(args);
      return;
    }
    String bootstrap = args[0];
    String treeSpec = "heavy:1:1000000";
    int processes = 3;
    int workers = 16;
    long latencyMicros = 1000;
    int runs = 1;
    for (int i = 1; i < args.length; i += 2) {
      switch (args[i]) {
        case "--tree" -> treeSpec = args[i + 1];
        case "--processes" -> processes = Integer.parseInt(args[i + 1]);
        case "--workers" -> workers = Integer.parseInt(args[i + 1]);
        case "--latency-us" -> latencyMicros = Long.parseLong(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Tree tree = tree(treeSpec);
    long branches = IntStream.range(0, tree.size()).filter(tree::isBranch).count();
    int all = processes * workers;
    System.out.printf(
        Locale.ROOT,
        "tree %s: %,d nodes, %,d branches; %d ms a listing; %d processes x %d workers%n%n",
        treeSpec,
        tree.size(),
        branches,
        latencyMicros / 1000,
        processes,
        workers);
    System.out.println(
        "| crawl | wall s | ideal s | efficiency | idle worker-us per branch | first commit s"
            + " | CPU s | peak heap MB per process |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
    for (int run = 0; run < runs; run++) {
      local(tree, all, latencyMicros, branches);
      distributed(bootstrap, treeSpec, tree, processes, workers, latencyMicros, branches);
    }
  }

  /** The in-JVM engine with every worker in one process: the baseline. */
  private static void local(Tree tree, int workers, long latencyMicros, long branches)
      throws Exception {
    SlowTree slow = new SlowTree(tree, latencyMicros * 1000, 0);
    BranchSource<Integer, Void> source =
        (session, node, out) -> slow.list(node, out::leaf, out::branch);
    ScenarioTable.resetHeapPeaks();
    LongAdder visits = new LongAdder();
    long cpuBefore = cpuMillis();
    long start = System.nanoTime();
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(workers).start(0, v -> visits.increment())) {
      CrawlReport<Integer> report = crawl.await();
      if (report.outcome() != Outcome.COMPLETE || visits.sum() != tree.size()) {
        throw new IllegalStateException(
            "local crawl ended " + report.outcome() + " with " + visits.sum() + " visits");
      }
    }
    long wall = System.nanoTime() - start;
    row(
        "in-JVM engine, " + workers + " workers",
        wall,
        slow.totalListingNanos(),
        workers,
        branches,
        -1,
        cpuMillis() - cpuBefore,
        List.of(ScenarioTable.heapPeakBytes() >> 20));
  }

  private static void distributed(
      String bootstrap,
      String treeSpec,
      Tree tree,
      int processes,
      int workers,
      long latencyMicros,
      long branches)
      throws Exception {
    String crawlId = "bench-" + Long.toHexString(System.nanoTime());
    KafkaCrawlSettings settings = settings(bootstrap, crawlId, workers);
    LongAdder visits = new LongAdder();
    // The engines' JVMs start first and wait for a line on stdin: the wall time is the crawl's,
    // from its seeding, as the in-JVM engine's is, not three JVMs' start-up.
    List<Process> engines = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
      // -Dbench.engineJvm="-XX:..." adds JVM options (a profiler, say) to every engine.
      String extra = System.getProperty("bench.engineJvm", "").replace("{p}", "p" + p);
      if (!extra.isBlank()) {
        command.addAll(List.of(extra.trim().split("\\s+")));
      }
      // Logging settings given to the bench (-Dorg.slf4j.simpleLogger...) go to the engines too.
      System.getProperties().stringPropertyNames().stream()
          .filter(k -> k.startsWith("org.slf4j."))
          .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
      command.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              KafkaBench.class.getName(),
              "engine",
              bootstrap,
              crawlId,
              "p" + p,
              treeSpec,
              String.valueOf(workers),
              String.valueOf(latencyMicros)));
      engines.add(
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }
    List<BufferedReader> outputs = new ArrayList<>();
    for (Process engine : engines) {
      BufferedReader output =
          new BufferedReader(
              new InputStreamReader(engine.getInputStream(), StandardCharsets.UTF_8));
      output.readLine(); // "ready"
      outputs.add(output);
    }
    Map<String, long[]> timeline = new ConcurrentHashMap<>();
    long cpuBefore = cpuMillis();
    long start = System.nanoTime();
    DistributedReport<Integer> report;
    try (DistributedCrawl<Integer> crawl =
        DistributedCrawl.start(
            settings,
            new CrawlSpec("bench", List.of(treeSpec)),
            0,
            CODEC,
            v -> visits.increment())) {
      crawl.onTransaction(
          counts -> {
            long t = (System.nanoTime() - start) / 1_000_000;
            timeline.merge(
                counts.process(),
                new long[] {t, t, 1},
                (a, b) -> new long[] {a[0], b[1], a[2] + 1});
          });
      System.err.printf(
          Locale.ROOT,
          "topics created and the root seeded in %d ms%n",
          (System.nanoTime() - start) / 1_000_000);
      for (Process engine : engines) {
        engine.getOutputStream().write('\n');
        engine.getOutputStream().flush();
      }
      report = crawl.await();
    }
    long wall = System.nanoTime() - start;
    long cpu = cpuMillis() - cpuBefore;
    System.err.println("bench CPU " + cpu + " ms during the crawl");
    timeline.forEach(
        (p, t) ->
            System.err.printf(
                Locale.ROOT,
                "%s: first commit at %d ms, last at %d ms, %d in all;" + " the end at %d ms%n",
                p,
                t[0],
                t[1],
                t[2],
                wall / 1_000_000));
    long listingNanos = 0;
    List<Long> heaps = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      Process engine = engines.get(p);
      try (BufferedReader out = outputs.get(p)) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("engine ")) {
            String[] f = line.split(" ");
            listingNanos += Long.parseLong(f[1]);
            heaps.add(Long.parseLong(f[2]));
            cpu += Long.parseLong(f[3]);
            System.err.println("engine CPU " + f[3] + " ms");
          }
        }
      }
      if (engine.waitFor() != 0) {
        throw new IllegalStateException("an engine process exited " + engine.exitValue());
      }
    }
    if (visits.sum() != tree.size() || report.report().listings() != branches) {
      throw new IllegalStateException(
          "distributed crawl: "
              + visits.sum()
              + " visits, "
              + report.report().listings()
              + " listings, of "
              + tree.size()
              + " nodes and "
              + branches
              + " branches");
    }
    long transactions =
        report.processes().values().stream().mapToLong(ProcessCounts::transactions).sum();
    long firstCommit = timeline.values().stream().mapToLong(t -> t[0]).min().orElse(-1);
    row(
        "Kafka, " + processes + " x " + workers + " workers, " + transactions + " transactions",
        wall,
        listingNanos,
        processes * workers,
        branches,
        firstCommit * 1_000_000,
        cpu,
        heaps);
  }

  private static KafkaCrawlSettings settings(String bootstrap, String crawlId, int workers) {
    return KafkaCrawlSettings.of(bootstrap, crawlId).withWorkers(workers);
  }

  /** One engine process: crawls until the end, then prints its listing time and peak heap. */
  private static void engine(String[] args) throws Exception {
    SlowTree slow = new SlowTree(tree(args[4]), Long.parseLong(args[6]) * 1000, 0);
    BranchSource<Integer, Void> source =
        (session, node, out) -> slow.list(node, out::leaf, out::branch);
    System.out.println("ready");
    System.out.flush();
    System.in.read(); // the crawl is seeded
    long cpuBefore = cpuMillis();
    EngineProcess.of(settings(args[1], args[2], Integer.parseInt(args[5])), source, CODEC, args[3])
        .run();
    System.out.println(
        "engine "
            + slow.totalListingNanos()
            + " "
            + (ScenarioTable.heapPeakBytes() >> 20)
            + " "
            + (cpuMillis() - cpuBefore));
  }

  /**
   * One row of the table.
   *
   * @param firstCommitNanos from the seeding to the first committed transaction, or -1
   * @param cpuMillis CPU time of every process of the crawl (not the broker's), during the crawl
   */
  private static void row(
      String what,
      long wallNanos,
      long listingNanos,
      int workers,
      long branches,
      long firstCommitNanos,
      long cpuMillis,
      List<Long> heaps) {
    double ideal = listingNanos / (double) workers;
    double idlePerBranch = (wallNanos * (double) workers - listingNanos) / branches / 1000;
    System.out.printf(
        Locale.ROOT,
        "| %s | %.2f | %.2f | %.2f | %.0f | %s | %.1f | %s |%n",
        what,
        wallNanos / 1e9,
        ideal / 1e9,
        ideal / wallNanos,
        idlePerBranch,
        firstCommitNanos < 0 ? "" : String.format(Locale.ROOT, "%.2f", firstCommitNanos / 1e9),
        cpuMillis / 1e3,
        heaps.toString().replaceAll("[\\[\\]]", ""));
  }

  /** This JVM's CPU time so far. */
  static long cpuMillis() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1_000_000;
  }

  /** {@code heavy:SEED:N} or {@code balanced:FANOUT:LEVELS}. */
  static Tree tree(String spec) {
    String[] p = spec.split(":");
    return switch (p[0]) {
      case "heavy" -> Tree.heavyTailed(Long.parseLong(p[1]), Integer.parseInt(p[2]));
      case "balanced" -> Tree.balanced(Integer.parseInt(p[1]), Integer.parseInt(p[2]));
      default ->
          throw new IllegalArgumentException(
              "tree spec " + spec + ": heavy:SEED:N or balanced:FANOUT:LEVELS");
    };
  }
}
