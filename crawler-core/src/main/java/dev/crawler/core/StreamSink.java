package dev.crawler.core;

import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import java.util.Spliterator;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A bounded buffer between the workers and one reader, exposed as a single-use {@link Stream}.
 * Thread-safe.
 *
 * <p>Workers hand over visits in batches (one listing's worth, at most {@code batchSize}) to
 * amortize the queue's cost. A {@link Semaphore} holds the free capacity counted in visits: a
 * worker takes permits before it enqueues, and the reader returns them as it dequeues, so at most
 * {@code capacity} visits wait in the queue, and workers block (back-pressure) when the reader
 * falls behind. The end marker takes no permit, so finishing never blocks, even on a full buffer
 * that nobody reads.
 */
final class StreamSink<T> implements VisitSink<T> {
  private static final Object END = new Object();

  private final int batchSize;
  private final Semaphore space;
  /** Batches ({@code List<Visit<T>>}) then {@link #END}. Unbounded: {@link #space} bounds it. */
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicBoolean opened = new AtomicBoolean();
  /** Cancels the crawl; run when the stream is closed or its reader interrupted. */
  private final Runnable cancel;

  StreamSink(int capacity, Runnable cancel) {
    this.batchSize = Math.min(64, capacity);
    this.space = new Semaphore(capacity);
    this.cancel = cancel;
  }

  Stream<Visit<T>> stream() {
    checkState(opened.compareAndSet(false, true), "visits() can be called only once per crawl");
    return StreamSupport.stream(new Reader(), false).onClose(cancel);
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
          space.acquire(batch.size());
          queue.add(batch);
          for (Visit<T> visit : batch) {
            stats.countDelivered(visit);
          }
          batch = new ArrayList<>(batchSize);
        }
      }
    };
  }

  @Override
  public void finish() {
    queue.add(END);
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
      action.accept(current.get(next++));
      return true;
    }

    @SuppressWarnings("unchecked")
    private boolean refill() {
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        // An interrupted reader stops reading: that cancels the crawl, as closing would.
        Thread.currentThread().interrupt();
        ended = true;
        cancel.run();
        return false;
      }
      if (item == END) {
        ended = true;
        return false;
      }
      current = (List<Visit<T>>) item;
      next = 0;
      space.release(current.size());
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
