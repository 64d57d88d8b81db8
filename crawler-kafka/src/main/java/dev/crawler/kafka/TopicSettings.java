package dev.crawler.kafka;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How a crawl's topics are made: replicas and how long the branches and visits are kept. (The
 * branches' partitions are {@link KafkaCrawlSettings#partitions()}.) The events are always kept
 * whole ({@code retention.ms=-1}, {@code retention.bytes=-1}): the end is the sum of every event
 * since the first, so a crawl whose events lost their head can no longer end. Immutable.
 *
 * @param replication replicas of each topic; 0 for the default: 3, or as many brokers as the
 *     cluster has if fewer. {@code min.insync.replicas} is a majority of them ({@link #minInSync})
 * @param retention how long Kafka keeps the branches and visits, or {@code null} for as long as the
 *     topics live: a branch not yet listed when its record is deleted would be lost to the crawl,
 *     so give one only if the crawl surely ends well within it
 */
public record TopicSettings(int replication, Duration retention) {
  /** 3 replicas (fewer on a smaller cluster), records kept as long as the topics. */
  public static final TopicSettings DEFAULT = new TopicSettings(0, null);

  /**
   * Validates.
   *
   * @param replication replicas of each topic, 0 for the default
   * @param retention how long the branches and visits are kept, or {@code null} for as long as the
   *     topics live
   */
  public TopicSettings {
    checkArgument(
        replication >= 0 && replication <= Short.MAX_VALUE,
        "replication (%s) must be from 1 to %s",
        replication,
        Short.MAX_VALUE);
    checkArgument(
        retention == null || !retention.isNegative() && !retention.isZero(),
        "retention (%s) must be positive",
        retention);
  }

  /** The replicas to make each topic with, on a cluster of {@code brokers}. */
  int replicasOn(int brokers) {
    return replication > 0 ? replication : Math.max(1, Math.min(3, brokers));
  }

  /**
   * {@code min.insync.replicas} for {@code replicas}: a majority, so a write acknowledged by all
   * in-sync replicas survives the loss of a minority, and one broker down (of three) blocks
   * nothing; with one or two replicas, one.
   */
  static int minInSync(int replicas) {
    return replicas <= 2 ? 1 : replicas / 2 + 1;
  }

  /** {@code retention.ms} of the branches and visits: -1 for as long as the topics live. */
  long retentionMillis() {
    return retention == null ? -1 : retention.toMillis();
  }
}
