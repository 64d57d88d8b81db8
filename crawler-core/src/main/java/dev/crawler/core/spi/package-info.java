/**
 * The service-provider interface: what a plugin implements to make a tree crawlable.
 *
 * <p>{@link dev.crawler.core.spi.BranchSource} lists one branch into {@link
 * dev.crawler.core.spi.Children}. No type here involves threads: a source is plain code that the
 * engine calls from its workers, so it can run unchanged under another scheduler.
 */
package dev.crawler.core.spi;
