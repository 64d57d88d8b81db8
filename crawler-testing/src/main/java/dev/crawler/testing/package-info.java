/**
 * Test fixtures for crawls, shipped to every module's tests and to the benchmarks: synthetic
 * {@link dev.crawler.testing.Tree}s with one definition per shape, a {@link
 * dev.crawler.testing.TreeSource} with faults and delays that checks its own contract, recorders
 * of visits, and the one invariant checker, {@link dev.crawler.testing.CrawlInvariants}. Not API
 * for users of the crawler.
 */
package dev.crawler.testing;
