package dev.crawler.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves a {@code crawler-*} thread alive: a crawl's report is returned only
 * after its threads were joined, so any survivor is a leak. Registered for every test class by
 * JUnit's extension autodetection ({@code junit.jupiter.extensions.autodetection.enabled}, which
 * this project sets in the parent {@code pom.xml}) and a {@code META-INF/services} entry.
 */
public final class NoCrawlerThreadsLeft implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    CrawlInvariants.assertNoCrawlerThreads();
  }
}
