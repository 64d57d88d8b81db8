/**
 * The crawl engine ({@link dev.crawler.core}) and its service-provider interface ({@link
 * dev.crawler.core.spi}). The engine's own classes are package-private; these two packages are the
 * whole API.
 */
module dev.crawler.core {
  requires com.google.common;
  requires org.slf4j;

  exports dev.crawler.core;
  exports dev.crawler.core.spi;
}
