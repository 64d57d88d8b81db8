package dev.crawler.core;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A running crawl: its results, its progress, and the means to stop it. Returned by {@link
 * Crawler#start}. Thread-safe: any thread may call any method, the crawl's own threads included (a
 * push consumer, an error listener or the source may call {@link #cancel()} or {@link #close()};
 * only the waits, {@link #await()} and {@link #await(Duration)}, refuse to run there, since they
 * would wait for themselves).
 *
 * <p>What the waits wait for: every worker to leave the code it is running. A stop interrupts the
 * workers, and each stops within its current call of the source ({@code open}, {@code list}, {@code
 * close}) or of the consumer or listener. A call that ignores interrupts keeps its worker, and so
 * {@link #await()} and {@link #close()}, until it returns; {@link #await(Duration)} always returns
 * by its timeout. Such a call never holds up the other workers: a worker whose {@code open()}
 * blocks holds no branch, and the peers whose sessions opened crawl the whole tree.
 *
 * <p>Always close a crawl, best with try-with-resources: {@link #close()} cancels it if it is still
 * running and waits until every worker thread has exited and every session is closed.
 *
 * <pre>{@code
 * try (Crawl<Path> crawl = Crawler.over(source).workers(8).start(root);
 *      Stream<Visit<Path>> visits = crawl.visits()) {
 *   visits.filter(Visit::isLeaf).forEach(v -> System.out.println(v.node()));
 *   CrawlReport<Path> report = crawl.await();
 * }
 * }</pre>
 *
 * <p>Memory effects: everything a worker did for the crawl (its calls of the source and of the
 * consumer) happens-before {@link #await()} returns.
 *
 * @param <T> the node type
 */
public interface Crawl<T> extends AutoCloseable {

  /**
   * The visits, for a crawl started without a consumer: a single-use, sequential stream, fed
   * through a bounded buffer. Workers wait when the buffer is full, so a slow reader slows the
   * crawl instead of filling memory. The stream ends when the crawl ends, however it ends: the
   * visits handed over before a stop are still read, then the stream ends. Closing the stream
   * before its end cancels the crawl, and from then on the stream hands out nothing, not even what
   * was buffered; no worker waits on the buffer after a close or a stop, whatever the source did
   * with its interrupt. Read the stream before calling {@link #await()} from the same thread: a
   * full buffer that nobody reads holds the workers until the crawl is cancelled or closed.
   *
   * @return the stream of visits, in no particular order beyond a parent before its children
   * @throws IllegalStateException if the crawl was started with a consumer, or if called twice
   */
  Stream<Visit<T>> visits();

  /**
   * A snapshot of the counters, cheap enough for a progress line several times a second.
   *
   * @return the current progress
   */
  CrawlProgress progress();

  /**
   * Asks the crawl to stop: every worker is interrupted and stops within one listing. Returns at
   * once; {@link #await()} tells when the workers are gone. The outcome is {@link
   * Outcome#CANCELLED} unless the crawl had already ended. Idempotent.
   */
  void cancel();

  /**
   * Whether the crawl has ended and every worker exited.
   *
   * @return {@code true} once {@link #await()} would return at once
   */
  boolean isDone();

  /**
   * Waits until the crawl ends and every worker has exited, and reports.
   *
   * @return the report; the same object on every call
   * @throws InterruptedException if this thread is interrupted while waiting; the crawl goes on
   * @throws IllegalStateException if called on one of the crawl's own threads, where it would wait
   *     for itself
   */
  CrawlReport<T> await() throws InterruptedException;

  /**
   * Waits at most {@code timeout} for the crawl to end.
   *
   * @param timeout the longest wait; zero or negative does not wait, and one too long for a {@code
   *     long} of nanoseconds ({@code ChronoUnit.FOREVER}) waits as {@link #await()} does
   * @return the report
   * @throws InterruptedException if this thread is interrupted while waiting; the crawl goes on
   * @throws TimeoutException if the crawl is still running after {@code timeout}; it goes on
   * @throws IllegalStateException if called on one of the crawl's own threads
   */
  CrawlReport<T> await(Duration timeout) throws InterruptedException, TimeoutException;

  /**
   * Cancels the crawl if it is still running and waits until every worker has exited and every
   * session is closed. If this thread is interrupted meanwhile, it still waits and then restores
   * the interrupt. Called on one of the crawl's own threads (from a consumer, a listener or the
   * source), it cancels and returns at once: that worker exits when its callback returns, and the
   * caller of {@link #await()} sees the end. Idempotent.
   */
  @Override
  void close();
}
