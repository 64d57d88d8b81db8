package dev.crawler.core;

import dev.crawler.core.Lister.Result;
import dev.crawler.core.WorkerStats.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadFactory;

/**
 * One peer worker: its thread, pending stack, counters and {@link Lister}, and the loop that lists
 * branches until the crawl stops. It sees the crawl only through its {@link Coordination}. Fields
 * other than {@link #stack} and {@link #stats} are confined to the worker's own thread. See {@link
 * CrawlEngine}'s overview for the scheme.
 */
final class Worker<T, S> implements Runnable {
  private final Coordination<T, S> crawl;
  private final CrawlStop stop;
  final int index;
  final WorkStack<T> stack;
  final WorkerStats stats = new WorkerStats();
  private final Lister<T, S> lister;
  private final String name;
  private final int maxDepth;

  /** Most branches listed in one call: the source's {@code batchLimit()}, at least 1. */
  private final int batchLimit;

  /** One buffer per branch of a batch; buffers.get(0) serves single listings. */
  private final List<ChildBuffer<T>> buffers = new ArrayList<>();

  private final List<Task<T>> batch = new ArrayList<>();
  private final List<T> batchNodes = new ArrayList<>();
  private final List<Task<T>> newTasks = new ArrayList<>();
  private final VisitSink.Emitter<T> emitter;

  /** This worker's recent listings, while workers are held in reserve: whether listings wait. */
  private final ReserveWorkers.Witness reserveWitness;

  /**
   * The mean time a listing (of a branch or a batch) took in the last busy stretch: whether waiting
   * by spinning pays.
   */
  private long lastBusyNanos;

  /** When the current busy stretch began: the worker got work and has not run out since. */
  private long stretchBegan;

  /** Listings in the current busy stretch; 0 while the worker is not in one. */
  private int stretchListings;

  /** Written once by start(), before the thread runs; read by other threads after that. */
  private volatile Thread thread;

  Worker(
      Coordination<T, S> crawl,
      int index,
      WorkStack<T> stack,
      String name,
      SplittableRandom jitter) {
    this.crawl = crawl;
    this.stop = crawl.stop();
    this.index = index;
    this.stack = stack;
    this.name = name;
    this.maxDepth = crawl.settings().maxDepth();
    this.lister =
        new Lister<>(crawl.settings(), stop, crawl.deadline(), crawl.pacer(), stats, jitter);
    this.emitter = crawl.sink().newEmitter(stats);
    this.reserveWitness = crawl.reserve().newWitness();
    this.batchLimit = crawl.exchange().groupLimit(); // read once: a steal never brings more
    for (int i = 0; i < batchLimit; i++) {
      buffers.add(new ChildBuffer<>(this::deliverLeaves));
    }
  }

  void start(ThreadFactory factory) {
    Thread t;
    if (factory == null) {
      t = new Thread(this, name);
      t.setDaemon(true);
    } else {
      t = factory.newThread(this);
      if (t == null) {
        throw new IllegalStateException("the thread factory returned null for worker " + index);
      }
    }
    thread = t;
    t.start();
  }

  void interrupt() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  void join() throws InterruptedException {
    Thread t = thread;
    if (t != null) {
      t.join();
    }
  }

  /** Whether this worker runs on {@code t}. */
  boolean runsOn(Thread t) {
    return thread == t;
  }

  @Override
  public void run() {
    try {
      lister.openSession();
      // Roles go to workers in the order their sessions open, not by index: a worker whose open()
      // blocks holds neither the roots nor a listing role that a ready peer could fill.
      // Only a worker with a listing role may claim the roots: the first worker with a session
      // always has one, and a claimer without one would list beyond startWorkers.
      boolean listing = crawl.reserve().listsFromStart();
      if (listing) {
        crawl.roots().claimInto(batch, stack);
      } else if (!crawl.reserve().awaitRelease(stop)) {
        return; // held in reserve until the crawl ended
      }
      loop();
    } catch (InterruptedException e) {
      // Expected when the crawl stops. An interrupt nobody in the engine sent means cancel.
      stop.stop(Outcome.CANCELLED, null);
    } catch (Throwable e) {
      stop.stop(Outcome.FAILED, e);
    } finally {
      Thread.interrupted(); // the interrupt has done its job; let the session close cleanly
      try {
        lister.closeSession();
      } finally {
        // Whatever close() threw, even an Error: a worker that never counts its exit leaves
        // every await() and the stream's reader waiting forever.
        crawl.workerExited().run();
      }
    }
  }

