package dev.crawler.core;

/** How a crawl ended. */
public enum Outcome {
  /** Every reachable branch was listed (up to the maximum depth) and every node visited. */
  COMPLETE,
  /**
   * The crawl ran to its end, but some branches could not be listed: their subtrees are missing.
   * {@link CrawlReport#errors()} lists them.
   */
  PARTIAL,
  /**
   * The crawl was stopped by a fatal failure: a session that could not be opened, a source or
   * consumer that threw, or the first branch error under {@link ErrorPolicy#FAIL_FAST}. {@link
   * CrawlReport#failure()} holds the cause.
   */
  FAILED,
  /** The crawl was cancelled ({@link Crawl#cancel()}, {@link Crawl#close()}, a closed stream). */
  CANCELLED,
  /** The crawl's deadline passed before it ended. */
  TIMED_OUT;

  /**
   * Whether the crawl reached its natural end (possibly with branch errors).
   *
   * @return {@code true} for {@link #COMPLETE} and {@link #PARTIAL}
   */
  public boolean ranToEnd() {
    return this == COMPLETE || this == PARTIAL;
  }
}
