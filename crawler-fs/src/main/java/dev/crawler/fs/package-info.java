/**
 * Crawling filesystem trees: {@link dev.crawler.fs.FileTreeSource} lists directories for the engine
 * in {@code dev.crawler.core}; {@link dev.crawler.fs.FileEntry} is what each visit carries; {@link
 * dev.crawler.fs.PathBytes} gives a name's exact bytes for output.
 */
package dev.crawler.fs;
