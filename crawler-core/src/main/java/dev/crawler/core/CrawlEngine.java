package dev.crawler.core;

import static com.google.common.base.Preconditions.checkState;

import dev.crawler.core.WorkerStats.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running crawl: the shared state its workers coordinate through, and the handle the user
 * holds.
 */
final class CrawlEngine<T, S> implements Crawl<T> {
  /*
   * Overview
   * ========
   * W peer workers (Worker), each with a session, a WorkStack of pending branches, and counters.
   * A worker lists its current branch, delivers the leaves, pushes the sub-branches on its own
   * stack and pops the newest: depth first, with an explicit stack, never Java recursion
   * (invariant 4). Nobody assigns work; idle workers are fed in two ways:
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
   * The oldest pending branch is the shallowest, so idle workers get the biggest pieces
   * (invariant 5). The handoff alone (a push-only scheme) leaves a worker that goes idle just
   * after a failed offer waiting until a busy peer finishes its next listing; on a wide fan-out
   * that kept only 61-75% of 8 workers busy. Stealing closes that gap; the handoff remains how a
   * parked worker is woken with work, with no polling.
   *
   * A rare window remains: a peer that announced itself idle but has not yet reached take() makes
   * an offer fail; it then parks until some worker next finishes a listing with spare branches.
   * This costs efficiency (measured in crawler-bench), never correctness.
   *
   * Measured (crawler-bench/run, 2 cores, src/site/markdown/benchmarks.md): at 1 ms per listing,
   * handoff + stealing keeps 0.99-1.00 of 8 workers and 0.96-0.99 of 64 busy on balanced,
   * heavy-tailed, wide (50,000 children) and chain trees; the Go-style push-only port gets
   * 0.74-0.83 on the wide and heavy-tailed trees, and a pool with a shared queue 0.94-1.00. With
   * no latency the engine costs about 45 ns per node at 2 workers (JMH, push consumer). Stealing
   * alone would also feed idle workers, but they would have to poll; the handoff lets them park
   * and still be woken the moment there is work. Not tried yet: stealing half a stack at once, and
   * spinning briefly before parking, which would cut the wake-up cost that dominates a deep chain
   * with no latency (about 650 ns per node there, against 130-250 for a pool with a queue).
   *
   * Batches. A source whose one request can answer for several branches (BranchSource.batchLimit
   * above 1: an LDAP query with an OR of managers) is given up to that many branches per call: the
   * worker adds its own newest pending branches to the one it took. It holds its party while it
   * processes, so taking from its own stack needs no new party. A batch that fails for good is
   * listed again branch by branch, so every BranchError names the branch that caused it.
   *
   * Completion (invariant 1, 2, 3): PendingWork counts holders of work in a Phaser, see there.
   * When the last party leaves, onAllWorkDone() stops the crawl as COMPLETE and interrupts the
   * workers parked in take(). Every stop (complete, cancel, deadline, failure) goes through
   * stop(): the first one wins, sets the outcome, and interrupts every worker; workers check
   * isRunning() before each listing and each delivery, so none outlives its current listing.
   * Each worker closes its session in a finally block and counts down `exited`; await() waits for
   * that and joins the threads, so a returned report means no worker thread is left.
   *
   * Waits, and why none can hang (invariant 2). stop() sets the outcome BEFORE it does anything
   * else, then tells the visit sink, then interrupts every worker. A source may consume that
   * interrupt (an InterruptedException thrown out of list(), or swallowed), so no wait may rely
   * on the interrupt alone. The rule: a worker enters a wait only right after an isRunning()
   * check with no call of foreign code (source, consumer, listener) in between; a stop before the
   * check is seen by it, and a stop after it interrupts the wait. Wait by wait:
   *
   *  - handoff.take(), in acquire(): checked just before; a stop interrupts it. Only a peer's
   *    offer or that interrupt releases it, and the interrupt is sent after the outcome is set.
   *  - Buffer space in StreamSink (the stream's back-pressure): released by the reader, and also
   *    by stopAccepting(), which stop() calls before the interrupts, and by the reader closing
   *    the stream. Neither depends on the worker's interrupt status, so a worker whose interrupt
   *    a source consumed does not wait on a buffer nobody reads. (It did: issue 10.)
   *  - The pacer's slot and the retry backoff (TimeSource.sleep): checked just before, after the
   *    source's open(), close() and isTransient() have run; a stop interrupts the sleep. Each is
   *    bounded anyway, by workers / rate and by the retry policy's longest backoff.
   *  - WorkStack's monitor: held for a few field updates, never across a wait or foreign code.
   *  - The push consumer, the error listener and the source's own methods are foreign: they run
   *    as long as they run. A listing that ignores interrupts keeps its worker until it returns,
   *    and a close() that never returns keeps await() waiting (await(Duration) still returns);
   *    BranchSource's contract says so.
   *  - The deadline timer waits on `exited` with a timeout; the caller of await() waits on
   *    `exited`, which every worker counts down in a finally block after closing its session.
   */

