package dev.crawler.core;

/** What a crawl does when a branch cannot be listed (after any retries). */
public enum ErrorPolicy {
  /**
   * Report the branch as a {@link BranchError}, skip its subtree and go on. The crawl ends {@link
   * Outcome#PARTIAL} if anything failed. The default.
   */
  CONTINUE,
  /**
   * Stop at the first branch error: the crawl is cancelled and ends {@link Outcome#FAILED} with
   * that error's cause.
   */
  FAIL_FAST
}
