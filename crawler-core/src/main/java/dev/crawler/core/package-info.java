/**
 * The crawl engine: {@link dev.crawler.core.Crawler} configures and starts a crawl over a {@link
 * dev.crawler.core.spi.BranchSource}; {@link dev.crawler.core.Crawl} is the running crawl, its
 * visits (a push consumer or a back-pressured stream), its progress and its end; {@link
 * dev.crawler.core.CrawlReport} says how it ended and what it did.
 *
 * <p>Everything else here is the package-private engine, one job per class: {@code CrawlEngine}
 * (the handle, and the overview comment with the invariants and why no wait can hang), {@code
 * Worker} (the loop), {@code Lister} (one worker's session and its listings with retry), {@code
 * WorkExchange} (handoff and stealing), {@code WorkStack} and {@code PendingWork} (pending branches
 * and the Phaser that knows when none is left), {@code CrawlStop}, {@code Deadline}, {@code Pacer},
 * {@code BranchFailures}, {@code SeenNodes}, the visit sinks, and {@code Tally}, where the workers'
 * counters become the report.
 *
 * <p>Naming: {@code offer} tries without blocking, {@code await} blocks, as in {@code
 * java.util.concurrent}; a method whose name says who may call it ("Owner:", "Peer:" in its
 * Javadoc) must be called only by that thread.
 */
package dev.crawler.core;
