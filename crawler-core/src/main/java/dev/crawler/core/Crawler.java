package dev.crawler.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.annotations.VisibleForTesting;
import dev.crawler.core.spi.BranchSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Configures and starts crawls over one {@link BranchSource}. Each setting can be set once and is
 * checked at once; a wrong value fails with the value in the message.
 *
 * <pre>{@code
 * try (Crawl<String> crawl = Crawler.over(orgChart)
 *         .workers(8)
 *         .rateLimit(200)                     // listings per second, all workers together
 *         .deadline(Duration.ofMinutes(5))
 *         .start("ceo", visit -> System.out.println(visit.node()))) {
 *   CrawlReport<String> report = crawl.await();
 * }
 * }</pre>
 *
 * <h2>How the work is shared</h2>
 *
 * A fixed set of peer workers, each with its own session and its own stack of pending branches. A
 * worker lists a branch, delivers the leaves, pushes the sub-branches, and goes on with the newest,
 * depth first. Idle workers are fed the oldest pending branches, the largest subtrees: handed over
 * through a synchronous handoff when they are waiting, or taken from a busy worker's stack when
 * they have just become idle. The crawl ends the moment no branch is pending anywhere. No
 * recursion: a tree a million levels deep needs no larger thread stack.
 *
 * <p>A builder is not thread-safe; configure it on one thread. {@link #start} may be called more
 * than once: each call starts an independent crawl with the settings as they are.
 *
 * @param <T> the node type
 * @param <S> the source's session type
 */
public final class Crawler<T, S> {
  /** Default number of workers: listings are latency-bound, so more than the cores pay off. */
  public static final int DEFAULT_WORKERS = 8;

  /** Default capacity of the buffer behind {@link Crawl#visits()}, in visits. */
  public static final int DEFAULT_BUFFER = 4096;

  /**
   * The most workers a crawl may have: the one bound that the builder, a source's {@link
   * BranchSource#preferredWorkers()}, the Kafka engine and the command line all check against.
   */
  public static final int MAX_WORKERS = 10_000;

  private final BranchSource<T, S> source;
  private int workers = -1;
  private int startWorkers = -1;
  private double rateLimit = -1;
  private Duration deadline;
  private int maxDepth = -1;
  private ErrorPolicy errorPolicy;
  private RetryPolicy retryPolicy;
  private Function<? super T, ?> distinctKey;
  private int bufferSize = -1;
  private ThreadFactory threadFactory;
  private Consumer<? super BranchError<T>> errorListener;
  private TimeSource timeSource;
  private Long seed;

  private Crawler(BranchSource<T, S> source) {
    this.source = requireNonNull(source, "source");
  }

  /**
   * Starts configuring crawls over {@code source}.
   *
   * @param source lists branches; shared by all workers
   * @param <T> the node type
   * @param <S> the source's session type
   * @return a new builder with default settings
   */
  public static <T, S> Crawler<T, S> over(BranchSource<T, S> source) {
    return new Crawler<>(source);
  }

  /**
   * The number of worker threads, each with its own session. Default: what the source prefers
   * ({@link BranchSource#preferredWorkers()}), else {@value #DEFAULT_WORKERS}.
   *
   * @param workers from 1 to {@value #MAX_WORKERS}
   * @return this builder
   */
  public Crawler<T, S> workers(int workers) {
    checkState(this.workers == -1, "workers was already set to %s", this.workers);
    checkArgument(
        workers >= 1 && workers <= MAX_WORKERS,
        "workers (%s) must be from 1 to %s",
        workers,
        MAX_WORKERS);
    this.workers = workers;
    return this;
  }

  /**
   * How many of the workers list from the start; the others open their sessions and wait until a
   * quarter of some worker's recent listings (over about 16) took longer than 1 ms, a sign that
   * listings wait on I/O rather than the CPU, and then join for the rest of the crawl. A single
   * slow listing (a JIT warm-up, a preemption, one huge directory) does not release them. Default:
   * all of them. For a source that is CPU-bound when its data is cached and I/O-bound when not,
   * such as a filesystem: as many as the cores when warm, more when cold.
   *
   * @param startWorkers at least 1; above {@link #workers} it means all of them
   * @return this builder
   */
  public Crawler<T, S> startWorkers(int startWorkers) {
    checkState(this.startWorkers == -1, "startWorkers was already set to %s", this.startWorkers);
    checkArgument(startWorkers >= 1, "startWorkers (%s) must be at least 1", startWorkers);
    this.startWorkers = startWorkers;
    return this;
  }

  /**
   * The most listings started per second, by all workers together, evenly spaced. Retries count.
   * Default: no limit.
   *
   * @param listingsPerSecond positive
   * @return this builder
   */
  public Crawler<T, S> rateLimit(double listingsPerSecond) {
    checkState(this.rateLimit == -1, "rateLimit was already set to %s", this.rateLimit);
    checkArgument(
        listingsPerSecond > 0 && Double.isFinite(listingsPerSecond),
        "rateLimit (%s) must be positive and finite",
        listingsPerSecond);
    this.rateLimit = listingsPerSecond;
    return this;
  }

  /**
   * The most time the whole crawl may take, from {@link #start}. When it passes, the workers are
   * interrupted and the crawl ends {@link Outcome#TIMED_OUT}. Default: none.
   *
   * @param deadline positive
   * @return this builder
   */
  public Crawler<T, S> deadline(Duration deadline) {
    checkState(this.deadline == null, "deadline was already set to %s", this.deadline);
    requireNonNull(deadline, "deadline");
    checkArgument(
        deadline.compareTo(Duration.ZERO) > 0, "deadline (%s) must be positive", deadline);
    this.deadline = deadline;
    return this;
  }

  /**
   * The depth below which nothing is listed: branches at this depth are visited but not listed. 0
   * visits only the root. Default: no limit.
   *
   * @param maxDepth not negative
   * @return this builder
   */
  public Crawler<T, S> maxDepth(int maxDepth) {
    checkState(this.maxDepth == -1, "maxDepth was already set to %s", this.maxDepth);
    checkArgument(maxDepth >= 0, "maxDepth (%s) must not be negative", maxDepth);
    this.maxDepth = maxDepth;
    return this;
  }

  /**
   * What to do when a branch cannot be listed. Default {@link ErrorPolicy#CONTINUE}.
   *
   * @param policy the policy
   * @return this builder
   */
  public Crawler<T, S> onError(ErrorPolicy policy) {
    checkState(this.errorPolicy == null, "onError was already set to %s", this.errorPolicy);
    this.errorPolicy = requireNonNull(policy, "policy");
    return this;
  }

  /**
   * How listings that fail transiently are retried. Default {@link RetryPolicy#defaults()}.
   *
   * @param policy the policy
   * @return this builder
   */
  public Crawler<T, S> retry(RetryPolicy policy) {
    checkState(this.retryPolicy == null, "retry was already set to %s", this.retryPolicy);
    this.retryPolicy = requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Visits each node at most once by {@code key}: a node whose key was already seen is dropped
   * (and, if a branch, not listed), which also stops cycles in data that is not quite a tree. Keys
   * are kept for the whole crawl, so memory grows with the number of nodes. Default: every node the
   * source yields is visited.
   *
   * @param key maps a node to a key with {@code equals} and {@code hashCode}; thread-safe
   * @return this builder
   */
  public Crawler<T, S> distinctBy(Function<? super T, ?> key) {
    checkState(this.distinctKey == null, "distinctBy was already set");
    this.distinctKey = requireNonNull(key, "key");
    return this;
  }

  /**
   * The capacity, in visits, of the buffer behind {@link Crawl#visits()}. Default {@value
   * #DEFAULT_BUFFER}.
   *
   * @param visits from 1 to 16,777,216
   * @return this builder
   */
  public Crawler<T, S> bufferSize(int visits) {
    checkState(this.bufferSize == -1, "bufferSize was already set to %s", this.bufferSize);
    checkArgument(
        visits >= 1 && visits <= (1 << 24), "bufferSize (%s) must be from 1 to 16777216", visits);
    this.bufferSize = visits;
    return this;
  }

  /**
   * Makes the worker threads. Default: daemon threads named {@code crawler-worker-<crawl>-<n>}.
   *
   * @param factory makes one thread per worker
   * @return this builder
   */
  public Crawler<T, S> threadFactory(ThreadFactory factory) {
    checkState(
        this.threadFactory == null, "threadFactory was already set to %s", this.threadFactory);
    this.threadFactory = requireNonNull(factory, "factory");
    return this;
  }

  /**
   * Called on the worker thread each time a branch fails for good, as it happens, for example to
   * print errors while the crawl goes on. The report lists the same errors at the end. An exception
   * thrown by the listener fails the crawl.
   *
   * @param listener thread-safe; called concurrently from several workers
   * @return this builder
   */
  public Crawler<T, S> errorListener(Consumer<? super BranchError<T>> listener) {
    checkState(this.errorListener == null, "errorListener was already set");
    this.errorListener = requireNonNull(listener, "listener");
    return this;
  }

  @VisibleForTesting
  Crawler<T, S> timeSource(TimeSource time) {
    checkState(this.timeSource == null, "timeSource was already set");
    this.timeSource = requireNonNull(time, "time");
    return this;
  }

  /** Seeds the workers' random choices (the retry jitter), so tests can replay a run's waits. */
  @VisibleForTesting
  Crawler<T, S> seed(long seed) {
    checkState(this.seed == null, "seed was already set to %s", this.seed);
    this.seed = seed;
    return this;
  }

  /**
   * Starts a crawl whose visits are read from {@link Crawl#visits()}.
   *
   * @param root the first branch; visited at depth 0, then listed
   * @return the running crawl; close it
   */
  public Crawl<T> start(T root) {
    return CrawlEngine.start(settings(), List.of(requireNonNull(root, "root")), null);
  }

  /**
   * Starts a crawl that calls {@code consumer} for every visit, on the worker threads, as visits
   * happen. The consumer must be thread-safe; while it runs, its worker lists nothing, so a slow
   * consumer slows the crawl. A consumer that throws fails the crawl.
   *
   * @param root the first branch; visited at depth 0, then listed
   * @param consumer receives every visit; thread-safe
   * @return the running crawl; close it
   */
  public Crawl<T> start(T root, Consumer<? super Visit<T>> consumer) {
    return CrawlEngine.start(
        settings(), List.of(requireNonNull(root, "root")), requireNonNull(consumer, "consumer"));
  }

  /**
   * Starts one crawl from several roots, whose visits are read from {@link Crawl#visits()}. The
   * workers share all the roots' work, so none idles while another root's subtree is still being
   * listed, as they would if each root were crawled in turn. Each root is visited at depth 0.
   *
   * @param roots one or more branches; with {@code distinctBy}, a root whose key was already given
   *     is crawled once
   * @return the running crawl; close it
   */
  public Crawl<T> startAll(List<? extends T> roots) {
    return CrawlEngine.start(settings(), checkRoots(roots), null);
  }

  /**
   * Starts one crawl from several roots that calls {@code consumer} for every visit; see {@link
   * #startAll(List)} and {@link #start(Object, Consumer)}.
   *
   * @param roots one or more branches
   * @param consumer receives every visit; thread-safe
   * @return the running crawl; close it
   */
  public Crawl<T> startAll(List<? extends T> roots, Consumer<? super Visit<T>> consumer) {
    return CrawlEngine.start(settings(), checkRoots(roots), requireNonNull(consumer, "consumer"));
  }

  private static <T> List<T> checkRoots(List<? extends T> roots) {
    requireNonNull(roots, "roots");
    checkArgument(!roots.isEmpty(), "roots must not be empty");
    for (T root : roots) {
      requireNonNull(root, "a root must not be null");
    }
    return List.copyOf(roots);
  }

  private int preferredWorkers() {
    int preferred = source.preferredWorkers();
    checkArgument(
        preferred >= 0 && preferred <= MAX_WORKERS,
        "the source's preferredWorkers() (%s) must be from 0 to %s",
        preferred,
        MAX_WORKERS);
    return preferred == 0 ? DEFAULT_WORKERS : preferred;
  }

  private CrawlSettings<T, S> settings() {
    int n = workers != -1 ? workers : preferredWorkers();
    return new CrawlSettings<>(
        source,
        n,
        startWorkers == -1 ? n : Math.min(startWorkers, n),
        rateLimit == -1 ? 0 : rateLimit,
        deadline,
        maxDepth == -1 ? Integer.MAX_VALUE : maxDepth,
        errorPolicy == null ? ErrorPolicy.CONTINUE : errorPolicy,
        retryPolicy == null ? RetryPolicy.defaults() : retryPolicy,
        distinctKey,
        bufferSize == -1 ? DEFAULT_BUFFER : bufferSize,
        threadFactory,
        errorListener == null ? error -> {} : errorListener,
        timeSource == null ? TimeSource.SYSTEM : timeSource,
        seed == null ? ThreadLocalRandom.current().nextLong() : seed);
  }
}
