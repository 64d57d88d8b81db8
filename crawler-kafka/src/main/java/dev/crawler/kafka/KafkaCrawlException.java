package dev.crawler.kafka;

/** Kafka could not be used as the crawl needs: unreachable, no such crawl, a crawl id taken. */
public final class KafkaCrawlException extends Exception {
  private static final long serialVersionUID = 1L;

  public KafkaCrawlException(String message) {
    super(message);
  }

  public KafkaCrawlException(String message, Throwable cause) {
    super(message, cause);
  }
}
