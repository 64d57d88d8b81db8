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
  /** Workers in {@link #spinForWork} now. */
  private final AtomicInteger spinners = new AtomicInteger();
  /** One fewer than the cores: a spinner must not take the core of the last busy worker. */
  private static final int MAX_SPINNERS = Runtime.getRuntime().availableProcessors() - 1;
  /** A worker spins only if its last branch took less: several times a park and unpark. */
  static final long SPIN_AFTER_BRANCHES_UNDER_NANOS = 50_000;
  /** Steal attempts before parking: tens of microseconds, a park and unpark's cost. */
  private static final int SPIN_TRIES = 4000;
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
   * @param lastBusyNanos how long the worker's last branch took: it spins before parking only
   *     after a fast one (see {@link #spinForWork})
   * @return a branch, or {@code null} once the crawl has stopped
   * @throws InterruptedException if interrupted while parked: the crawl stopped, or someone
   *     outside the engine interrupted the worker
   */
  Task<T> acquire(int thief, WorkerStats stats, long lastBusyNanos) throws InterruptedException {
    while (stop.isRunning()) {
      Task<T> task = steal(thief);
      if (task == null && lastBusyNanos < SPIN_AFTER_BRANCHES_UNDER_NANOS) {
        task = spinForWork(thief);
      }
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

  /**
   * Before parking, keeps trying to steal for a few microseconds, if fewer than {@link
   * #MAX_SPINNERS} peers are doing so already: a branch that appears meanwhile is taken without a
   * park and an unpark, which on a deep chain with no latency cost more than the listing itself
   * (two workers swap roles at every side branch). Bounded by count, not by time, so it also ends
   * under a test's clock that stands still; and by the number of spinners, so spinning never
   * takes a core from a worker that has work (on 2 cores: one spinner; on 1 core: none).
   *
   * <p>Only after a fast branch ({@link #SPIN_AFTER_BRANCHES_UNDER_NANOS}): when listings are slow,
   * new work comes a listing apart, a spin would end before it, and a park costs little against
   * the listing. Spinning there cost efficiency on the chain at 1 ms per listing (0.84 of 64
   * workers against 0.98), since a spinner keeps the owner from handing off (below).
   */
  private Task<T> spinForWork(int thief) {
    if (spinners.get() >= MAX_SPINNERS) {
      return null;
    }
    if (spinners.incrementAndGet() > MAX_SPINNERS) {
      spinners.decrementAndGet();
      return null;
    }
    try {
      for (int i = 0; i < SPIN_TRIES && stop.isRunning(); i++) {
        Thread.onSpinWait();
        Task<T> task = steal(thief);
        if (task != null) {
          return task;
        }
      }
      return null;
    } finally {
      spinners.decrementAndGet();
    }
  }

  /** Offers the oldest pending branches of {@code own} to parked peers while there are both. */
  void feedIdlePeers(WorkStack<T> own) {
    while (idlePeers.get() > 0) {
      // Leave one branch for each spinning peer to steal: waking a parked one instead would have
      // it wait for the core the spinner holds (at 8 workers on 2 cores, a chain ran 12x slower).
      Task<T> task = own.removeOldestToHandOff(1 + spinners.get());
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
