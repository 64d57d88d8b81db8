package dev.crawler.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link TimeSource} that never waits: {@code sleep} advances the clock and records the wait, and
 * a scheduled action runs on the thread that moves the clock past its time. Thread-safe. Guava's
 * {@code FakeStopwatch} and Caffeine's {@code FakeTicker} in spirit.
 */
final class FakeTime implements TimeSource {
  private long now = 1_000_000_000L; // guarded by this
  private final List<Long> sleeps = new CopyOnWriteArrayList<>();
  private final List<Scheduled> scheduled = new ArrayList<>(); // guarded by this

  private final class Scheduled implements Timer {
    final long due;
    final Runnable action;

    Scheduled(long due, Runnable action) {
      this.due = due;
      this.action = action;
    }

    @Override
    public void cancel() {
      synchronized (FakeTime.this) {
        scheduled.remove(this);
      }
    }

    @Override
    public void join() {}
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    sleeps.add(nanos);
    if (nanos > 0) {
      advance(nanos);
    }
  }

  @Override
  public Timer schedule(long delayNanos, Runnable action, String name) {
    Scheduled timer;
    synchronized (this) {
      timer = new Scheduled(now + delayNanos, action);
      scheduled.add(timer);
    }
    runDue();
    return timer;
  }

  /** Moves the clock on, and runs the actions that are due, on this thread. */
  void advance(long nanos) {
    synchronized (this) {
      now += nanos;
    }
    runDue();
  }

  private void runDue() {
    List<Runnable> due = new ArrayList<>();
    synchronized (this) {
      scheduled.removeIf(
          s -> {
            if (s.due - now <= 0) {
              due.add(s.action);
              return true;
            }
            return false;
          });
    }
    due.forEach(Runnable::run);
  }

  /** Every wait requested, in order, in milliseconds (rounded down). */
  List<Long> sleptMillis() {
    return sleeps.stream().map(n -> n / 1_000_000).toList();
  }
}
