package dev.crawler.cli.common;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What every {@code crawl} subcommand does around its crawls: results through one {@link
 * SharedOutput} (a failed write, a closed pipe or a full disk, cancels the running crawl), a
 * progress line while waiting when stderr is a terminal, and on Ctrl-C: stop the workers, write
 * what was found, say so. Close it when the command is done; the JVM then exits with 130 if it was
 * interrupted.
 */
public final class CommandCrawl implements AutoCloseable {
  /** The longest a result waits in a buffer when stdout is a terminal. */
  static final long SCREEN_FLUSH_NANOS = 50_000_000;

  /** The longest a result waits in a buffer when stdout is a pipe or a file. */
  static final long PIPE_FLUSH_NANOS = 500_000_000;

  private final PrintStream err;
  private final boolean showProgress;
  private final String unit;

  /**
   * The crawl running now: the one handle that stops it, for a failed write, Ctrl-C and {@link
   * #cancel}. Set by {@link #start} or {@link #await}.
   */
  private final AtomicReference<Crawl<?>> current = new AtomicReference<>();

  /**
   * Set by {@link #cancel}. Written before {@link #current} is read there, and read by {@link
   * #start} after it sets {@link #current}: both are volatile, so at least one of the two threads
   * sees the other's write, and the crawl is cancelled whichever comes first.
   */
  private volatile boolean cancelled;

  /**
   * Opened once {@link #start} holds the handle. A worker that cancels while the crawl is starting
   * waits on it, and then cancels itself: left to the starting thread, that cancel waited for it to
   * be scheduled, and one worker listed 76 more directories meanwhile on a busy machine.
   */
  private final CountDownLatch handleSet = new CountDownLatch(1);

  /** The thread in {@link #start}: it must never wait on {@link #handleSet} itself. */
  private volatile Thread starter;

  /** Stops following a crawl over Kafka; its other processes finish it. */
  private final AtomicReference<Runnable> distributed = new AtomicReference<>();

  private final AtomicBoolean finished = new AtomicBoolean();

  /** The progress line last started, stopped by Ctrl-C before it says so; {@code null} if none. */
  private final AtomicReference<ProgressPrinter> progress = new AtomicReference<>();

  private final Thread onCtrlC;
  public final SharedOutput out;

  public CommandCrawl(OutputStream stdout, PrintStream err, boolean quiet, String unit) {
    this(stdout, err, quiet, unit, false);
  }

  /**
   * @param ordered keep records in the order they were written (see {@link SharedOutput#ordered})
   */
  public CommandCrawl(
      OutputStream stdout, PrintStream err, boolean quiet, String unit, boolean ordered) {
    this.err = err;
    this.showProgress = !quiet && Terminal.stderrIsTerminal();
    this.unit = unit;
    Runnable onFailure =
        () -> {
          Crawl<?> crawl = current.get();
          if (crawl != null) {
            crawl.cancel(); // the reader is gone: stop quietly
          }
          Runnable stop = distributed.get();
          if (stop != null) {
            stop.run();
          }
        };
    this.out =
        ordered ? SharedOutput.ordered(stdout, onFailure) : new SharedOutput(stdout, onFailure);
    // Results as they are found: a person watching sees each within about 50 ms; a pipe gets them
    // within half a second on a slow crawl, while a fast one fills buffers long before that.
    boolean toScreen = Terminal.stdoutIsTerminal();
    out.flushEvery(toScreen ? SCREEN_FLUSH_NANOS : PIPE_FLUSH_NANOS);
    if (toScreen && showProgress && err instanceof Stderr stderr) {
      out.beforeEachWrite(stderr::eraseProgressLine); // results never glued to the progress line
    }
    this.onCtrlC = new Thread(this::interrupted, "crawl-shutdown");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
  }

  /**
   * Waits for {@code crawl} with a progress line, closes it, and writes out what its workers left
   * buffered (they are gone then), so the output of one crawl is complete before the next starts.
   */
  public <T> CrawlReport<T> await(Crawl<T> crawl) throws InterruptedException {
    try (crawl) {
      current.set(crawl);
      if (out.failed()) {
        crawl.cancel(); // a write failed before the crawl was known here: onFailure could not stop
        // it
      }
      ProgressPrinter progress = progress(crawl::progress);
      try {
        return crawl.await();
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
    } finally {
      out.flushAll();
    }
  }

  /**
   * Starts this session's one crawl with {@code start}, which must start it and return its handle,
   * and makes it the crawl that {@link #cancel} stops; a cancel asked while it was starting stops
   * it as soon as it is known. Then {@link #await} it.
   */
  public <T> Crawl<T> start(Supplier<Crawl<T>> start) {
    starter = Thread.currentThread();
    Crawl<T> crawl;
    try {
      crawl = start.get();
      current.set(crawl);
    } finally {
      handleSet.countDown();
    }
    if (cancelled) {
      crawl.cancel(); // asked before the handle was here
    }
    return crawl;
  }

  /**
   * Cancels the crawl this session runs: now if it is known, or as soon as {@link #start} knows it.
   * Thread-safe and idempotent; a worker of a crawl that is still starting waits (a stop interrupts
   * the wait) for the handle, then cancels. A crawl over Kafka has no handle here: this does not
   * stop following it.
   */
  public void cancel() {
    cancelled = true;
    Crawl<?> crawl = current.get();
    if (crawl == null && starter != null && Thread.currentThread() != starter) {
      try {
        handleSet.await(); // the starting thread is just past start; a stop interrupts this wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // stopped meanwhile: the crawl is ending anyway
      }
      crawl = current.get();
    }
    if (crawl != null) {
      crawl.cancel();
    }
  }

  /**
   * A progress line from {@code progress} if stderr is a terminal and not quiet, else {@code null}.
   */
  public ProgressPrinter progress(
      java.util.function.Supplier<dev.crawler.core.CrawlProgress> progress) {
    if (!showProgress) {
      return null;
    }
    ProgressPrinter printer = new ProgressPrinter(progress, err, unit);
    this.progress.set(printer);
    return printer;
  }

  /** For a crawl over Kafka: how to stop following it when the reader goes away or on Ctrl-C. */
  public void followDistributed(Runnable stop) {
    distributed.set(stop);
  }

  /** Ctrl-C, in the shutdown hook: stop the workers, write what was found, say so. */
  private void interrupted() {
    if (finished.get()) {
      return;
    }
    Crawl<?> crawl = current.get();
    if (crawl != null) {
      crawl.close();
    }
    Runnable stop = distributed.get();
    if (stop != null) {
      stop.run();
    }
    out.flushAll();
    ProgressPrinter printer = progress.get();
    if (printer != null) {
      printer.close(); // erased, and no tick draws it again under the last line
    }
    err.println("crawl: interrupted; the output is partial");
  }

  /** Writes out what the workers left buffered; the command is done with its crawls. */
  @Override
  public void close() {
    out.stopFlushing();
    out.flushAll();
    finished.set(true);
    try {
      Runtime.getRuntime().removeShutdownHook(onCtrlC);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs already and will find us finished
    }
  }
}
