package dev.crawler.cli.kafka;

import dev.crawler.cli.common.DurationConverter;
import dev.crawler.cli.common.UserError;
import dev.crawler.kafka.KafkaCrawlSettings;
import dev.crawler.kafka.TopicSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How a crawl started with {@code --kafka} makes its topics, for {@code crawl fs} and {@code crawl
 * ldap}: the branches' partitions, replicas, and how long the branches and visits are kept. The
 * defaults suit a cluster of three brokers and work on one. Refused without {@code --kafka}.
 * Picocli's: confined to the command's thread.
 */
public final class KafkaTopicOptions {
  @Option(
      names = "--kafka-partitions",
      paramLabel = "N",
      description =
          "With --kafka: partitions of the crawl's branches topic, the most processes that share"
              + " the work (default: 24).")
  Integer partitions;

  @Option(
      names = "--kafka-replication",
      paramLabel = "N",
      description =
          "With --kafka: replicas of each of the crawl's topics (default: 3, or as many as there"
              + " are brokers if fewer); min.insync.replicas is a majority of them.")
  Integer replication;

  @Option(
      names = "--kafka-retention",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "With --kafka: how long Kafka keeps the crawl's branches and visits, like 168h (default:"
              + " as long as its topics live). Its events are always kept whole: the end is their"
              + " sum from the first.")
  Duration retention;

  /** Refuses these flags without {@code --kafka}: they would be ignored. */
  public void refuseWithoutKafka(String kafka) throws UserError {
    if (kafka == null && (partitions != null || replication != null || retention != null)) {
      throw new UserError(
          (partitions != null
                  ? "--kafka-partitions"
                  : replication != null ? "--kafka-replication" : "--kafka-retention")
              + " is for a crawl over Kafka: give --kafka HOST:PORT too");
    }
  }

  /** {@code settings} with these flags applied; a bad value is the flag's error. */
  public KafkaCrawlSettings apply(KafkaCrawlSettings settings) throws UserError {
    if (partitions != null && (partitions < 1 || partitions > 10_000)) {
      throw new UserError("--kafka-partitions must be from 1 to 10000, not " + partitions);
    }
    if (replication != null && (replication < 1 || replication > Short.MAX_VALUE)) {
      throw new UserError(
          "--kafka-replication must be from 1 to " + Short.MAX_VALUE + ", not " + replication);
    }
    KafkaCrawlSettings applied =
        partitions == null ? settings : settings.withPartitions(partitions);
    return applied.withTopics(new TopicSettings(replication == null ? 0 : replication, retention));
  }
}