  private static final Logger log = LoggerFactory.getLogger(CrawlEngine.class);
  private static final AtomicInteger CRAWL_IDS = new AtomicInteger();

  /** How a crawl was stopped. The first stop wins. */
  private record Stop(Outcome outcome, Throwable cause) {}

  final CrawlSettings<T, S> settings;
  final TimeSource time;
  /** Direct transfer of a branch (with its party) from a busy worker to a parked one. */
  final SynchronousQueue<Task<T>> handoff = new SynchronousQueue<>();
  /** Workers that found every stack empty and are parked, or about to park, on the handoff. */
  final AtomicInteger idlePeers = new AtomicInteger();
  final PendingWork pending;
  final Pacer pacer;
  private final Set<Object> seenKeys;
  final VisitSink<T> sink;
  private final StreamSink<T> streamSink;
  final List<Worker<T, S>> workers;
  private final ConcurrentLinkedQueue<BranchError<T>> errors = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Stop> stop = new AtomicReference<>();
  /** Counted down by each worker after it closed its session; the last one also finishes. */
  private final CountDownLatch exited;
  private final AtomicInteger live;
  private final long startNanos;
  /** {@code startNanos + deadline}; meaningful only when a deadline is set. */
  private final long deadlineNanos;
  private final Thread deadlineTimer;
  private volatile long endNanos;
  private volatile CrawlReport<T> report;

  private CrawlEngine(CrawlSettings<T, S> settings, T root, Consumer<? super Visit<T>> consumer) {
    this.settings = settings;
    this.time = settings.time();
    this.pending = new PendingWork(this::onAllWorkDone);
    this.pacer = settings.rateLimit() > 0 ? new Pacer(settings.rateLimit(), time) : null;
    this.seenKeys = settings.distinctKey() == null ? null : ConcurrentHashMap.newKeySet();
    if (consumer == null) {
      this.streamSink = new StreamSink<>(settings.bufferSize(), this::cancel);
      this.sink = streamSink;
    } else {
      this.streamSink = null;
      this.sink = new PushSink<>(consumer);
    }
    int id = CRAWL_IDS.incrementAndGet();
    this.exited = new CountDownLatch(settings.workers());
    this.live = new AtomicInteger(settings.workers());
    List<Worker<T, S>> list = new ArrayList<>(settings.workers());
    for (int i = 0; i < settings.workers(); i++) {
      // Worker 0 holds the root and the Phaser's initial party.
      Task<T> initial = i == 0 ? new Task<>(root, 0, null) : null;
      list.add(new Worker<>(this, i, initial, threadName(id, i)));
    }
    this.workers = List.copyOf(list);
    if (seenKeys != null) {
      seenKeys.add(settings.distinctKey().apply(root));
    }
    this.startNanos = time.nanoTime();
    if (settings.deadline() != null) {
      this.deadlineNanos = startNanos + settings.deadline().toNanos();
      this.deadlineTimer = new Thread(this::enforceDeadline, "crawler-deadline-" + id);
      this.deadlineTimer.setDaemon(true);
    } else {
      this.deadlineNanos = 0;
      this.deadlineTimer = null;
    }
  }

