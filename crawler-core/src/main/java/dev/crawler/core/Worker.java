package dev.crawler.core;

import dev.crawler.core.WorkerStats.Counter;
import dev.crawler.core.spi.BranchSource;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer worker: its thread, session, pending stack and counters, and the loop that lists
 * branches until the crawl stops. Fields other than {@link #stack} and {@link #stats} are
 * confined to the worker's own thread. See {@link CrawlEngine}'s overview for the scheme.
 */
final class Worker<T, S> implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final CrawlEngine<T, S> engine;
  private final BranchSource<T, S> source;
  final int index;
  final WorkStack<T> stack;
  final WorkerStats stats = new WorkerStats();
  private final String name;
  /** Most branches listed in one call: the source's {@code batchLimit()}, at least 1. */
  private final int batchLimit;
  /** One buffer per branch of a batch; buffers.get(0) serves single listings. */
  private final List<ChildBuffer<T>> buffers = new ArrayList<>();
  private final List<Task<T>> batch = new ArrayList<>();
  private final List<T> batchNodes = new ArrayList<>();
  private final List<Task<T>> newTasks = new ArrayList<>();
  private final VisitSink.Emitter<T> emitter;
  /** The root for worker 0, with the Phaser's initial party; consumed by the first loop turn. */
  private Task<T> initial;
  private S session;
  private boolean sessionOpen;
  /** Written once by start(), before the thread runs; read by other threads after that. */
  private volatile Thread thread;

  Worker(CrawlEngine<T, S> engine, int index, Task<T> initial, String name) {
    this.engine = engine;
    this.source = engine.settings.source();
    this.index = index;
    this.stack = new WorkStack<>(engine.pending);
    this.initial = initial;
    this.name = name;
    this.emitter = engine.sink.newEmitter(stats);
    this.batchLimit = Math.max(1, source.batchLimit());
    for (int i = 0; i < batchLimit; i++) {
      buffers.add(new ChildBuffer<>());
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

  @Override
  public void run() {
    try {
      openSession();
      loop();
    } catch (InterruptedException e) {
      // Expected when the crawl stops. An interrupt nobody in the engine sent means cancel.
      engine.stop(Outcome.CANCELLED, null);
    } catch (Throwable e) {
      engine.fail(e);
    } finally {
      Thread.interrupted(); // the interrupt has done its job; let the session close cleanly
      closeSession();
      engine.workerExited();
    }
  }

  private void loop() throws Exception {
    Task<T> task = initial;
    initial = null;
    while (engine.isRunning()) {
      if (task == null) {
        task = acquire();
        if (task == null) {
          return;
        }
      }
      long began = engine.time.nanoTime();
      batch.clear();
      batch.add(task);
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
      process(batch);
      feedIdlePeers();
      stats.add(Counter.BUSY_NANOS, engine.time.nanoTime() - began);
      // Holding a party here; given back inside the pop when the stack is empty.
      task = stack.popNewestOrGiveBack();
      if (task != null) {
        stats.add(Counter.LOCAL_DESCENTS, 1);
      }
    }
  }

  /**
   * Waits for work while holding no party: steals if any peer has pending branches, else parks
   * on the handoff. Returns {@code null} when the crawl has stopped.
   */
  private Task<T> acquire() throws InterruptedException {
    while (engine.isRunning()) {
      Task<T> task = engine.stealFor(this);
      if (task != null) {
        stats.add(Counter.STEALS, 1);
        return task;
      }
      engine.idlePeers.incrementAndGet();
      try {
        // Announce, then look again: a peer that pushed after our first look and read idlePeers
        // before our increment has not offered, so its branches must be seen here.
        task = engine.stealFor(this);
        if (task != null) {
          stats.add(Counter.STEALS, 1);
          return task;
        }
        if (!engine.isRunning()) {
          return null;
        }
        // Woken by a transfer (the party comes with the branch) or by the interrupt of a stop.
        task = engine.handoff.take();
        stats.add(Counter.HANDOFFS, 1);
        return task;
      } finally {
        engine.idlePeers.decrementAndGet();
      }
    }
    return null;
  }

  /** Offers the oldest pending branches to parked peers while there are both. */
  private void feedIdlePeers() {
    while (engine.idlePeers.get() > 0) {
      Task<T> task = stack.removeOldestToHandOff();
      if (task == null) {
        return;
      }
      if (!engine.handoff.offer(task)) {
        stack.putBack(task); // the idle peer is not parked yet (or stole meanwhile)
        return;
      }
    }
  }

  /**
   * Visits the branches, lists them (in one call when there are several), commits their children,
   * and only then makes the sub-branches stealable.
   */
  private void process(List<Task<T>> tasks) throws Exception {
    for (Task<T> task : tasks) {
      stats.add(Counter.PROCESSED, 1);
      deliver(new Visit<>(task.node(), Visit.Kind.BRANCH, task.depth(), task.parent()));
    }
    if (tasks.get(0).depth() >= engine.settings.maxDepth()) {
      // Only the root gets here, under maxDepth(0): deeper branches at the limit are never pushed.
      emitter.flush();
      return;
    }
    newTasks.clear();
    if (tasks.size() > 1 && listTogether(tasks)) {
      for (int i = 0; i < tasks.size(); i++) {
        commit(tasks.get(i), buffers.get(i));
      }
    } else if (engine.isRunning()) {
      // One branch, or a batch that failed: each on its own, so an error names its branch.
      for (Task<T> task : tasks) {
        if (list(task)) {
          commit(task, buffers.get(0));
        }
      }
    }
    // Flush before the sub-branches become stealable, so no peer can deliver a child's visit
    // ahead of its parent's visit, still sitting in our batch of visits.
    emitter.flush();
    if (!newTasks.isEmpty()) {
      stack.pushAll(newTasks);
      stats.add(Counter.PUSHED, newTasks.size());
    }
  }

  /** Lists one branch into buffers.get(0), retrying transient failures; reports a failure for good. */
  private boolean list(Task<T> task) throws Exception {
    ChildBuffer<T> out = buffers.get(0);
    return attempt(task, () -> source.list(session, task.node(), out), List.of(out));
  }

  /** Lists several branches in one call; {@code false} (nothing reported) if the batch failed. */
  private boolean listTogether(List<Task<T>> tasks) throws Exception {
    batchNodes.clear();
    for (Task<T> task : tasks) {
      batchNodes.add(task.node());
    }
    List<ChildBuffer<T>> outs = buffers.subList(0, tasks.size());
    return attempt(null, () -> source.listAll(session, batchNodes, outs), outs);
  }

  /** One call of the source: {@code list} or {@code listAll}. */
  private interface Listing {
    void run() throws Exception;
  }

  /**
   * Runs a listing with the crawl's retry policy: deadline, session, rate limit, then the call.
   *
   * @param blame the branch to report a failure for good against; {@code null} for a batch,
   *     whose failure is not reported (its branches are listed again one by one)
   * @return whether the listing succeeded; {@code false} if it failed for good or the crawl stopped
   * @throws Exception if a broken session cannot be replaced: that fails the crawl
   */
  private boolean attempt(Task<T> blame, Listing listing, List<ChildBuffer<T>> outs) throws Exception {
    RetryPolicy retry = engine.settings.retryPolicy();
    for (int attempt = 1; ; attempt++) {
      engine.checkDeadline();
      if (!sessionOpen) {
        openSession();
      }
      // Checked after the source's open() and right before the pacer's wait: see the overview.
      if (!engine.isRunning()) {
        return false;
      }
      if (engine.pacer != null) {
        engine.pacer.acquire();
      }
      stats.add(Counter.LISTINGS, 1);
      for (ChildBuffer<T> out : outs) {
        out.open();
      }
      try {
        listing.run();
        return true;
      } catch (Exception e) {
        if (!engine.isRunning()) {
          return false; // interrupted by a stop: not the branch's fault
        }
        if (isInterruption(e)) {
          engine.stop(Outcome.CANCELLED, null); // an interrupt from outside the engine
          return false;
        }
        if (source.isSessionBroken(e)) {
          closeSession();
        }
        if (attempt < retry.maxAttempts() && source.isTransient(e)) {
          stats.add(Counter.RETRIES, 1);
          log.debug("listing {} failed (attempt {}), retrying", blame == null ? "a batch" : blame.node(), attempt, e);
          if (!backoff(retry, attempt)) {
            return false;
          }
          continue;
        }
        if (blame == null) {
          log.debug("listing a batch failed; listing its branches one by one", e);
          return false;
        }
        stats.add(Counter.ERRORS, 1);
        engine.branchFailed(new BranchError<>(blame.node(), blame.depth(), e, attempt));
        return false;
      } finally {
        for (ChildBuffer<T> out : outs) {
          out.close();
        }
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

  /** Delivers a listed branch's leaves and queues its sub-branches in {@link #newTasks}. */
  private void commit(Task<T> task, ChildBuffer<T> children) throws InterruptedException {
    int depth = task.depth() + 1;
    T parent = task.node();
    for (T leaf : children.leaves) {
      if (engine.firstSighting(leaf)) {
        deliver(new Visit<>(leaf, Visit.Kind.LEAF, depth, parent));
      } else {
        stats.add(Counter.DUPLICATES, 1);
      }
    }
    boolean listable = depth < engine.settings.maxDepth();
    for (T branch : children.branches) {
      if (!engine.firstSighting(branch)) {
        stats.add(Counter.DUPLICATES, 1);
      } else if (listable) {
        newTasks.add(new Task<>(branch, depth, parent));
      } else {
        deliver(new Visit<>(branch, Visit.Kind.BRANCH, depth, parent)); // at max depth: not listed
      }
    }
  }

  private void deliver(Visit<T> visit) throws InterruptedException {
    if (!engine.isRunning()) {
      throw new InterruptedException("crawl stopped");
    }
    emitter.emit(visit);
  }

  /**
   * Waits before the next attempt, unless the crawl has stopped. The check comes right before the
   * wait, after every call of the source: a stop the source hid (by swallowing its interrupt) is
   * seen here, and a later stop interrupts the wait (the overview's rule for waits).
   *
   * @return {@code false} if the crawl has stopped: no wait, no further attempt
   */
  private boolean backoff(RetryPolicy retry, int failedAttempts) throws InterruptedException {
    if (!engine.isRunning()) {
      return false;
    }
    long wait = Math.min(retry.backoffNanos(failedAttempts, engine.jitter()), engine.nanosToDeadline());
    engine.time.sleep(wait);
    return true;
  }

  /** Opens the session, retrying transient failures; a failure for good fails the crawl. */
  private void openSession() throws Exception {
    RetryPolicy retry = engine.settings.retryPolicy();
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
        if (!backoff(retry, attempt)) {
          throw e; // the crawl stopped meanwhile: its outcome is decided, this does not change it
        }
      }
    }
  }

  private void closeSession() {
    if (!sessionOpen) {
      return;
    }
    sessionOpen = false;
    S toClose = session;
    session = null;
    try {
      source.close(toClose);
    } catch (Exception e) {
      log.warn("closing a session failed: {}", e.toString());
      log.debug("closing a session failed", e);
    }
  }
}
