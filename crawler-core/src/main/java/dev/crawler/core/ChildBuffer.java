package dev.crawler.core;

import static java.util.Objects.requireNonNull;

import dev.crawler.core.spi.Children;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one listing's children so they are committed only if the listing succeeds. Reused by
 * one worker for all its listings; not thread-safe.
 */
final class ChildBuffer<T> implements Children<T> {
  final List<T> leaves = new ArrayList<>();
  final List<T> branches = new ArrayList<>();
  private boolean open;

  /** Empties the buffer and accepts children until {@link #close()}. */
  void open() {
    leaves.clear();
    branches.clear();
    open = true;
  }

  /** Stops accepting children: the listing has returned. */
  void close() {
    open = false;
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

  private void checkOpen() {
    if (!open) {
      throw new IllegalStateException("children can be added only during BranchSource.list");
    }
  }
}
