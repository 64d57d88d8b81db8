package dev.crawler.core;

import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Spliterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A bounded buffer between the workers and one reader, exposed as a single-use {@link Stream}.
 * Thread-safe.
 *
 * <p>Workers hand over visits in batches (one listing's worth, at most {@code batchSize}) to
 * amortize the lock. At most {@code capacity} visits wait in the buffer: a worker whose batch does
 * not fit waits (back-pressure) until the reader takes some.
 */
final class StreamSink<T> implements VisitSink<T> {
  /*
   * Why no wait here can hang (ARCHITECTURE.md, invariant 2)
   * ========================================================
   * Every wait is on `lock`'s conditions, and each has a release that needs no particular thread:
   *
   *  - A worker waits in flush() for space. The reader frees space as it reads; when the reader is
   *    gone (closeByReader) or the crawl stops (stopAccepting, run by CrawlEngine.stop before it
   *    interrupts anyone), `accepting` turns false and every waiter is signalled and returns at
   *    once, dropping its batch. This does not depend on the worker's interrupt status: a source
   *    may have consumed the interrupt of the stop (an InterruptedException thrown out of list(),
   *    or swallowed), and the buffer would then never drain. That was a hang (issue 10).
   *  - The reader waits for a batch. finish() is called by the last worker to exit, whatever the
   *    outcome, and adds the end; an interrupt of the reader ends its wait too (and cancels).
   *
   * A batch is added only while `accepting`, checked under the lock, so nothing enters the buffer
   * after a stop, and the reader hands out nothing after it closed the stream.
   */

  private final int batchSize;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when the reader frees space, and when the buffer stops accepting. */
  private final Condition spaceFreed = lock.newCondition();

  /** Signalled when a batch or the end is added, and when the reader closes. */
  private final Condition batchAdded = lock.newCondition();

  /** Batches of visits, oldest first. Guarded by {@link #lock}. */
  private final ArrayDeque<List<Visit<T>>> batches = new ArrayDeque<>();

  /** Visits in {@link #batches}. Guarded by {@link #lock}. */
  private int buffered;

  /**
   * False once the crawl stopped or the reader closed: batches are dropped. Guarded by {@link
   * #lock}.
   */
  private boolean accepting = true;

  /** Set by {@link #finish()}: no batch follows. Guarded by {@link #lock}. */
  private boolean finished;

  /**
   * Set when the stream is closed: the reader takes nothing more. Written under {@link #lock};
   * volatile so the reader can check it for every visit without the lock.
   */
  private volatile boolean readerClosed;

  private final AtomicBoolean opened = new AtomicBoolean();

  /** Cancels the crawl; run when the stream is closed or its reader interrupted. */
  private final Runnable cancel;

  StreamSink(int capacity, Runnable cancel) {
    this.capacity = capacity;
    this.batchSize = Math.min(64, capacity);
    this.cancel = cancel;
  }

  Stream<Visit<T>> stream() {
    checkState(opened.compareAndSet(false, true), "visits() can be called only once per crawl");
    return StreamSupport.stream(new Reader(), false).onClose(this::closeByReader);
  }

  @Override
  public Emitter<T> newEmitter(WorkerStats stats) {
    return new Emitter<>() {
      private List<Visit<T>> batch = new ArrayList<>(batchSize);

      @Override
      public void emit(Visit<T> visit) throws InterruptedException {
        batch.add(visit);
        if (batch.size() >= batchSize) {
          flush();
        }
      }

      @Override
      public void flush() throws InterruptedException {
        if (!batch.isEmpty()) {
          if (offer(batch)) {
            for (Visit<T> visit : batch) {
              stats.countDelivered(visit);
            }
          }
          batch = new ArrayList<>(batchSize);
        }
      }
    };
  }

  /**
   * Adds a batch when it fits, waiting for space while the buffer accepts visits.
   *
   * @return whether the batch was added; {@code false} if the crawl stopped or the reader left
   * @throws InterruptedException if the worker is interrupted while waiting: a stop from outside
   */
  private boolean offer(List<Visit<T>> batch) throws InterruptedException {
    lock.lock();
    try {
      // A batch is at most batchSize <= capacity visits, so it fits in an empty buffer.
      while (accepting && buffered + batch.size() > capacity) {
        spaceFreed.await();
      }
      if (!accepting) {
        return false;
      }
      batches.add(batch);
      buffered += batch.size();
      batchAdded.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The crawl has stopped: no more visits; every worker waiting for space returns at once. */
  @Override
  public void stopAccepting() {
    lock.lock();
    try {
      accepting = false;
      spaceFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void finish() {
    lock.lock();
    try {
      finished = true;
      batchAdded.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The stream was closed: cancel the crawl, then drop what is buffered and release every worker.
   * In that order: the cancel sets the outcome first (CrawlEngine.stop), so a crawl whose visits
   * were dropped can never end COMPLETE. Dropping first let the released workers race through the
   * rest of the tree while this thread had not yet cancelled, and a crawl the reader had left after
   * 100 of 37,449 visits ended COMPLETE (CrawlStopTest, under a loaded machine).
   */
  private void closeByReader() {
    cancel.run();
    lock.lock();
    try {
      readerClosed = true;
      accepting = false;
      batches.clear();
      buffered = 0;
      spaceFreed.signalAll();
      batchAdded.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The reader's next batch, waiting for one.
   *
   * @return the batch, or {@code null} at the end of the crawl or once the stream is closed
   */
  private List<Visit<T>> take() throws InterruptedException {
    lock.lock();
    try {
      while (batches.isEmpty() && !finished && !readerClosed) {
        batchAdded.await();
      }
      if (readerClosed || batches.isEmpty()) {
        return null;
      }
      List<Visit<T>> batch = batches.poll();
      buffered -= batch.size();
      spaceFreed.signalAll(); // waiting batches may have different sizes: let each one look
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /** The reader's side; used by the one thread that consumes the stream. */
  private final class Reader implements Spliterator<Visit<T>> {
    private List<Visit<T>> current = List.of();
    private int next;
    private boolean ended;

    @Override
    public boolean tryAdvance(Consumer<? super Visit<T>> action) {
      while (next == current.size()) {
        if (ended || !refill()) {
          return false;
        }
      }
      // The rest of a batch taken before the close is not handed out after it.
      if (readerClosed) {
        ended = true;
        return false;
      }
      action.accept(current.get(next++));
      return true;
    }

    private boolean refill() {
      List<Visit<T>> batch;
      try {
        batch = take();
      } catch (InterruptedException e) {
        // An interrupted reader stops reading: that cancels the crawl, as closing would.
        Thread.currentThread().interrupt();
        ended = true;
        cancel.run();
        return false;
      }
      if (batch == null) {
        ended = true;
        return false;
      }
      current = batch;
      next = 0;
      return true;
    }

    @Override
    public Spliterator<Visit<T>> trySplit() {
      return null;
    }

    @Override
    public long estimateSize() {
      return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
      return NONNULL;
    }
  }
}
