package dev.crawler.core;

import dev.crawler.core.WorkerStats.Counter;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How idle workers get branches from busy ones: a synchronous handoff and stealing from the
 * workers' stacks. Thread-safe.
 */
final class WorkExchange<T> {
  /*
   * Nobody assigns work; idle workers are fed in two ways (DESIGN.md, invariant 5):
   *
   *  1. Handoff. A worker that finds itself with two or more pending branches while some peer is
   *     idle (idlePeers > 0) removes the OLDEST one and offers it on the SynchronousQueue, which
   *     succeeds only if a peer is parked in take(): the branch then moves straight to that peer,
   *     who was woken by the transfer itself. It keeps offering while peers wait and it has more
   *     than one branch, so a listing that yields many branches fills all parked peers at once.
   *     It never offers its last pending branch: that branch would only bounce between workers
   *     (a faithful port of the Go original did that on a deep chain and ran 17x slower).
   *  2. Stealing. A worker whose stack runs dry first looks at its peers' stacks and takes the
   *     oldest entry of the first non-empty one, so it does not wait for a busy peer to finish
   *     its listing before it gets work. Only if all stacks are empty does it announce itself in
   *     idlePeers, look once more (a peer may have pushed meanwhile, without having seen it idle),
   *     and park on the handoff.
   *
   * The oldest pending branch is the shallowest, so idle workers get the biggest pieces. The
   * handoff alone (a push-only scheme) leaves a worker that goes idle just after a failed offer
   * waiting until a busy peer finishes its next listing; on a wide fan-out that kept only 61-75%
   * of 8 workers busy. Stealing closes that gap; the handoff remains how a parked worker is woken
   * with work, with no polling.
   *
   * A rare window remains: a peer that announced itself idle but has not yet reached take() makes
   * an offer fail; it then parks until some worker next finishes a listing with spare branches.
   * This costs efficiency (measured in crawler-bench), never correctness.
   *
   * Parties (PendingWork) travel with the branch: stealOldest and removeOldestToHandOff take one
   * for the receiver under the victim's stack monitor, and a failed offer gives it back.
   *
   * A parked worker is released by a transfer or by the interrupt of a stop. It parks only right
   * after checking the stop with nothing foreign in between, so a stop either is seen by that
   * check or interrupts take() (CrawlEngine's rule for waits).
   */

  /** Direct transfer of a branch (with its party) from a busy worker to a parked one. */
  private final SynchronousQueue<Task<T>> handoff = new SynchronousQueue<>();
  /** Workers that found every stack empty and are parked, or about to park, on the handoff. */
  private final AtomicInteger idlePeers = new AtomicInteger();
  /** Every worker's stack, by worker index. */
  private final List<WorkStack<T>> stacks;
  private final CrawlStop stop;

  WorkExchange(List<WorkStack<T>> stacks, CrawlStop stop) {
    this.stacks = List.copyOf(stacks);
    this.stop = stop;
  }

  /**
   * Waits for work while holding no party: steals if any peer has pending branches, else parks
   * on the handoff. The party comes with the branch.
   *
   * @param thief the idle worker's index
   * @param stats the idle worker's counters: a steal or a handoff is counted there
   * @return a branch, or {@code null} once the crawl has stopped
   * @throws InterruptedException if interrupted while parked: the crawl stopped, or someone
   *     outside the engine interrupted the worker
   */
  Task<T> acquire(int thief, WorkerStats stats) throws InterruptedException {
    while (stop.isRunning()) {
      Task<T> task = steal(thief);
      if (task != null) {
        stats.add(Counter.STEALS, 1);
        return task;
      }
      idlePeers.incrementAndGet();
      try {
        // Announce, then look again: a peer that pushed after our first look and read idlePeers
        // before our increment has not offered, so its branches must be seen here.
        task = steal(thief);
        if (task != null) {
          stats.add(Counter.STEALS, 1);
          return task;
        }
        if (!stop.isRunning()) {
          return null;
        }
        task = handoff.take();
        stats.add(Counter.HANDOFFS, 1);
        return task;
      } finally {
        idlePeers.decrementAndGet();
      }
    }
    return null;
  }

  /** Offers the oldest pending branches of {@code own} to parked peers while there are both. */
  void feedIdlePeers(WorkStack<T> own) {
    while (idlePeers.get() > 0) {
      Task<T> task = own.removeOldestToHandOff();
      if (task == null) {
        return;
      }
      if (!handoff.offer(task)) {
        own.putBack(task); // the idle peer is not parked yet (or stole meanwhile)
        return;
      }
    }
  }

  /**
   * The oldest pending branch of the first peer that has one, scanning from the thief's
   * right-hand neighbour so thieves spread over victims; its party comes with it.
   */
  private Task<T> steal(int thief) {
    int n = stacks.size();
    for (int k = 1; k < n; k++) {
      WorkStack<T> victim = stacks.get((thief + k) % n);
      if (victim.size() > 0) { // racy pre-check: skip the monitor of empty stacks
        Task<T> task = victim.stealOldest();
        if (task != null) {
          return task;
        }
      }
    }
    return null;
  }

  /** Workers idle at this moment, approximately. */
  int idlePeers() {
    return idlePeers.get();
  }

  /** Branches pending on all stacks, approximately. */
  long pendingBranches() {
    long total = 0;
    for (WorkStack<T> stack : stacks) {
      total += stack.size();
    }
    return total;
  }
}
