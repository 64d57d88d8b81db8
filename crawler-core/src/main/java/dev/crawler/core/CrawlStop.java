package dev.crawler.core;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a crawl is still running, and once it is not, how it stopped. Every stop (completion,
 * cancel, deadline, failure) goes through {@link #stop}; the first one wins and decides the
 * outcome. Thread-safe.
 *
 * <p>Memory effects: the winning {@code stop} sets the decision before it runs the engine's stop
 * action (release the visit buffer, interrupt the workers), so a worker that sees the effect of
 * that action, an interrupt or a released wait, then sees {@link #isRunning()} false. The engine's
 * rule for waits rests on this (see CrawlEngine's overview).
 */
final class CrawlStop {
  private static final Logger log = LoggerFactory.getLogger(CrawlStop.class);

  /** How a crawl stopped. */
  record Decision(Outcome outcome, Throwable cause) {}

  private final AtomicReference<Decision> decision = new AtomicReference<>();

  /** Run once, by the winning stop, after the decision is set. */
  private final Runnable onStop;

  CrawlStop(Runnable onStop) {
    this.onStop = onStop;
  }

  boolean isRunning() {
    return decision.get() == null;
  }

  /**
   * Stops the crawl with {@code outcome} unless it already stopped.
   *
   * @param cause the failure, for {@link Outcome#FAILED}; may be {@code null} otherwise
   * @return whether this call decided the outcome
   */
  boolean stop(Outcome outcome, Throwable cause) {
    if (!decision.compareAndSet(null, new Decision(outcome, cause))) {
      return false;
    }
    if (outcome != Outcome.COMPLETE) {
      log.debug("crawl stopping: {}", outcome, cause);
    }
    onStop.run();
    return true;
  }

  /** The decision; {@code null} while the crawl runs. */
  Decision decision() {
    return decision.get();
  }
}