  static <T, S> CrawlEngine<T, S> start(CrawlSettings<T, S> settings, T root, Consumer<? super Visit<T>> consumer) {
    CrawlEngine<T, S> engine = new CrawlEngine<>(settings, root, consumer);
    for (Worker<T, S> worker : engine.workers) {
      worker.start(settings.threadFactory());
    }
    if (engine.deadlineTimer != null) {
      engine.deadlineTimer.start();
    }
    return engine;
  }

  private String threadName(int crawlId, int worker) {
    return "crawler-worker-" + crawlId + "-" + worker;
  }

  // ---- Coordination, called by workers ----------------------------------------------------

  boolean isRunning() {
    return stop.get() == null;
  }

  /**
   * Stops the crawl with {@code outcome} unless it already stopped; interrupts every worker.
   *
   * @return whether this call decided the outcome
   */
  boolean stop(Outcome outcome, Throwable cause) {
    if (!stop.compareAndSet(null, new Stop(outcome, cause))) {
      return false;
    }
    if (outcome != Outcome.COMPLETE) {
      log.debug("crawl stopping: {}", outcome, cause);
    }
    // Before the interrupts: a worker waiting for buffer space must return whether or not an
    // interrupt still reaches it (a source may have consumed it).
    sink.stopAccepting();
    // A worker not yet started misses this interrupt, but checks isRunning() before it waits.
    for (Worker<T, S> worker : workers) {
      worker.interrupt();
    }
    return true;
  }

  void fail(Throwable cause) {
    stop(Outcome.FAILED, cause);
  }

  /** Run by PendingWork when the last party leaves: no branch is pending anywhere. */
  private void onAllWorkDone() {
    stop(Outcome.COMPLETE, null);
  }

  /** Stops the crawl as TIMED_OUT if its deadline has passed, by the injected clock. */
  void checkDeadline() {
    if (deadlineTimer != null && time.nanoTime() - deadlineNanos >= 0) {
      stop(Outcome.TIMED_OUT, null);
    }
  }

  /** Nanoseconds left before the deadline, or {@code Long.MAX_VALUE} without one. */
  long nanosToDeadline() {
    return deadlineTimer == null ? Long.MAX_VALUE : Math.max(0, deadlineNanos - time.nanoTime());
  }