  private void loop() throws Exception {
    stretchBegan = crawl.settings().time().nanoTime();
    try {
      work();
    } finally {
      endStretch();
    }
  }

  /**
   * Lists branches until the crawl stops. Time is taken per busy stretch, not per listing: on a
   * chain whose listings cost nothing, two clock reads per link were a third of the engine's cost.
   */
  private void work() throws Exception {
    while (stop.isRunning()) {
      if (batch.isEmpty()) {
        endStretch();
        // Up to batchLimit branches come with a steal or a handoff, under one party.
        if (!crawl.exchange().acquire(index, stats, lastBusyNanos, batch)) {
          return;
        }
        stretchBegan = crawl.settings().time().nanoTime();
      }
      // More of our own pending branches, newest first, for a source that lists several at once.
      // We hold our party while processing, so taking from our own stack needs no new one.
      while (batch.size() < batchLimit) {
        Task<T> more = stack.pollNewest();
        if (more == null) {
          break;
        }
        stats.add(Counter.LOCAL_DESCENTS, 1);
        batch.add(more);
      }
      Task<T> next = process(batch);
      stretchListings++;
      crawl.exchange().feedIdlePeers(stack, next != null);
      batch.clear();
      if (next == null) {
        // Holding a party here; given back inside the pop when the stack is empty.
        next = stack.popNewestOrGiveBack();
      }
      if (next != null) {
        stats.add(Counter.LOCAL_DESCENTS, 1);
        batch.add(next);
      }
    }
  }

  /** Counts a busy stretch that has ended, if there was one, in the worker's busy time. */
  private void endStretch() {
    if (stretchListings > 0) {
      long busy = crawl.settings().time().nanoTime() - stretchBegan;
      stats.add(Counter.BUSY_NANOS, busy);
      lastBusyNanos = busy / stretchListings;
      stretchListings = 0;
    }
  }

  /**
   * Visits the branches, lists them (in one call when there are several), commits their children,
   * and only then makes the sub-branches stealable, all but the newest.
   *
   * @return the newest sub-branch, which this worker lists next without ever publishing it; {@code
   *     null} if the listings yielded none
   */
  private Task<T> process(List<Task<T>> tasks) throws Exception {
    for (Task<T> task : tasks) {
      stats.add(Counter.PROCESSED, 1);
      deliver(new Visit<>(task.node(), Visit.Kind.BRANCH, task.depth(), task.parent()));
    }
    newTasks.clear();
    if (tasks.get(0).depth() >= maxDepth) {
      // Only roots get here, under maxDepth(0): deeper branches at the limit are never pushed.
    } else if (tasks.size() > 1) {
      listTogether(tasks);
    } else {
      listAlone(tasks.get(0));
    }
    // Flush before the sub-branches become stealable, so no peer can deliver a child's visit
    // ahead of its parent's visit, still sitting in our batch of visits.
    emitter.flush();
    if (newTasks.isEmpty()) {
      return null;
    }
    stats.add(Counter.PUSHED, newTasks.size());
    // The newest sub-branch stays in hand, covered by the party this worker holds, and is what
    // the stack would have given back next anyway. Pushed, it was the one thing a spinning peer
    // could steal from a chain: the chain's next link then crossed cores (and took and gave back
    // a party) at every step, 250 ns a link against 110 for one worker alone.
    Task<T> next = newTasks.remove(newTasks.size() - 1);
    if (!newTasks.isEmpty()) {
      stack.pushAll(newTasks);
    }
    return next;
  }

