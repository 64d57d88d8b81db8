package dev.crawler.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that never waits: {@code sleep} advances the clock and records the wait.
 * Thread-safe. Guava's {@code FakeStopwatch} in spirit.
 */
final class FakeTime implements TimeSource {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<Long> sleeps = new CopyOnWriteArrayList<>();

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    sleeps.add(nanos);
    if (nanos > 0) {
      now.addAndGet(nanos);
    }
  }

  void advance(long nanos) {
    now.addAndGet(nanos);
  }

  /** Every wait requested, in order, in milliseconds (rounded down). */
  List<Long> sleptMillis() {
    return sleeps.stream().map(n -> n / 1_000_000).toList();
  }
}
