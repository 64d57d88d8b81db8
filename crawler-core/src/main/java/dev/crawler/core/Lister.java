package dev.crawler.core;

import dev.crawler.core.WorkerStats.Counter;
import dev.crawler.core.spi.BranchSource;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's session and its listings, each retried under the crawl's policy. Confined to its
 * worker's thread: the session is opened, used and closed there ({@link BranchSource}'s promise).
 *
 * <p>A listing answers {@link Result#LISTED}, {@link Result#FAILED} (for good: the last failure and
 * the attempts are kept for the caller to report) or {@link Result#STOPPED} (the crawl stopped
 * before or during it: nobody's fault, nothing to report). It never reports anything itself: the
 * worker decides whom a failure blames, a branch or, for a batch, nobody yet.
 */
final class Lister<T, S> {
  private static final Logger log = LoggerFactory.getLogger(Lister.class);

  /** How a listing ended. */
  enum Result {
    LISTED,
    FAILED,
    STOPPED
  }

  /** One call of the source: {@code list} or {@code listAll}. */
  private interface Call {
    void run() throws Exception;
  }

  private final BranchSource<T, S> source;
  private final RetryPolicy retry;
  private final CrawlStop stop;
  private final Deadline deadline;

  /** {@code null} without a rate limit. */
  private final Pacer pacer;

  private final TimeSource time;
  private final WorkerStats stats;

  /** Picks each backoff's jitter; seeded per worker, so a crawl's waits can be replayed. */
  private final SplittableRandom jitter;

  private S session;
  private boolean sessionOpen;

  /** What made the last FAILED listing fail, and after how many attempts. */
  private Exception lastFailure;

  private int lastAttempts;

  Lister(
      CrawlSettings<T, S> settings,
      CrawlStop stop,
      Deadline deadline,
      Pacer pacer,
      WorkerStats stats,
      SplittableRandom jitter) {
    this.source = settings.source();
    this.retry = settings.retryPolicy();
    this.stop = stop;
    this.deadline = deadline;
    this.pacer = pacer;
    this.time = settings.time();
    this.stats = stats;
    this.jitter = jitter;
  }

  /** Lists one branch into {@code out}. */
  Result list(T branch, ChildBuffer<T> out) throws Exception {
    return attempt(branch, () -> source.list(session, branch, out), List.of(out));
  }

  /** Lists several branches in one call; {@code outs.get(i)} receives the children of the i-th. */
  Result listAll(List<T> branches, List<ChildBuffer<T>> outs) throws Exception {
    return attempt(
        "a batch of " + branches.size(), () -> source.listAll(session, branches, outs), outs);
  }

  /** The failure of the last listing that ended {@link Result#FAILED}. */
  Exception lastFailure() {
    return lastFailure;
  }

  /** The attempts the last {@link Result#FAILED} listing made. */
  int lastAttempts() {
    return lastAttempts;
  }

  /**
   * Runs a listing: before each attempt the deadline, the session and the rate limit; a transient
   * failure waits and tries again while attempts remain.
   *
   * @throws Exception if a broken session cannot be replaced: that fails the crawl
   */
  private Result attempt(Object what, Call call, List<ChildBuffer<T>> outs) throws Exception {
    for (int attempt = 1; ; attempt++) {
      if (deadline.hasPassed()) {
        stop.stop(Outcome.TIMED_OUT, null);
      }
      if (!sessionOpen) {
        openSession();
      }
      // Checked after the source's open() and right before the pacer's wait: see the overview.
      if (!stop.isRunning()) {
        return Result.STOPPED;
      }
      if (pacer != null) {
        pacer.acquire();
      }
      stats.add(Counter.LISTINGS, 1);
      Exception failure = callOnce(call, outs);
      if (failure == null) {
        return Result.LISTED;
      }
      for (ChildBuffer<T> out : outs) {
        if (out.deliveryFailure() != null) {
          throw out.deliveryFailure(); // the consumer's failure, as if after list returned: FAILED
        }
      }
      if (!stop.isRunning()) {
        return Result.STOPPED; // interrupted by a stop: not the branch's fault
      }
      if (isInterruption(failure)) {
        stop.stop(Outcome.CANCELLED, null); // an interrupt from outside the engine
        return Result.STOPPED;
      }
      if (source.isSessionBroken(failure)) {
        closeSession();
      }
      // Leaves committed during the attempt were delivered: another would deliver them again.
      if (attempt >= retry.maxAttempts() || !source.isTransient(failure) || anyCommitted(outs)) {
        lastFailure = failure;
        lastAttempts = attempt;
        return Result.FAILED;
      }
      stats.add(Counter.RETRIES, 1);
      log.debug("listing {} failed (attempt {}), retrying", what, attempt, failure);
      if (!backoff(attempt)) {
        return Result.STOPPED;
      }
    }
  }

  private static boolean anyCommitted(List<? extends ChildBuffer<?>> outs) {
    for (ChildBuffer<?> out : outs) {
      if (out.hasCommitted()) {
        return true;
      }
    }
    return false;
  }

  /** One attempt: the children it gives are accepted only while it runs. */
  private Exception callOnce(Call call, List<ChildBuffer<T>> outs) {
    for (ChildBuffer<T> out : outs) {
      out.open();
    }
    try {
      call.run();
      return null;
    } catch (Exception e) {
      return e;
    } finally {
      for (ChildBuffer<T> out : outs) {
        out.close();
      }
    }
  }

  /** Whether a listing failed because its thread was interrupted (directly or in I/O). */
  private static boolean isInterruption(Exception e) {
    return e instanceof InterruptedException
        || e instanceof InterruptedIOException
        || e instanceof ClosedByInterruptException
        || Thread.currentThread().isInterrupted();
  }

  /**
   * Waits before the next attempt, unless the crawl has stopped. The check comes right before the
   * wait, after every call of the source: a stop the source hid (by swallowing its interrupt) is
   * seen here, and a later stop interrupts the wait (the overview's rule for waits).
   *
   * @return {@code false} if the crawl has stopped: no wait, no further attempt
   */
  private boolean backoff(int failedAttempts) throws InterruptedException {
    if (!stop.isRunning()) {
      return false;
    }
    long wait =
        Math.min(retry.backoffNanos(failedAttempts, jitter.nextDouble()), deadline.nanosLeft());
    time.sleep(wait);
    return true;
  }

  /** Opens the session, retrying transient failures; a failure for good is thrown. */
  void openSession() throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        session = source.open();
        sessionOpen = true;
        return;
      } catch (Exception e) {
        if (attempt >= retry.maxAttempts() || !source.isTransient(e)) {
          throw e;
        }
        log.debug("opening a session failed (attempt {}), retrying", attempt, e);
        if (!backoff(attempt)) {
          throw e; // the crawl stopped meanwhile: its outcome is decided, this does not change it
        }
      }
    }
  }

  /**
   * Closes the session if one is open; a failure to close, an {@link Error} included, is logged and
   * otherwise ignored, as {@link BranchSource#close} promises. The session is given up either way:
   * nothing else can be done with it, and the crawl's outcome does not hang on it.
   */
  void closeSession() {
    if (!sessionOpen) {
      return;
    }
    sessionOpen = false;
    S toClose = session;
    session = null;
    try {
      source.close(toClose);
    } catch (Exception | Error e) {
      log.warn("closing a session failed: {}", e.toString());
      log.debug("closing a session failed", e);
    }
  }
}
