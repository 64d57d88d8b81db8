package dev.crawler.kafka;

import dev.crawler.core.spi.NodeCodec;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * An engine process over a synthetic tree, in a JVM of its own, as the tests start them: {@code
 * bootstrap crawlId process treeSpec workers latencyMicros [failingBranch...]}. Prints its counts
 * and exits 0; exits 3 if the engine broke the source's contract (a session not closed once, on its
 * own thread), 4 if the crawl could not be followed. The system property {@code
 * transactionTimeoutMillis}, if set, replaces the settings' transaction timeout.
 */
public final class TreeEngineMain {
  private TreeEngineMain() {}

  /** Integers as four bytes. */
  static final NodeCodec<Integer> CODEC =
      new NodeCodec<>() {
        @Override
        public byte[] encode(Integer node) {
          return ByteBuffer.allocate(4).putInt(node).array();
        }

        @Override
        public Integer decode(byte[] bytes) {
          if (bytes.length != 4) {
            throw new IllegalArgumentException("not a node: " + bytes.length + " bytes");
          }
          return ByteBuffer.wrap(bytes).getInt();
        }
      };

  public static void main(String[] args) throws Exception {
    KafkaCrawlSettings settings = settings(args[0], args[1]).withWorkers(Integer.parseInt(args[4]));
    Long transactionTimeout = Long.getLong("transactionTimeoutMillis");
    if (transactionTimeout != null) {
      settings = settings.withTransactionTimeout(Duration.ofMillis(transactionTimeout));
    }
    TreeSource source = new TreeSource(tree(args[3])).latency(Long.parseLong(args[5]) * 1_000);
    for (int i = 6; i < args.length; i++) {
      source.failForGood(Integer.parseInt(args[i]));
    }
    ProcessCounts counts;
    try {
      counts = EngineProcess.of(settings, source, CODEC, args[2]).run();
    } catch (KafkaCrawlException e) {
      System.out.println("failed: " + e.getMessage());
      System.exit(4);
      return;
    }
    System.out.println(
        "counts " + counts.transactions() + " " + counts.listings() + " " + counts.visits());
    if (source.sessionsNotClosed() != 0 || !source.violations().isEmpty()) {
      System.out.println("contract broken: " + source.violations());
      System.exit(3);
    }
    System.exit(0);
  }

  /**
   * The settings every test process uses: short timeouts, so a dead process's work moves fast, and
   * short slices with a small local cap, so that every crawl sends frontiers through Kafka.
   */
  static KafkaCrawlSettings settings(String bootstrap, String crawlId) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        12,
        128,
        4,
        Duration.ofSeconds(5),
        Duration.ofSeconds(6),
        Duration.ofSeconds(20),
        Duration.ofMillis(300),
        500);
  }

  /** {@code balanced:F:L}, {@code heavy:SEED:N}, {@code flat:B:L}. */
  static Tree tree(String spec) {
    List<String> p = List.of(spec.split(":"));
    return switch (p.get(0)) {
      case "balanced" -> Tree.balanced(Integer.parseInt(p.get(1)), Integer.parseInt(p.get(2)));
      case "heavy" -> Tree.heavyTailed(Long.parseLong(p.get(1)), Integer.parseInt(p.get(2)));
      case "flat" -> Tree.flat(Integer.parseInt(p.get(1)), Integer.parseInt(p.get(2)));
      default -> throw new IllegalArgumentException("tree spec " + spec);
    };
  }
}
