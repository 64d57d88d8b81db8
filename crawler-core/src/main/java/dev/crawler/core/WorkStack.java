package dev.crawler.core;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One worker's pending branches: a stack for its owner, whose oldest entries idle peers may take.
 * Thread-safe; every method holds this object's monitor.
 *
 * <p>The owner pushes the branches a listing yields and pops the newest, so it goes down depth
 * first and its stack stays short. Peers take the <em>oldest</em> entry, the shallowest and so
 * probably the largest subtree (DESIGN.md, invariant 5), as work-stealing schedulers do.
 *
 * <p>The monitor also orders the {@link PendingWork} parties: the owner gives its party back only
 * under the monitor and only when the stack is empty, and a peer that removes an entry takes a
 * party under the same monitor. A branch is therefore always covered by a party, either its
 * holder's or, while it moves, its taker's.
 */
final class WorkStack<T> {
  private final ArrayDeque<Task<T>> tasks = new ArrayDeque<>();
  private final PendingWork pending;
  /** Mirror of {@code tasks.size()}, written under the monitor, read racily by peers and progress. */
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
   * Peer: removes the oldest pending branch, taking a party for the caller, or returns {@code
   * null} if the stack is empty.
   */
  synchronized Task<T> stealOldest() {
    Task<T> task = tasks.pollFirst();
    if (task != null) {
      size = tasks.size();
      pending.take();
    }
    return task;
  }

  /**
   * Owner: removes the oldest pending branch to hand it to an idle peer, taking a party for it;
   * {@code null} unless more than {@code keep} are pending. The owner always keeps at least one,
   * so a worker's last branch never bounces between workers.
   *
   * @param keep how many pending branches to leave, at least 1
   */
  synchronized Task<T> removeOldestToHandOff(int keep) {
    if (tasks.size() <= keep) {
      return null;
    }
    Task<T> task = tasks.pollFirst();
    size = tasks.size();
    pending.take();
    return task;
  }

  /** Owner: puts back a branch no peer accepted, and gives back the party taken for it. */
  synchronized void putBack(Task<T> task) {
    tasks.addFirst(task);
    size = tasks.size();
    pending.giveBack();
  }

  /** The number of pending branches, possibly stale. */
  int size() {
    return size;
  }
}
