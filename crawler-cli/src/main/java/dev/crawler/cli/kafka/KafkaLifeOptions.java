package dev.crawler.cli.kafka;

import dev.crawler.cli.common.DurationConverter;
import dev.crawler.cli.common.UserError;
import dev.crawler.kafka.CrawlLifetime;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --keep} and {@code --keep-for}: how long a crawl over Kafka outlives its end, for every
 * command that starts one (a picocli mixin). Checked once, with the flags' names in the message.
 */
public final class KafkaLifeOptions {
  @Option(
      names = "--keep",
      description =
          "With --kafka: keep the crawl's topics after its end, until crawl crawls delete ID"
              + " deletes them.")
  boolean keep;

  @Option(
      names = "--keep-for",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description =
          "With --kafka: keep the crawl's topics for TIME after its end (default 24h). Then the"
              + " next crawl started over that Kafka, or crawl crawls delete --expired, deletes"
              + " them, unless a process still reads it.")
  Duration keepFor;

  /** Refuses these flags without {@code --kafka} (they would be ignored), and together. */
  public void validate(String kafka) throws UserError {
    if (kafka == null && (keep || keepFor != null)) {
      throw new UserError(
          (keep ? "--keep" : "--keep-for")
              + " is for a crawl over Kafka: give --kafka HOST:PORT too");
    }
    if (keep && keepFor != null) {
      throw new UserError("--keep and --keep-for cannot go together: give one");
    }
  }

  /** The crawl's lifetime: kept, kept for the time given, or the default. */
  public CrawlLifetime lifetime() {
    return keep
        ? CrawlLifetime.KEEP
        : keepFor != null ? CrawlLifetime.cleanedAfter(keepFor) : CrawlLifetime.DEFAULT;
  }
}
