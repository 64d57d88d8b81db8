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
   * Nobody assigns work; idle workers are fed in two ways (ARCHITECTURE.md, invariant 5):
   *
   *  1. Handoff. A worker that finds itself with two or more pending branches while some peer is
   *     idle (idlePeers > 0) removes the OLDEST one and offers it on the SynchronousQueue, which
   *     succeeds only if a peer is parked in take(): the branch then moves straight to that peer,
   *     who was woken by the transfer itself. It keeps offering while peers wait and it has more
   *     than one branch, so a listing that yields many branches fills all parked peers at once.
   *     It never offers the branch it lists next (its newest sub-branch, held outside the stack,
   *     or else its last pending one): that branch would only bounce between workers (a faithful
   *     port of the Go original did that on a deep chain and ran 17x slower). Nor can a thief
   *     steal it, since it never enters the stack.
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
   * For a source that lists several branches per call (batchLimit > 1), branches move in groups:
   * a steal or a handoff carries up to batchLimit of them (never more than half of what the
   * victim has spare), under one party. A thief then lists a full batch at once, instead of one
   * branch, then that branch's few children, and so on: with LDAP, three small queries where one
   * full query would do. With batchLimit 1 a group is one branch, and nothing changes.
   *
   * A parked worker is released by a transfer or by the interrupt of a stop. It parks only right
   * after checking the stop with nothing foreign in between, so a stop either is seen by that
   * check or interrupts take() (CrawlEngine's rule for waits).
   */

  /** Direct transfer of branches (with their party) from a busy worker to a parked one. */
  private final SynchronousQueue<List<Task<T>>> handoff = new SynchronousQueue<>();

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

  /** The most branches that move together: the source's batch limit. */
  private final int groupLimit;

  /**
   * @param groupLimit the most branches a steal or a handoff moves at once: the source's batch
   *     limit, at least 1
   */
  WorkExchange(List<WorkStack<T>> stacks, CrawlStop stop, int groupLimit) {
    this.stacks = List.copyOf(stacks);
    this.stop = stop;
    this.groupLimit = groupLimit;
  }

  /**
   * Waits for work while holding no party: steals if any peer has pending branches, else parks on
   * the handoff. The party comes with the branches.
   *
   * @param thief the idle worker's index
   * @param stats the idle worker's counters: the branches stolen or handed over are counted there
   * @param lastBusyNanos how long the worker's last branch took: it spins before parking only after
   *     a fast one (see {@link #spinForWork})
   * @param into where the branches go: one, or up to the source's batch limit
   * @return {@code false} once the crawl has stopped, with nothing added to {@code into}
   * @throws InterruptedException if interrupted while parked: the crawl stopped, or someone outside
   *     the engine interrupted the worker
   */
  boolean acquire(int thief, WorkerStats stats, long lastBusyNanos, List<Task<T>> into)
      throws InterruptedException {
    while (stop.isRunning()) {
      int stolen = steal(thief, into);
      if (stolen == 0 && lastBusyNanos < SPIN_AFTER_BRANCHES_UNDER_NANOS) {
        stolen = spinForWork(thief, into);
      }
      if (stolen > 0) {
        stats.add(Counter.STEALS, stolen);
        return true;
      }
      idlePeers.incrementAndGet();
      try {
        // Announce, then look again: a peer that pushed after our first look and read idlePeers
        // before our increment has not offered, so its branches must be seen here.
        stolen = steal(thief, into);
        if (stolen > 0) {
          stats.add(Counter.STEALS, stolen);
          return true;
        }
        if (!stop.isRunning()) {
          return false;
        }
        List<Task<T>> handed = handoff.take();
        into.addAll(handed);
        stats.add(Counter.HANDOFFS, handed.size());
        return true;
      } finally {
        idlePeers.decrementAndGet();
      }
    }
    return false;
  }

  /**
   * Before parking, keeps trying to steal for a few microseconds, if fewer than {@link
   * #MAX_SPINNERS} peers are doing so already: a branch that appears meanwhile is taken without a
   * park and an unpark, which on a deep chain with no latency cost more than the listing itself
   * (two workers swap roles at every side branch). Bounded by count, not by time, so it also ends
   * under a test's clock that stands still; and by the number of spinners, so spinning never takes
   * a core from a worker that has work (on 2 cores: one spinner; on 1 core: none).
   *
   * <p>Only after a fast branch ({@link #SPIN_AFTER_BRANCHES_UNDER_NANOS}): when listings are slow,
   * new work comes a listing apart, a spin would end before it, and a park costs little against the
   * listing. Spinning there cost efficiency on the chain at 1 ms per listing (0.84 of 64 workers
   * against 0.98), since a spinner keeps the owner from handing off (below).
   */
  private int spinForWork(int thief, List<Task<T>> into) {
    if (spinners.get() >= MAX_SPINNERS) {
      return 0;
    }
    if (spinners.incrementAndGet() > MAX_SPINNERS) {
      spinners.decrementAndGet();
      return 0;
    }
    try {
      for (int i = 0; i < SPIN_TRIES && stop.isRunning(); i++) {
        Thread.onSpinWait();
        int stolen = steal(thief, into);
        if (stolen > 0) {
          return stolen;
        }
      }
      return 0;
    } finally {
      spinners.decrementAndGet();
    }
  }

  /**
   * Offers the oldest pending branches of {@code own} to parked peers while there are both.
   *
   * @param holdingNext whether the owner already holds the branch it lists next, outside its stack;
   *     if not, the stack's newest branch is kept for it
   */
  void feedIdlePeers(WorkStack<T> own, boolean holdingNext) {
    // The owner's next branch never moves: it would only bounce between workers.
    int ownersNext = holdingNext ? 0 : 1;
    while (idlePeers.get() > 0) {
      // Leave one branch for each spinning peer to steal: waking a parked one instead would have
      // it wait for the core the spinner holds (at 8 workers on 2 cores, a chain ran 12x slower).
      List<Task<T>> handed = own.removeOldestToHandOff(ownersNext + spinners.get(), groupLimit);
      if (handed == null) {
        return;
      }
      if (!handoff.offer(handed)) {
        own.putBack(handed); // the idle peer is not parked yet (or stole meanwhile)
        return;
      }
    }
  }

  /**
   * The oldest pending branches of the first peer that has any, scanning from the thief's
   * right-hand neighbour so thieves spread over victims; their party comes with them.
   *
   * @return how many branches were added to {@code into}
   */
  private int steal(int thief, List<Task<T>> into) {
    int n = stacks.size();
    for (int k = 1; k < n; k++) {
      WorkStack<T> victim = stacks.get((thief + k) % n);
      if (victim.size() > 0) { // racy pre-check: skip the monitor of empty stacks
        int stolen = victim.stealOldest(groupLimit, into);
        if (stolen > 0) {
          return stolen;
        }
      }
    }
    return 0;
  }

  /** The most branches that move together, and that a worker lists in one call. */
  int groupLimit() {
    return groupLimit;
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
