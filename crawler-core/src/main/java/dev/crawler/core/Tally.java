package dev.crawler.core;

import dev.crawler.core.WorkerStats.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where the workers' counters become a {@link CrawlProgress} or a {@link
 * CrawlReport}. Progress is read while the workers run (each counter whole, not mutually
 * consistent); the report only after every worker thread was joined, when every counter is exact.
 */
final class Tally {
  private final List<WorkerStats> workers;

  /** Branches the crawl started with: the roots, pushed by no worker. */
  private final int roots;

  Tally(List<WorkerStats> workers, int roots) {
    this.workers = List.copyOf(workers);
    this.roots = roots;
  }

  CrawlProgress progress(long pendingBranches, int busyWorkers, long elapsedNanos) {
    return new CrawlProgress(
        sum(Counter.BRANCHES) + sum(Counter.LEAVES),
        sum(Counter.BRANCHES),
        sum(Counter.LEAVES),
        sum(Counter.LISTINGS),
        sum(Counter.ERRORS),
        pendingBranches,
        busyWorkers,
        Duration.ofNanos(elapsedNanos));
  }

  /** The report of a crawl whose workers have all been joined. */
  <T> CrawlReport<T> report(
      CrawlStop.Decision how, List<BranchError<T>> errors, long elapsedNanos) {
    Outcome outcome = how.outcome();
    if (outcome == Outcome.COMPLETE && !errors.isEmpty()) {
      outcome = Outcome.PARTIAL;
    }
    List<Duration> busy = new ArrayList<>(workers.size());
    long maxDepth = 0;
    for (WorkerStats stats : workers) {
      busy.add(Duration.ofNanos(stats.get(Counter.BUSY_NANOS)));
      maxDepth = Math.max(maxDepth, stats.get(Counter.MAX_DEPTH));
    }
    long branches = sum(Counter.BRANCHES);
    long found = sum(Counter.PUSHED) + roots;
    return CrawlReport.<T>builder(outcome)
        .failure(outcome == Outcome.FAILED ? how.cause() : null)
        .branches(branches)
        .leaves(sum(Counter.LEAVES))
        .listings(sum(Counter.LISTINGS))
        .retries(sum(Counter.RETRIES))
        .errors(errors)
        .duplicatesSkipped(sum(Counter.DUPLICATES))
        .handoffs(sum(Counter.HANDOFFS))
        .steals(sum(Counter.STEALS))
        .localDescents(sum(Counter.LOCAL_DESCENTS))
        .unlisted(Math.max(0, found - sum(Counter.PROCESSED)))
        .maxDepth((int) maxDepth)
        .workerBusy(busy)
        .elapsed(Duration.ofNanos(elapsedNanos))
        .build();
  }

  private long sum(Counter counter) {
    long total = 0;
    for (WorkerStats stats : workers) {
      total += stats.get(counter);
    }
    return total;
  }
}
