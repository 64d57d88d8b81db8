package dev.crawler.kafka;

/** Kafka could not be used as the crawl needs: unreachable, no such crawl, a crawl id taken. */
public final class KafkaCrawlException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with its reason in one line.
   *
   * @param message the reason, as the user should read it
   */
  public KafkaCrawlException(String message) {
    super(message);
  }

  /**
   * A failure with its reason in one line, and what caused it.
   *
   * @param message the reason, as the user should read it
   * @param cause the failure underneath, for --debug
   */
  public KafkaCrawlException(String message, Throwable cause) {
    super(message, cause);
  }
}
