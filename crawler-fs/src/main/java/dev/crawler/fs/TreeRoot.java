package dev.crawler.fs;

import java.nio.file.Path;

/**
 * One root of a crawl, as the directories under it remember it: excludes with a {@code /} match
 * paths relative to it, and with {@code oneFileSystem} its device bounds the walk. Immutable.
 *
 * @param path the root as given
 * @param device its device, only with {@code oneFileSystem}; {@code null} otherwise
 */
record TreeRoot(Path path, Object device) {}
