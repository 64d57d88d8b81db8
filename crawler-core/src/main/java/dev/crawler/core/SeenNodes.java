package dev.crawler.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The keys of the nodes a crawl has met, for {@code Crawler.distinctBy}; without a key function
 * every node is new. Thread-safe.
 */
final class SeenNodes<T> {
  private final Function<? super T, ?> key;
  private final Set<Object> seen;

  SeenNodes(Function<? super T, ?> key) {
    this.key = key;
    this.seen = key == null ? null : ConcurrentHashMap.newKeySet();
  }

  /** Whether {@code node} is met for the first time; always true without a key function. */
  boolean firstSighting(T node) {
    return seen == null || seen.add(key.apply(node));
  }
}
