package dev.crawler.core;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One running crawl: builds what its workers coordinate through, starts them, and is the handle the
 * user holds.
 */
final class CrawlEngine<T, S> implements Crawl<T> {
  /*
   * Overview
   * ========
   * W peer workers (Worker), each with a session (through its Lister), a WorkStack of pending
   * branches, and counters. A worker lists its current branch, delivers the leaves, keeps the
   * newest sub-branch in hand as its next branch and pushes the others on its own stack: depth
   * first, with an explicit stack, never Java recursion (invariant 4). With no sub-branch it pops
   * its newest pending one. (Pushing the newest too and popping it back let a spinning peer steal
   * it in between: on a chain, every link crossed cores.) Nobody assigns work: idle workers are fed the oldest pending
   * branches, the biggest subtrees (invariant 5), by a synchronous handoff and by stealing; see
   * WorkExchange. A worker sees the crawl only through its Coordination: the stop, the deadline,
   * the exchange, the party count, the pacer, the distinct-check, the failures and the sink.
   *
   * Measured (crawler-bench/run, 2 cores, src/site/markdown/benchmarks.md): at 1 ms per listing,
   * handoff + stealing keeps 0.99-1.00 of 8 workers and 0.96-0.99 of 64 busy on balanced,
   * heavy-tailed, wide (50,000 children) and chain trees; the Go-style push-only port gets
   * 0.74-0.83 on the wide and heavy-tailed trees, and a pool with a shared queue 0.94-1.00. With
   * no latency the engine costs 22-23 ns per node at 2 workers on those trees and 70 on the chain
   * (ScenarioTable, 2026-12-04). Stealing
   * alone would also feed idle workers, but they would have to poll; the handoff lets them park
   * and still be woken the moment there is work. After a fast branch, one worker per spare core
   * spins on stealing for a few microseconds before it parks (WorkExchange.spinForWork): on a deep
   * chain with no latency, where two workers swap roles at every side branch, that took the cost
   * from 860-1,390 to 255-400 ns per node at 2 workers, and from 700 to 270-360 at 8 (the link kept
   * in hand took it on to 70); at 1 ms per listing nobody spins.
   *
   * Batches. A source whose one request can answer for several branches (BranchSource.batchLimit
   * above 1: an LDAP query with an OR of managers) is given up to that many branches per call. An
   * idle worker steals or is handed up to that many at once, under one party (WorkExchange), and a
   * worker about to list tops its batch up with its own newest pending branches. It holds its
   * party while it processes, so taking from its own stack needs no new party. A batch that fails
   * for good is listed again branch by branch, so every BranchError names the branch that caused it.
   *
   * Several roots, and who starts. The roots wait in Roots with the Phaser's initial party until
   * the first worker whose session is open claims them: the first root is its first branch, the
   * others go on its stack, covered by that party, and peers steal them like any pending branch.
   * Listing roles (Crawler.startWorkers) go the same way, to the first workers with a session. So
   * an open() that blocks on one worker holds up nobody else (it did: with worker 0 holding the
   * root, a hung connection left the crawl with 0 visits and 7 idle workers).
   *
   * Completion (invariants 1, 2, 3): PendingWork counts holders of work in a Phaser, see there.
   * When the last party leaves, the crawl stops as COMPLETE. Every stop (complete, cancel,
   * deadline, failure) goes through CrawlStop.stop(): the first one wins, sets the outcome, then
   * runs onStopped(), which releases the visit sink and interrupts every worker. Workers check
   * isRunning() before each listing and each delivery, so none outlives its current listing.
   * Each worker closes its session in a finally block and counts down `exited`; await() waits for
   * that and joins the threads, so a returned report means no worker thread is left. The report
   * is built once, by Tally, from the joined workers' counters.
   *
   * Time. Everything reads the injected TimeSource: the deadline checked before each listing, the
   * backoff, the pacer, and the backstop timer that stops the crawl when the deadline passes
   * during a listing (which the check before the next listing would see too late).
   *
   * Waits, and why none can hang (invariant 2). stop() sets the outcome BEFORE it does anything
   * else, then tells the visit sink, then interrupts every worker. A source may consume that
   * interrupt (an InterruptedException thrown out of list(), or swallowed), so no wait may rely
   * on the interrupt alone. The rule: a worker enters a wait only right after an isRunning()
   * check with no call of foreign code (source, consumer, listener) in between; a stop before the
   * check is seen by it, and a stop after it interrupts the wait. Wait by wait:
   *
   *  - The handoff's take(), in WorkExchange.acquire(): checked just before; a stop interrupts it.
   *    Only a peer's offer or that interrupt releases it, and the interrupt is sent after the
   *    outcome is set.
   *  - A worker held in reserve (ReserveWorkers.awaitRelease, Crawler.startWorkers): checked just
   *    before, after the source's open(); released by a slow listing or by the stop's interrupt.
   *    It holds no party, so it never keeps a crawl from completing.
   *  - Buffer space in StreamSink (the stream's back-pressure): released by the reader, and also
   *    by stopAccepting(), which a stop runs before the interrupts, and by the reader closing the
   *    stream. Neither depends on the worker's interrupt status, so a worker whose interrupt a
   *    source consumed does not wait on a buffer nobody reads. (It did: issue 10.)
   *  - The pacer's slot and the retry backoff (TimeSource.sleep, in Lister): checked just before,
   *    after the source's open(), close() and isTransient() have run; a stop interrupts the
   *    sleep. Each is bounded anyway, by workers / rate and by the retry policy's longest backoff.
   *  - WorkStack's monitor: held for a few field updates, never across a wait or foreign code.
   *  - The push consumer, the error listener and the source's own methods are foreign: they run
   *    as long as they run. A listing that ignores interrupts keeps its worker until it returns,
   *    and a close() that never returns keeps await() waiting (await(Duration) still returns);
   *    BranchSource's contract says so.
   *  - The caller of await() waits on `exited`, which every worker counts down in a finally block
   *    after closing its session, whatever close() threw (an Error there once skipped the count
   *    and hung every waiter); the deadline timer is cancelled by the last worker to exit. A
   *    worker cannot wait for its own exit: await() refuses to run on a worker thread, and close()
   *    there only cancels. start() is all or nothing: a worker that cannot be started counts as
   *    exited, and the ones started are stopped and joined before start() throws.
   */

