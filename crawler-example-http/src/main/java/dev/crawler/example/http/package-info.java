/**
 * A worked example of a source: a {@link dev.crawler.example.http.HttpListingSource} crawls an HTTP
 * server's nested directory listings with the JDK's {@code java.net.http} client. Written to be
 * copied, not depended on: {@code src/site/markdown/writing-a-source.md} walks through it, and its
 * tests crawl a real server on loopback with latency and faults, ending with {@code
 * CrawlInvariants}.
 */
package dev.crawler.example.http;
