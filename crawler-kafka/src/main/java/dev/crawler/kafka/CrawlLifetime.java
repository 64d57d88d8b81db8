package dev.crawler.kafka;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a crawl's topics and groups outlive its end: kept until someone deletes them, or cleaned
 * up once {@code grace} has passed since the end (by {@link Crawls#sweep}, never while a process
 * still lists or reads the crawl). Written on the crawl's events by its starter; a crawl without
 * one is cleaned after {@link #DEFAULT}. Immutable.
 *
 * @param kept whether the crawl stays until deleted by hand
 * @param grace how long after its end the crawl is kept; zero when {@code kept}
 */
public record CrawlLifetime(boolean kept, Duration grace) {
  /** Kept until deleted by hand. */
  public static final CrawlLifetime KEEP = new CrawlLifetime(true, Duration.ZERO);

  /**
   * A day after the end: time enough to attach to a crawl whose starter died overnight and print
   * its visits, and then no more disk held for it.
   */
  public static final CrawlLifetime DEFAULT = new CrawlLifetime(false, Duration.ofDays(1));

  /**
   * Validates.
   *
   * @param kept whether the crawl stays until deleted by hand
   * @param grace how long after its end the crawl is kept: not negative
   */
  public CrawlLifetime {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("a crawl's grace period cannot be negative: " + grace);
    }
  }

  /**
   * Cleaned up once {@code grace} has passed since the crawl's end.
   *
   * @param grace how long after its end: not negative
   * @return that lifetime
   */
  public static CrawlLifetime cleanedAfter(Duration grace) {
    return new CrawlLifetime(false, grace);
  }
}
