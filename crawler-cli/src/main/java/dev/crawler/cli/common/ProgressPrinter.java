package dev.crawler.cli.common;

import dev.crawler.core.CrawlProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A one-line live progress display on stderr (entries, rate, pending branches, errors), redrawn
 * four times a second until {@link #close()}, which erases it. Only for a terminal. On a {@link
 * Stderr}, a message written meanwhile erases the line first. {@link #close()} may be called more
 * than once, from any thread.
 */
public final class ProgressPrinter implements AutoCloseable {
  private final Supplier<CrawlProgress> progress;
  private final PrintStream err;
  private final String unit;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  ProgressPrinter(Supplier<CrawlProgress> progress, PrintStream err, String unit) {
    this.progress = progress;
    this.err = err;
    this.unit = unit;
    this.thread = new Thread(this::run, "crawl-progress");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    try {
      while (!stop.await(250, TimeUnit.MILLISECONDS)) {
        CrawlProgress p = progress.get();
        String line =
            String.format(
                Locale.ROOT,
                "\r\033[K%,d %s  %,.0f/s  %,d pending  %,d errors",
                p.visits(),
                unit,
                p.visitsPerSecond(),
                p.pendingBranches(),
                p.errors());
        if (err instanceof Stderr stderr) {
          stderr.showProgress(line); // the next message erases it first
        } else {
          err.print(line);
          err.flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.print("\r\033[K");
    err.flush();
  }
}