  /** Lists one branch and commits its children, or reports it as failed for good. */
  private void listAlone(Task<T> task) throws Exception {
    long began = reserveClock();
    buffers.get(0).listing(task);
    Result result = lister.list(task.node(), buffers.get(0));
    noteListingTime(began);
    if (result == Result.LISTED) {
      commit(task, buffers.get(0));
    } else if (result == Result.FAILED) {
      stats.add(Counter.ERRORS, 1);
      crawl
          .failures()
          .report(
              new BranchError<>(
                  task.node(), task.depth(), lister.lastFailure(), lister.lastAttempts()));
    }
  }

  /**
   * Lists several branches in one call; if the batch fails for good, lists them again one by one,
   * so that every error names the branch that caused it.
   */
  private void listTogether(List<Task<T>> tasks) throws Exception {
    batchNodes.clear();
    for (int i = 0; i < tasks.size(); i++) {
      batchNodes.add(tasks.get(i).node());
      buffers.get(i).listing(tasks.get(i));
    }
    long began = reserveClock();
    Result result = lister.listAll(batchNodes, buffers.subList(0, tasks.size()));
    noteListingTime(began);
    if (result == Result.LISTED) {
      for (int i = 0; i < tasks.size(); i++) {
        commit(tasks.get(i), buffers.get(i));
      }
    } else if (result == Result.FAILED) {
      boolean[] committed =
          new boolean[tasks.size()]; // read first: listAlone reuses buffers.get(0)
      for (int i = 0; i < tasks.size(); i++) {
        committed[i] = buffers.get(i).hasCommitted();
      }
      Exception failure = lister.lastFailure();
      int attempts = lister.lastAttempts();
      for (int i = 0; i < tasks.size(); i++) {
        Task<T> task = tasks.get(i);
        if (committed[i]) { // some of its leaves were delivered: listed again, they would be twice
          stats.add(Counter.ERRORS, 1);
          crawl.failures().report(new BranchError<>(task.node(), task.depth(), failure, attempts));
        } else {
          listAlone(task);
        }
      }
    }
  }

  /** Delivers a listed branch's leaves and queues its sub-branches in {@link #newTasks}. */
  private void commit(Task<T> task, ChildBuffer<T> children) throws InterruptedException {
    int depth = task.depth() + 1;
    T parent = task.node();
    SeenNodes<T> seen = crawl.seen();
    deliverLeaves(task, children.leaves);
    boolean listable = depth < maxDepth;
    for (T branch : children.branches) {
      if (!seen.firstSighting(branch)) {
        stats.add(Counter.DUPLICATES, 1);
      } else if (listable) {
        newTasks.add(new Task<>(branch, depth, parent));
      } else {
        deliver(new Visit<>(branch, Visit.Kind.BRANCH, depth, parent)); // at max depth: not listed
      }
    }
  }

  /**
   * Delivers leaves of {@code task}'s branch: at its commit, or earlier when the source commits
   * them.
   */
  private void deliverLeaves(Task<T> task, List<T> leaves) throws InterruptedException {
    int depth = task.depth() + 1;
    T parent = task.node();
    SeenNodes<T> seen = crawl.seen();
    for (T leaf : leaves) {
      if (seen.firstSighting(leaf)) {
        deliver(new Visit<>(leaf, Visit.Kind.LEAF, depth, parent));
      } else {
        stats.add(Counter.DUPLICATES, 1);
      }
    }
  }

  /** What reserveClock() returns once no worker is held in reserve. */
  private static final long NOT_TIMED = Long.MIN_VALUE;

  /** The time before a listing, while workers are held in reserve; NOT_TIMED once they are not. */
  private long reserveClock() {
    return crawl.reserve().released() ? NOT_TIMED : crawl.settings().time().nanoTime();
  }

  /** Listings that keep taking long release the workers held in reserve (ReserveWorkers). */
  private void noteListingTime(long began) {
    if (began != NOT_TIMED) {
      reserveWitness.listingTook(crawl.settings().time().nanoTime() - began);
    }
  }

  private void deliver(Visit<T> visit) throws InterruptedException {
    if (!stop.isRunning()) {
      throw new InterruptedException("crawl stopped");
    }
    emitter.emit(visit);
  }
}
