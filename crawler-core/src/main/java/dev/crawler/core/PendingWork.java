package dev.crawler.core;

import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knows, without polling, the instant the last branch of a crawl is done. Thread-safe.
 *
 * <p>A {@link Phaser} counts <em>holders of work</em>, not branches: one party per worker that
 * holds a non-empty subtree (its current branch and its pending stack), plus one per branch in
 * flight between two workers. A holder takes its party before it can be seen holding anything and
 * gives it back only once it holds nothing, always while some other party still covers the work it
 * passes on. So the count reaches zero exactly when no branch is pending anywhere, and it never
 * exceeds twice the number of workers, far below the Phaser's limit of 65,535 parties, whatever the
 * tree's depth or fan-out (ARCHITECTURE.md, invariant 3).
 *
 * <p>Parties only ever {@code arriveAndDeregister}, so the Phaser advances once, when the last
 * party leaves; {@link Phaser#onAdvance} then runs the completion action and terminates it.
 */
final class PendingWork {
  private final Phaser phaser;

  /** Highest party count seen after a registration; read by tests to check invariant 3. */
  private final AtomicInteger peakParties = new AtomicInteger(1);

  /**
   * Creates the count with one party: the holder of the root.
   *
   * @param onAllDone run once, by the thread that gives back the last party, when all work is done
   */
  PendingWork(Runnable onAllDone) {
    this.phaser =
        new Phaser(1) {
          @Override
          protected boolean onAdvance(int phase, int registeredParties) {
            onAllDone.run();
            return true;
          }
        };
  }

  /**
   * Takes a party for work that is being passed on. The caller must hold a party itself, or hold
   * the lock of a stack whose owner does, so the count cannot reach zero meanwhile.
   */
  void take() {
    int phase = phaser.register();
    if (phase < 0) {
      throw new IllegalStateException("work was passed on after the crawl had completed");
    }
    peakParties.accumulateAndGet(phaser.getRegisteredParties(), Math::max);
  }

  /** Gives back a party: its holder holds no work any more. */
  void giveBack() {
    phaser.arriveAndDeregister();
  }

  /**
   * The highest number of parties registered at once so far.
   *
   * @return the peak party count
   */
  int peakParties() {
    return peakParties.get();
  }
}
