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
  private final ChildBuffer<T> children = new ChildBuffer<>();
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
      process(task);
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

  /** Visits the branch, lists it, and commits its children. */
  private void process(Task<T> task) throws Exception {
    stats.add(Counter.PROCESSED, 1);
    deliver(new Visit<>(task.node(), Visit.Kind.BRANCH, task.depth(), task.parent()));
    if (list(task)) {
      commit(task);
    } else {
      emitter.flush();
    }
  }

  /**
   * Lists the branch into {@link #children}, retrying transient failures.
   *
   * @return whether the listing succeeded; {@code false} if it failed for good (reported) or the
   *     crawl stopped
   * @throws Exception if a broken session cannot be replaced: that fails the crawl
   */
  private boolean list(Task<T> task) throws Exception {
    RetryPolicy retry = engine.settings.retryPolicy();
    for (int attempt = 1; ; attempt++) {
      engine.checkDeadline();
      if (!engine.isRunning()) {
        return false;
      }
      if (!sessionOpen) {
        openSession();
      }
      if (engine.pacer != null) {
        engine.pacer.acquire();
      }
      stats.add(Counter.LISTINGS, 1);
      children.open();
      try {
        source.list(session, task.node(), children);
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
          log.debug("listing {} failed (attempt {}), retrying", task.node(), attempt, e);
          backoff(retry, attempt);
          continue;
        }
        stats.add(Counter.ERRORS, 1);
        engine.branchFailed(new BranchError<>(task.node(), task.depth(), e, attempt));
        return false;
      } finally {
        children.close();
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

  private void commit(Task<T> task) throws InterruptedException {
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
    newTasks.clear();
    for (T branch : children.branches) {
      if (!engine.firstSighting(branch)) {
        stats.add(Counter.DUPLICATES, 1);
      } else if (listable) {
        newTasks.add(new Task<>(branch, depth, parent));
      } else {
        deliver(new Visit<>(branch, Visit.Kind.BRANCH, depth, parent)); // at max depth: not listed
      }
    }
    // Flush before the sub-branches become stealable, so no peer can deliver a child's visit
    // ahead of this branch's visit, still sitting in our batch.
    emitter.flush();
    if (!newTasks.isEmpty()) {
      stack.pushAll(newTasks);
      stats.add(Counter.PUSHED, newTasks.size());
    }
  }

  private void deliver(Visit<T> visit) throws InterruptedException {
    if (!engine.isRunning()) {
      throw new InterruptedException("crawl stopped");
    }
    emitter.emit(visit);
  }

  private void backoff(RetryPolicy retry, int failedAttempts) throws InterruptedException {
    long wait = Math.min(retry.backoffNanos(failedAttempts, engine.jitter()), engine.nanosToDeadline());
    engine.time.sleep(wait);
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
        if (!engine.isRunning() || attempt >= retry.maxAttempts() || !source.isTransient(e)) {
          throw e;
        }
        log.debug("opening a session failed (attempt {}), retrying", attempt, e);
        backoff(retry, attempt);
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
