package dev.crawler.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@link TimeSource#SYSTEM}: {@link System#nanoTime()}, real sleeps, one thread per timer. */
final class SystemTime implements TimeSource {

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } else if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  /** A daemon thread that waits out the delay on a latch, which {@code cancel} opens early. */
  @Override
  public Timer schedule(long delayNanos, Runnable action, String name) {
    CountDownLatch cancelled = new CountDownLatch(1);
    Thread thread =
        new Thread(
            () -> {
              try {
                if (!cancelled.await(delayNanos, TimeUnit.NANOSECONDS)) {
                  action.run();
                }
              } catch (InterruptedException e) {
                // Nobody else interrupts this thread: treat it as a cancel.
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return new Timer() {
      @Override
      public void cancel() {
        cancelled.countDown();
      }

      @Override
      public void join() throws InterruptedException {
        thread.join();
      }
    };
  }
}