  /** The real-time backstop for listings that hang: waits out the deadline unless all exit. */
  private void enforceDeadline() {
    try {
      if (!exited.await(settings.deadline().toNanos(), TimeUnit.NANOSECONDS)) {
        stop(Outcome.TIMED_OUT, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Idle worker {@code thief}: the oldest pending branch of the first peer that has one, scanning
   * from the thief's right-hand neighbour so thieves spread over victims. The party comes with it.
   */
  Task<T> stealFor(Worker<T, S> thief) {
    int n = workers.size();
    for (int k = 1; k < n; k++) {
      Worker<T, S> victim = workers.get((thief.index + k) % n);
      if (victim.stack.size() > 0) { // racy pre-check: skip the monitor of empty stacks
        Task<T> task = victim.stack.stealOldest();
        if (task != null) {
          return task;
        }
      }
    }
    return null;
  }

  /** Whether {@code node} is new; always true without {@code distinctBy}. */
  boolean firstSighting(T node) {
    return seenKeys == null || seenKeys.add(settings.distinctKey().apply(node));
  }

  double jitter() {
    return ThreadLocalRandom.current().nextDouble();
  }

  /** A branch failed for good: record it, tell the listener, and apply the error policy. */
  void branchFailed(BranchError<T> error) {
    errors.add(error);
    log.debug("branch failed: {}", error.describe(), error.cause());
    settings.errorListener().accept(error);
    if (settings.errorPolicy() == ErrorPolicy.FAIL_FAST) {
      stop(Outcome.FAILED, error.cause());
    }
  }

  /** The worker's last act, after its session is closed. */
  void workerExited() {
    if (live.decrementAndGet() == 0) {
      endNanos = time.nanoTime();
      if (stop.get() == null) { // cannot happen: every exit path stops the crawl first
        stop(Outcome.FAILED, new IllegalStateException("all workers exited without a stop"));
      }
      sink.finish();
    }
    exited.countDown();
  }

  // ---- The user's handle -------------------------------------------------------------------

  @Override
  public Stream<Visit<T>> visits() {
    checkState(streamSink != null, "this crawl was started with a consumer: it has no stream");
    return streamSink.stream();
  }

  @Override
  public CrawlProgress progress() {
    long pendingBranches = 0;
    for (Worker<T, S> worker : workers) {
      pendingBranches += worker.stack.size();
    }
    int busy = Math.max(0, live.get() - idlePeers.get());
    long elapsed = (isDone() ? endNanos : time.nanoTime()) - startNanos;
    return new CrawlProgress(
        sum(Counter.BRANCHES) + sum(Counter.LEAVES),
        sum(Counter.BRANCHES),
        sum(Counter.LEAVES),
        sum(Counter.LISTINGS),
        sum(Counter.ERRORS),
        pendingBranches,
        busy,
        Duration.ofNanos(elapsed));
  }

  @Override
  public void cancel() {
    stop(Outcome.CANCELLED, null);
  }

  @Override
  public boolean isDone() {
    return exited.getCount() == 0;
  }

  @Override
  public CrawlReport<T> await() throws InterruptedException {
    exited.await();
    return finalReport();
  }

  @Override
  public CrawlReport<T> await(Duration timeout) throws InterruptedException, TimeoutException {
    if (!exited.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new TimeoutException("the crawl is still running after " + timeout);
    }
    return finalReport();
  }

  @Override
  public void close() {
    cancel();
    boolean interrupted = false;
    while (true) {
      try {
        await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Joins every thread (they are past their last action) and builds the report once. */
  private CrawlReport<T> finalReport() throws InterruptedException {
    CrawlReport<T> result = report;
    if (result != null) {
      return result;
    }
    for (Worker<T, S> worker : workers) {
      worker.join();
    }
    if (deadlineTimer != null) {
      deadlineTimer.join();
    }
    synchronized (this) {
      if (report == null) {
        report = buildReport();
      }
      return report;
    }
  }

  private CrawlReport<T> buildReport() {
    Stop how = stop.get();
    Outcome outcome = how.outcome();
    if (outcome == Outcome.COMPLETE && !errors.isEmpty()) {
      outcome = Outcome.PARTIAL;
    }
    List<Duration> busy = new ArrayList<>(workers.size());
    for (Worker<T, S> worker : workers) {
      busy.add(Duration.ofNanos(worker.stats.get(Counter.BUSY_NANOS)));
    }
    long branches = sum(Counter.BRANCHES);
    long pushed = sum(Counter.PUSHED) + 1; // + the root
    long processed = sum(Counter.PROCESSED);
    long maxDepth = 0;
    for (Worker<T, S> worker : workers) {
      maxDepth = Math.max(maxDepth, worker.stats.get(Counter.MAX_DEPTH));
    }
    return new CrawlReport<>(
        outcome,
        outcome == Outcome.FAILED ? how.cause() : null,
        branches + sum(Counter.LEAVES),
        branches,
        sum(Counter.LEAVES),
        sum(Counter.LISTINGS),
        sum(Counter.RETRIES),
        List.copyOf(errors),
        sum(Counter.DUPLICATES),
        sum(Counter.HANDOFFS),
        sum(Counter.STEALS),
        sum(Counter.LOCAL_DESCENTS),
        Math.max(0, pushed - processed),
        (int) maxDepth,
        busy,
        Duration.ofNanos(endNanos - startNanos));
  }

  private long sum(Counter counter) {
    long total = 0;
    for (Worker<T, S> worker : workers) {
      total += worker.stats.get(counter);
    }
    return total;
  }

  /** For tests: the most Phaser parties registered at once (invariant 3). */
  int peakParties() {
    return pending.peakParties();
  }
}
