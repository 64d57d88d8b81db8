package dev.crawler.core;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The branches of a crawl that failed for good: kept for the report, told to the user's listener as
 * they happen, and, under {@link ErrorPolicy#FAIL_FAST}, the end of the crawl. Thread-safe.
 */
final class BranchFailures<T> {
  private static final Logger log = LoggerFactory.getLogger(BranchFailures.class);

  private final ConcurrentLinkedQueue<BranchError<T>> errors = new ConcurrentLinkedQueue<>();
  private final Consumer<? super BranchError<T>> listener;
  private final ErrorPolicy policy;
  private final CrawlStop stop;

  BranchFailures(Consumer<? super BranchError<T>> listener, ErrorPolicy policy, CrawlStop stop) {
    this.listener = listener;
    this.policy = policy;
    this.stop = stop;
  }

  /** Records a failure; the listener runs on the caller's thread, and may throw. */
  void report(BranchError<T> error) {
    errors.add(error);
    log.debug("branch failed: {}", error.describe(), error.cause());
    listener.accept(error);
    if (policy == ErrorPolicy.FAIL_FAST) {
      stop.stop(Outcome.FAILED, error.cause());
    }
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  /** The failures so far, in the order they were recorded. */
  List<BranchError<T>> all() {
    return List.copyOf(errors);
  }
}
