/**
 * Test fixtures for crawls, shipped to every module's tests and to the benchmarks: synthetic {@link
 * dev.crawler.testing.Tree}s with one definition per shape, a {@link
 * dev.crawler.testing.TreeSource} with faults and delays that checks its own contract, recorders of
 * visits, and the one invariant checker, {@link dev.crawler.testing.CrawlInvariants}.
 *
 * <p>For users, to test their own sources: {@link dev.crawler.testing.VisitLog} and {@link
 * dev.crawler.testing.CrawlInvariants#assertCrawlInvariants(dev.crawler.core.CrawlReport, VisitLog,
 * java.util.Map, java.util.Set)}, {@link dev.crawler.testing.CrawlInvariants#awaitOrDump} and
 * {@link dev.crawler.testing.NoCrawlerThreadsLeft} (README, "Check your own source", and {@code
 * src/site/markdown/writing-a-source.md}, section 8). The trees and {@code TreeSource} serve the
 * engine's own tests and may change with them.
 */
package dev.crawler.testing;
