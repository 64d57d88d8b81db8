package dev.crawler.core;

import static java.util.Objects.requireNonNull;

import dev.crawler.core.spi.Children;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Collects one listing's children so they are committed only if the listing succeeds, or, for
 * leaves, when the source calls {@link #commitLeaves()}. Reused by one worker for all its listings;
 * not thread-safe.
 */
final class ChildBuffer<T> implements Children<T> {
  /** Where committed leaves go: the worker that owns the buffer, for the branch being listed. */
  interface LeafCommitter<T> {
    /** Delivers {@code leaves}, children of {@code task}'s branch. */
    void commitLeaves(Task<T> task, List<T> leaves) throws InterruptedException;
  }

  final List<T> leaves = new ArrayList<>();
  final List<T> branches = new ArrayList<>();
  private final LeafCommitter<T> committer;

  /** The branch whose children this buffer takes next; set by the worker before each listing. */
  private Task<T> task;

  private boolean open;
  private boolean committed;

  /**
   * What the consumer (or sink) threw while committed leaves were delivered: the crawl's failure.
   */
  private RuntimeException deliveryFailure;

  ChildBuffer(LeafCommitter<T> committer) {
    this.committer = committer;
  }

  /** The branch the next listings into this buffer list (until called again). */
  void listing(Task<T> task) {
    this.task = task;
  }

  /** Empties the buffer and accepts children until {@link #close()}. */
  void open() {
    leaves.clear();
    branches.clear();
    committed = false;
    deliveryFailure = null;
    open = true;
  }

  /** Stops accepting children: the listing has returned. */
  void close() {
    open = false;
  }

  /** Whether the current (or last) attempt committed leaves: it cannot be tried again. */
  boolean hasCommitted() {
    return committed;
  }

  /**
   * What the consumer threw while the last attempt's committed leaves were delivered, or {@code
   * null}. Not the listing's failure but the crawl's, as it would be after {@code list} returned.
   */
  RuntimeException deliveryFailure() {
    return deliveryFailure;
  }

  @Override
  public void leaf(T node) {
    checkOpen();
    leaves.add(requireNonNull(node, "a leaf must not be null"));
  }

  @Override
  public void branch(T node) {
    checkOpen();
    branches.add(requireNonNull(node, "a branch must not be null"));
  }

  @Override
  public void commitLeaves() {
    checkOpen();
    if (leaves.isEmpty() || task == null) {
      return;
    }
    committed = true; // before delivering: a failure halfway has delivered some
    try {
      committer.commitLeaves(task, leaves);
    } catch (InterruptedException e) {
      // The crawl stopped (the worker's deliver says so this way) or the thread was interrupted:
      // keep the interrupt for the engine to see, and leave list() without a checked exception.
      Thread.currentThread().interrupt();
      CancellationException stopped =
          new CancellationException("the crawl stopped while leaves were delivered");
      stopped.initCause(e);
      throw stopped;
    } catch (RuntimeException e) {
      deliveryFailure = e; // an Error needs no note: list() cannot be expected to let it through
      throw e;
    }
    leaves.clear();
  }

  private void checkOpen() {
    if (!open) {
      throw new IllegalStateException("children can be added only during BranchSource.list");
    }
  }
}
