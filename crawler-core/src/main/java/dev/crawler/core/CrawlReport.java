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
 *
 * <ul>
 *   <li>{@code visits}: once per node delivered to the consumer or the stream; equals {@code
 *       branches + leaves}.
 *   <li>{@code listings}: once per call of {@code BranchSource.list} or {@code listAll} (a batch of
 *       branches listed in one call counts one), so a listing retried twice counts three; {@code
 *       retries} counts the calls after the first for the same branch or batch.
 *   <li>{@code errors}: once per branch that failed for good (after its retries).
 *   <li>{@code duplicatesSkipped}: once per node dropped because its key had been seen (only with
 *       {@code Crawler.distinctBy}).
 *   <li>{@code handoffs}: once per branch passed to an idle worker through the synchronous handoff;
 *       {@code steals}: once per branch an idle worker took from a busy worker's pending stack;
 *       {@code localDescents}: once per branch a worker took from its own stack. The three add up
 *       to the branches listed or attempted, less the first root.
 *   <li>{@code unlisted}: branches found but never listed because the crawl stopped early.
 *   <li>{@code maxDepth}: the greatest depth of any visit.
 *   <li>{@code workerBusy}: per worker, the time spent on branches (listing, retrying, delivering
 *       visits), as opposed to waiting for work.
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
    checkArgument(
        (failure != null) == (outcome == Outcome.FAILED),
        "a failure cause is given exactly when the outcome is FAILED (outcome %s, failure %s)",
        outcome,
        failure);
    errors = List.copyOf(errors);
    workerBusy = List.copyOf(workerBusy);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /**
   * A builder of a report that ended {@code outcome}: every count starts at 0, the lists empty, the
   * failure {@code null} and the time zero, so a caller names only what it counted, and a component
   * added later breaks no caller. {@code visits} is not set: it is {@code branches + leaves}, as
   * the class comment says.
   *
   * @param outcome how the crawl ended
   * @param <T> the node type
   * @return a new builder
   */
  public static <T> Builder<T> builder(Outcome outcome) {
    return new Builder<>(outcome);
  }

  /**
   * Builds a {@link CrawlReport} by name rather than by position. Each setter replaces the value it
   * names and returns this builder; {@link #build()} checks the whole as the record's constructor
   * does. Not thread-safe: one thread fills it, and the report it builds is immutable.
   *
   * @param <T> the node type
   */
  public static final class Builder<T> {
    private final Outcome outcome;
    private Throwable failure;
    private long branches;
    private long leaves;
    private long listings;
    private long retries;
    private List<BranchError<T>> errors = List.of();
    private long duplicatesSkipped;
    private long handoffs;
    private long steals;
    private long localDescents;
    private long unlisted;
    private int maxDepth;
    private List<Duration> workerBusy = List.of();
    private Duration elapsed = Duration.ZERO;

    private Builder(Outcome outcome) {
      this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * Sets the cause of a {@link Outcome#FAILED} crawl; it must be given exactly then.
     *
     * @param failure the cause
     * @return this builder
     */
    public Builder<T> failure(Throwable failure) {
      this.failure = failure;
      return this;
    }

    /**
     * Sets the branch visits.
     *
     * @param branches branch visits
     * @return this builder
     */
    public Builder<T> branches(long branches) {
      this.branches = branches;
      return this;
    }

    /**
     * Sets the leaf visits.
     *
     * @param leaves leaf visits
     * @return this builder
     */
    public Builder<T> leaves(long leaves) {
      this.leaves = leaves;
      return this;
    }

    /**
     * Sets the listing calls, retries included.
     *
     * @param listings calls of {@code list} or {@code listAll}
     * @return this builder
     */
    public Builder<T> listings(long listings) {
      this.listings = listings;
      return this;
    }

    /**
     * Sets the listing calls made after a transient failure.
     *
     * @param retries calls after the first for the same branch or batch
     * @return this builder
     */
    public Builder<T> retries(long retries) {
      this.retries = retries;
      return this;
    }

    /**
     * Sets the branches that could not be listed; the list is copied when the report is built.
     *
     * @param errors in the order they failed
     * @return this builder
     */
    public Builder<T> errors(List<BranchError<T>> errors) {
      this.errors = Objects.requireNonNull(errors, "errors");
      return this;
    }

    /**
     * Sets the nodes dropped as already seen.
     *
     * @param duplicatesSkipped nodes dropped
     * @return this builder
     */
    public Builder<T> duplicatesSkipped(long duplicatesSkipped) {
      this.duplicatesSkipped = duplicatesSkipped;
      return this;
    }

    /**
     * Sets the branches handed to an idle worker.
     *
     * @param handoffs branches handed over
     * @return this builder
     */
    public Builder<T> handoffs(long handoffs) {
      this.handoffs = handoffs;
      return this;
    }

    /**
     * Sets the branches an idle worker took from a busy one.
     *
     * @param steals branches stolen
     * @return this builder
     */
    public Builder<T> steals(long steals) {
      this.steals = steals;
      return this;
    }

    /**
     * Sets the branches a worker took from its own stack.
     *
     * @param localDescents branches taken locally
     * @return this builder
     */
    public Builder<T> localDescents(long localDescents) {
      this.localDescents = localDescents;
      return this;
    }

    /**
     * Sets the branches left unlisted when the crawl stopped early.
     *
     * @param unlisted branches never listed
     * @return this builder
     */
    public Builder<T> unlisted(long unlisted) {
      this.unlisted = unlisted;
      return this;
    }

    /**
     * Sets the deepest visit.
     *
     * @param maxDepth the greatest depth of any visit
     * @return this builder
     */
    public Builder<T> maxDepth(int maxDepth) {
      this.maxDepth = maxDepth;
      return this;
    }

    /**
     * Sets each worker's busy time; the list is copied when the report is built.
     *
     * @param workerBusy by worker index
     * @return this builder
     */
    public Builder<T> workerBusy(List<Duration> workerBusy) {
      this.workerBusy = Objects.requireNonNull(workerBusy, "workerBusy");
      return this;
    }

    /**
     * Sets the time from start to the last worker's exit.
     *
     * @param elapsed the crawl's time
     * @return this builder
     */
    public Builder<T> elapsed(Duration elapsed) {
      this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * The report, with {@code visits} the sum of branches and leaves.
     *
     * @return a new immutable report
     * @throws IllegalArgumentException if a failure is given but the outcome is not FAILED, or the
     *     other way round
     */
    public CrawlReport<T> build() {
      return new CrawlReport<>(
          outcome,
          failure,
          branches + leaves,
          branches,
          leaves,
          listings,
          retries,
          errors,
          duplicatesSkipped,
          handoffs,
          steals,
          localDescents,
          unlisted,
          maxDepth,
          workerBusy,
          elapsed);
    }
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
