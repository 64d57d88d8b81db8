package dev.crawler.bench;

import java.util.function.IntConsumer;

/**
 * One way to crawl a {@link SlowTree} with {@code workers} threads: calls {@code visit} once for
 * every node, the root included, and returns when the crawl is complete.
 */
interface Peer {
  String name();

  void crawl(SlowTree tree, int workers, IntConsumer visit) throws Exception;

  /** Whether this peer can run here (virtual threads need JDK 21+). */
  default boolean available() {
    return true;
  }
}
