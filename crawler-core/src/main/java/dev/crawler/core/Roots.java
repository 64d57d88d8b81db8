package dev.crawler.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The crawl's roots until a worker claims them: the first worker whose session is open, whichever
 * it is. Thread-safe.
 *
 * <p>Until then the roots are covered by the {@link PendingWork}'s initial party, which passes to
 * the claimer with them, so the crawl cannot complete before they are listed. No worker is chosen
 * in advance: when worker 0 held the roots, an {@code open()} that blocked on it (a connection that
 * hangs) left every other worker idle with nothing to steal for as long as it blocked.
 */
final class Roots<T> {
  private final AtomicReference<List<Task<T>>> unclaimed;

  /**
   * @param tasks the roots, at least one, in the order given
   */
  Roots(List<Task<T>> tasks) {
    this.unclaimed = new AtomicReference<>(List.copyOf(tasks));
  }

  /**
   * Called by a worker whose session is open, holding no party: if the roots are still unclaimed,
   * it takes them with the initial party, the first into {@code batch} and the others onto its
   * stack, newest on top so it lists them in the order given (peers may steal them meanwhile).
   *
   * @return whether this worker claimed the roots
   */
  boolean claimInto(List<Task<T>> batch, WorkStack<T> stack) {
    List<Task<T>> tasks = unclaimed.getAndSet(null);
    if (tasks == null) {
      return false;
    }
    List<Task<T>> waiting = new ArrayList<>(tasks.subList(1, tasks.size()));
    Collections.reverse(waiting);
    if (!waiting.isEmpty()) {
      stack.pushAll(waiting);
    }
    batch.add(tasks.get(0));
    return true;
  }
}
