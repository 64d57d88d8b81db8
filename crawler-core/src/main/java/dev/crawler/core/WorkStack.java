package dev.crawler.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One worker's pending branches: a stack for its owner, whose oldest entries idle peers may take.
 * Thread-safe; every method holds this object's monitor.
 *
 * <p>The owner pushes the branches a listing yields and pops the newest, so it goes down depth
 * first and its stack stays short. Peers take the <em>oldest</em> entries, the shallowest and so
 * probably the largest subtrees (ARCHITECTURE.md, invariant 5), as work-stealing schedulers do: one
 * for a source that lists one branch per call, up to its batch limit for one that lists several.
 *
 * <p>The monitor also orders the {@link PendingWork} parties: the owner gives its party back only
 * under the monitor and only when the stack is empty, and a peer that removes an entry takes a
 * party under the same monitor. A branch is therefore always covered by a party, either its
 * holder's or, while it moves, its taker's. One party covers all the branches a worker holds,
 * however many moved together.
 */
final class WorkStack<T> {
  private final ArrayDeque<Task<T>> tasks = new ArrayDeque<>();
  private final PendingWork pending;

  /**
   * Mirror of {@code tasks.size()}, written under the monitor, read racily by peers and progress.
   */
  private volatile int size;

  WorkStack(PendingWork pending) {
    this.pending = pending;
  }

  /** Owner: adds the branches one listing yielded. */
  synchronized void pushAll(List<Task<T>> batch) {
    tasks.addAll(batch);
    size = tasks.size();
  }

  /**
   * Owner: the newest pending branch, or {@code null} when there is none; in that case the owner's
   * party is given back before the monitor is released, and the owner holds no work.
   */
  synchronized Task<T> popNewestOrGiveBack() {
    Task<T> task = tasks.pollLast();
    size = tasks.size();
    if (task == null) {
      pending.giveBack();
    }
    return task;
  }

  /**
   * Owner, while it holds its party (it is processing a branch): the newest pending branch, or
   * {@code null}; never gives the party back. Used to list several branches in one call.
   */
  synchronized Task<T> pollNewest() {
    Task<T> task = tasks.pollLast();
    size = tasks.size();
    return task;
  }

  /**
   * Peer: moves the oldest pending branches into {@code into}, as many as {@code max} but never
   * more than half of them (rounded up), and takes one party for the caller if it moved any. A
   * source that lists several branches at once gets a full listing from one steal; the owner keeps
   * at least half of a short stack, so one thief cannot drain it while others starve.
   *
   * @param max the most branches to move, at least 1
   * @return how many branches were moved, 0 if the stack is empty
   */
  synchronized int stealOldest(int max, List<Task<T>> into) {
    int n = Math.min(max, (tasks.size() + 1) / 2);
    if (n == 0) {
      return 0;
    }
    for (int i = 0; i < n; i++) {
      into.add(tasks.pollFirst());
    }
    size = tasks.size();
    pending.take();
    return n;
  }

  /**
   * Owner: removes the oldest pending branches to hand them to an idle peer, taking one party for
   * them; {@code null} unless more than {@code keep} are pending. As many as {@code max}, never
   * more than half (rounded up) of those above {@code keep}.
   *
   * @param keep how many pending branches to leave: at least 1 unless the owner holds its next
   *     branch outside the stack, so that a worker's next branch never bounces between workers
   * @param max the most branches to hand over, at least 1
   */
  synchronized List<Task<T>> removeOldestToHandOff(int keep, int max) {
    int spare = tasks.size() - keep;
    if (spare <= 0) {
      return null;
    }
    int n = Math.min(max, (spare + 1) / 2);
    List<Task<T>> handed;
    if (n == 1) {
      handed = List.of(tasks.pollFirst());
    } else {
      handed = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        handed.add(tasks.pollFirst());
      }
    }
    size = tasks.size();
    pending.take();
    return handed;
  }

  /** Owner: puts back branches no peer accepted, oldest first again, and gives back their party. */
  synchronized void putBack(List<Task<T>> handed) {
    for (int i = handed.size() - 1; i >= 0; i--) {
      tasks.addFirst(handed.get(i));
    }
    size = tasks.size();
    pending.giveBack();
  }

  /** The number of pending branches, possibly stale. */
  int size() {
    return size;
  }
}
