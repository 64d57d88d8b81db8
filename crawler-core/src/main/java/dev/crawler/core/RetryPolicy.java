package dev.crawler.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Objects;

/**
 * How often, and how patiently, a crawl retries a listing that failed transiently (see {@link
 * dev.crawler.core.spi.BranchSource#isTransient}).
 *
 * <p>After the n-th failed attempt (n from 1) the worker waits {@code min(maxBackoff,
 * initialBackoff * multiplier^(n-1))}, reduced by a random fraction of at most {@code jitter}, so
 * that workers that failed together do not retry together. The wait is interruptible (a cancel ends
 * it) and never runs past the crawl's deadline. Immutable and thread-safe.
 *
 * @param maxAttempts attempts per listing, including the first; 1 means no retry
 * @param initialBackoff the wait after the first failure
 * @param maxBackoff the longest wait
 * @param multiplier the growth of the wait from one failure to the next, at least 1
 * @param jitter the largest fraction of a wait taken off at random, from 0 (none) to 1
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter) {

  /**
   * Checks the components.
   *
   * @param maxAttempts attempts per listing, including the first; 1 means no retry
   * @param initialBackoff the wait after the first failure
   * @param maxBackoff the longest wait
   * @param multiplier the growth of the wait from one failure to the next, at least 1
   * @param jitter the largest fraction of a wait taken off at random, from 0 (none) to 1
   */
  public RetryPolicy {
    checkArgument(maxAttempts >= 1, "maxAttempts (%s) must be at least 1", maxAttempts);
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    checkArgument(
        !initialBackoff.isNegative(), "initialBackoff (%s) must not be negative", initialBackoff);
    checkArgument(
        maxBackoff.compareTo(initialBackoff) >= 0,
        "maxBackoff (%s) must not be less than initialBackoff (%s)",
        maxBackoff,
        initialBackoff);
    checkArgument(multiplier >= 1.0, "multiplier (%s) must be at least 1", multiplier);
    checkArgument(jitter >= 0.0 && jitter <= 1.0, "jitter (%s) must be between 0 and 1", jitter);
  }

  /**
   * Three attempts, waiting about 100 ms then 200 ms, with up to half of each wait taken off at
   * random.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.5);
  }

  /**
   * One attempt: transient failures are reported like any other.
   *
   * @return a policy that never retries
   */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0);
  }

  /**
   * The wait after a failed attempt.
   *
   * @param failedAttempts how many attempts have failed so far, at least 1
   * @param random a number in [0, 1) that picks the jitter
   * @return the wait in nanoseconds
   */
  long backoffNanos(int failedAttempts, double random) {
    checkArgument(failedAttempts >= 1, "failedAttempts (%s) must be at least 1", failedAttempts);
    double base = initialBackoff.toNanos() * Math.pow(multiplier, failedAttempts - 1);
    double capped = Math.min(base, (double) maxBackoff.toNanos());
    return (long) (capped * (1.0 - jitter * random));
  }
}
