package dev.crawler.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a finished crawl did: how it ended, what it visited, what failed, and how the work was
 * shared. Immutable and thread-safe.
 *
 * <p>When each counter is incremented:
 * <ul>
 *   <li>{@code visits}: once per node delivered to the consumer or the stream; equals {@code
 *       branches + leaves}.</li>
 *   <li>{@code listings}: once per call of {@code BranchSource.list} or {@code listAll} (a batch
 *       of branches listed in one call counts one), so a listing retried twice counts three;
 *       {@code retries} counts the calls after the first for the same branch or batch.</li>
 *   <li>{@code errors}: once per branch that failed for good (after its retries).</li>
 *   <li>{@code duplicatesSkipped}: once per node dropped because its key had been seen (only with
 *       {@code Crawler.distinctBy}).</li>
 *   <li>{@code handoffs}: once per branch passed to an idle worker through the synchronous
 *       handoff; {@code steals}: once per branch an idle worker took from a busy worker's pending
 *       stack; {@code localDescents}: once per branch a worker took from its own stack. The three
 *       add up to the branches listed or attempted, less the first root.</li>
 *   <li>{@code unlisted}: branches found but never listed because the crawl stopped early.</li>
 *   <li>{@code maxDepth}: the greatest depth of any visit.</li>
 *   <li>{@code workerBusy}: per worker, the time spent on branches (listing, retrying, delivering
 *       visits), as opposed to waiting for work.</li>
 * </ul>
 *
 * @param outcome how the crawl ended
 * @param failure the cause when {@code outcome} is {@link Outcome#FAILED}, else {@code null}
 * @param visits nodes delivered
 * @param branches branch visits
 * @param leaves leaf visits
 * @param listings calls of {@code list} or {@code listAll}, retries included
 * @param retries calls of {@code list} after a transient failure
 * @param errors branches that could not be listed, in the order they failed
 * @param duplicatesSkipped nodes dropped as already seen
 * @param handoffs branches handed to an idle worker
 * @param steals branches taken by an idle worker from a busy one
 * @param localDescents branches a worker took from its own stack
 * @param unlisted branches left unlisted when the crawl stopped early
 * @param maxDepth the deepest visit
 * @param workerBusy busy time of each worker, by worker index
 * @param elapsed from start to the last worker's exit
 * @param <T> the node type
 */
public record CrawlReport<T>(
    Outcome outcome,
    Throwable failure,
    long visits,
    long branches,
    long leaves,
    long listings,
    long retries,
    List<BranchError<T>> errors,
    long duplicatesSkipped,
    long handoffs,
    long steals,
    long localDescents,
    long unlisted,
    int maxDepth,
    List<Duration> workerBusy,
    Duration elapsed) {

  /**
   * Checks the components and copies the lists.
   *
   * @param outcome how the crawl ended
   * @param failure the cause when {@code outcome} is {@link Outcome#FAILED}, else {@code null}
   * @param visits nodes delivered
   * @param branches branch visits
   * @param leaves leaf visits
   * @param listings calls of {@code list} or {@code listAll}, retries included
   * @param retries calls of {@code list} after a transient failure
   * @param errors branches that could not be listed, in the order they failed
   * @param duplicatesSkipped nodes dropped as already seen
   * @param handoffs branches handed to an idle worker
   * @param steals branches taken by an idle worker from a busy one
   * @param localDescents branches a worker took from its own stack
   * @param unlisted branches left unlisted when the crawl stopped early
   * @param maxDepth the deepest visit
   * @param workerBusy busy time of each worker, by worker index
   * @param elapsed from start to the last worker's exit
   */
  public CrawlReport {
    Objects.requireNonNull(outcome, "outcome");
    checkArgument((failure != null) == (outcome == Outcome.FAILED),
        "a failure cause is given exactly when the outcome is FAILED (outcome %s, failure %s)",
        outcome, failure);
    errors = List.copyOf(errors);
    workerBusy = List.copyOf(workerBusy);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /**
   * Visits per second over the whole crawl.
   *
   * @return the average rate, 0 for a crawl that took no measurable time
   */
  public double visitsPerSecond() {
    long nanos = elapsed.toNanos();
    return nanos <= 0 ? 0.0 : visits * 1e9 / nanos;
  }

  /**
   * Busy time summed over workers divided by (workers × elapsed): 1.0 when no worker ever waited.
   *
   * @return the share of worker time spent on branches, from 0 to 1
   */
  public double utilization() {
    long total = workerBusy.stream().mapToLong(Duration::toNanos).sum();
    long capacity = elapsed.toNanos() * workerBusy.size();
    return capacity <= 0 ? 0.0 : Math.min(1.0, (double) total / capacity);
  }
}