  private static final AtomicInteger CRAWL_IDS = new AtomicInteger();

  private final CrawlSettings<T, S> settings;
  private final TimeSource time;
  private final CrawlStop stop;
  private final StreamSink<T> streamSink;
  private final VisitSink<T> sink;
  private final PendingWork pending;
  private final WorkExchange<T> exchange;
  private final BranchFailures<T> failures;
  private final List<Worker<T, S>> workers;
  private final Tally tally;
  private final int id;

  /** Counted down by each worker after it closed its session. */
  private final CountDownLatch exited;

  private final AtomicInteger live;
  private final long startNanos;
  private final Deadline deadline;

  /** Stops the crawl when the deadline passes; set by start(), {@code null} without a deadline. */
  private volatile TimeSource.Timer deadlineTimer;

  private volatile long endNanos;
  private volatile CrawlReport<T> report;

  private CrawlEngine(
      CrawlSettings<T, S> settings, List<T> roots, Consumer<? super Visit<T>> consumer) {
    this.settings = settings;
    this.time = settings.time();
    this.id = CRAWL_IDS.incrementAndGet();
    this.stop = new CrawlStop(this::onStopped);
    this.pending = new PendingWork(() -> stop.stop(Outcome.COMPLETE, null));
    if (consumer == null) {
      this.streamSink = new StreamSink<>(settings.bufferSize(), this::cancel);
      this.sink = streamSink;
    } else {
      this.streamSink = null;
      this.sink = new PushSink<>(consumer);
    }
    int n = settings.workers();
    List<WorkStack<T>> stacks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      stacks.add(new WorkStack<>(pending));
    }
    this.exchange = new WorkExchange<>(stacks, stop, Math.max(1, settings.source().batchLimit()));
    this.failures = new BranchFailures<>(settings.errorListener(), settings.errorPolicy(), stop);
    this.startNanos = time.nanoTime();
    this.deadline = Deadline.of(time, startNanos, settings.deadline());
    Pacer pacer = settings.rateLimit() > 0 ? new Pacer(settings.rateLimit(), time) : null;
    SeenNodes<T> seen = new SeenNodes<>(settings.distinctKey());
    List<Task<T>> rootTasks = new ArrayList<>();
    for (T root : roots) {
      if (seen.firstSighting(root)) {
        rootTasks.add(new Task<>(root, 0, null));
      }
    }
    // The roots and the Phaser's initial party go to the first worker whose session opens.
    Roots<T> unclaimed = new Roots<>(rootTasks);
    Coordination<T, S> coordination =
        new Coordination<>(
            settings,
            stop,
            deadline,
            exchange,
            pending,
            pacer,
            seen,
            failures,
            sink,
            new ReserveWorkers(settings.startWorkers(), n),
            unclaimed,
            this::workerExited);
    SplittableRandom jitter = new SplittableRandom(settings.seed());
    List<Worker<T, S>> list = new ArrayList<>(n);
    List<WorkerStats> stats = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Worker<T, S> worker =
          new Worker<>(
              coordination, i, stacks.get(i), "crawler-worker-" + id + "-" + i, jitter.split());
      list.add(worker);
      stats.add(worker.stats);
    }
    this.workers = List.copyOf(list);
    this.tally = new Tally(stats, rootTasks.size());
    this.exited = new CountDownLatch(n);
    this.live = new AtomicInteger(n);
  }

  static <T, S> CrawlEngine<T, S> start(
      CrawlSettings<T, S> settings, List<T> roots, Consumer<? super Visit<T>> consumer) {
    CrawlEngine<T, S> engine = new CrawlEngine<>(settings, roots, consumer);
    if (engine.deadline.isSet()) {
      engine.deadlineTimer =
          engine.time.schedule(
              Deadline.cappedNanos(settings.deadline()),
              () -> engine.stop.stop(Outcome.TIMED_OUT, null),
              "crawler-deadline-" + engine.id);
    }
    int started = 0;
    try {
      for (Worker<T, S> worker : engine.workers) {
        worker.start(settings.threadFactory());
        started++;
      }
    } catch (RuntimeException | Error e) {
      engine.abandonStart(started, e);
      throw e;
    }
    return engine;
  }

  /**
   * All or nothing: when a worker cannot be started (the thread factory threw or returned null),
   * the crawl fails, the workers not started count as exited, and the ones started are stopped and
   * joined before the caller sees the exception, since it gets no handle to close them with.
   */
  private void abandonStart(int started, Throwable cause) {
    stop.stop(Outcome.FAILED, cause);
    for (int i = started; i < workers.size(); i++) {
      workerExited();
    }
    close();
  }

  /** Run once by the winning stop, after the outcome is set: see the overview's rule for waits. */
  private void onStopped() {
    // Before the interrupts: a worker waiting for buffer space must return whether or not an
    // interrupt still reaches it (a source may have consumed it).
    sink.stopAccepting();
    // A worker not yet started misses this interrupt, but checks isRunning() before it waits.
    for (Worker<T, S> worker : workers) {
      worker.interrupt();
    }
  }

  /** The worker's last act, after its session is closed. */
  private void workerExited() {
    if (live.decrementAndGet() == 0) {
      endNanos = time.nanoTime();
      if (stop.isRunning()) { // cannot happen: every exit path stops the crawl first
        stop.stop(Outcome.FAILED, new IllegalStateException("all workers exited without a stop"));
      }
      TimeSource.Timer timer = deadlineTimer;
      if (timer != null) {
        timer.cancel();
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
    int busy = Math.max(0, live.get() - exchange.idlePeers());
    long elapsed = (isDone() ? endNanos : time.nanoTime()) - startNanos;
    return tally.progress(exchange.pendingBranches(), busy, elapsed);
  }

  @Override
  public void cancel() {
    stop.stop(Outcome.CANCELLED, null);
  }

  @Override
  public boolean isDone() {
    return exited.getCount() == 0;
  }

  @Override
  public CrawlReport<T> await() throws InterruptedException {
    checkNotOnOwnThread("await()");
    exited.await();
    return finalReport();
  }

  @Override
  public CrawlReport<T> await(Duration timeout) throws InterruptedException, TimeoutException {
    requireNonNull(timeout, "timeout");
    checkNotOnOwnThread("await(Duration)");
    if (!exited.await(Deadline.cappedNanos(timeout), TimeUnit.NANOSECONDS)) {
      throw new TimeoutException("the crawl is still running after " + timeout);
    }
    return finalReport();
  }

  @Override
  public void close() {
    cancel();
    if (onOwnThread()) {
      return; // a worker cannot wait for its own exit: it exits once the callback returns
    }
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

  /**
   * Whether the caller is one of this crawl's workers: inside the push consumer, the error listener
   * or the source, whose calls all run on worker threads.
   */
  private boolean onOwnThread() {
    Thread current = Thread.currentThread();
    for (Worker<T, S> worker : workers) {
      if (worker.runsOn(current)) {
        return true;
      }
    }
    return false;
  }

  private void checkNotOnOwnThread(String method) {
    checkState(
        !onOwnThread(),
        "%s was called on one of the crawl's own threads (from a consumer, a listener or the "
            + "source): it would wait for itself; call cancel() or close() there instead",
        method);
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
    TimeSource.Timer timer = deadlineTimer;
    if (timer != null) {
      timer.join();
    }
    synchronized (this) {
      if (report == null) {
        report = tally.report(stop.decision(), failures.all(), endNanos - startNanos);
      }
      return report;
    }
  }

  /** For tests: the most Phaser parties registered at once (invariant 3). */
  int peakParties() {
    return pending.peakParties();
  }
}
