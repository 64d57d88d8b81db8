package dev.crawler.core;

/**
 * A branch waiting to be listed, with what its visit needs. Immutable.
 *
 * @param node the branch
 * @param depth its depth, 0 for the root
 * @param parent the branch that yielded it; {@code null} for the root
 */
record Task<T>(T node, int depth, T parent) {}
