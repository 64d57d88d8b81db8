package dev.crawler.core;

import dev.crawler.core.spi.BranchSource;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A crawl's settings, resolved to their defaults by {@link Crawler}. Immutable.
 *
 * @param rateLimit listings per second; 0 for none
 * @param deadline {@code null} for none
 * @param maxDepth {@link Integer#MAX_VALUE} for none
 * @param distinctKey {@code null} to visit every node the source yields
 * @param threadFactory {@code null} for the default daemon threads
 * @param seed seeds the workers' random choices (the retry jitter), so a run can be replayed
 */
record CrawlSettings<T, S>(
    BranchSource<T, S> source,
    int workers,
    int startWorkers,
    double rateLimit,
    Duration deadline,
    int maxDepth,
    ErrorPolicy errorPolicy,
    RetryPolicy retryPolicy,
    Function<? super T, ?> distinctKey,
    int bufferSize,
    ThreadFactory threadFactory,
    Consumer<? super BranchError<T>> errorListener,
    TimeSource time,
    long seed) {}
