package dev.crawler.core;

/**
 * What the workers of one crawl coordinate through, and all a worker sees of the crawl: its
 * settings, the stop, the deadline, the work exchange and the party count, the rate limit, the
 * distinct-check, the failures, the visit sink and the workers held in reserve. Every part is
 * thread-safe.
 *
 * @param pacer {@code null} without a rate limit
 * @param roots the roots, until the first worker with a session claims them
 * @param workerExited run by each worker as its last act, after its session is closed
 */
record Coordination<T, S>(
    CrawlSettings<T, S> settings,
    CrawlStop stop,
    Deadline deadline,
    WorkExchange<T> exchange,
    PendingWork pending,
    Pacer pacer,
    SeenNodes<T> seen,
    BranchFailures<T> failures,
    VisitSink<T> sink,
    ReserveWorkers reserve,
    Roots<T> roots,
    Runnable workerExited) {}
