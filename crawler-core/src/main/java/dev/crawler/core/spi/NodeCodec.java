package dev.crawler.core.spi;

/**
 * Turns a source's nodes into bytes and back, for crawls whose branches cross processes (a crawl
 * over Kafka: see crawler-kafka). A source stays free of threading and transport; a codec is all
 * such a crawl asks of it besides {@link BranchSource}. Implementations must be thread-safe.
 *
 * <p>A decoded node must list exactly as the original would in the process that encoded it: the
 * same children, the same failures. Processes of one crawl build their sources from the same
 * settings, so a codec may rely on what those settings fix (the roots of a tree, a base DN).
 *
 * @param <T> the node type
 */
public interface NodeCodec<T> {

  /**
   * The node's bytes.
   *
   * @param node a node the source produced
   * @return bytes that {@link #decode} turns back into an equivalent node
   */
  byte[] encode(T node);

  /**
   * The bytes a visit of the node carries: enough to show it (and to tell it from others), not
   * necessarily to list it. A node that carries state for its listing (an org chart's manager with
   * their reports already fetched) can leave that out here, since a visit is sent once per node and
   * its parent's bytes with it. {@link #decode} must accept these bytes too. By default, the whole
   * node.
   *
   * @param node a node the source produced, listed or not
   * @return the bytes a visit of {@code node} carries
   */
  default byte[] encodeForVisit(T node) {
    return encode(node);
  }

  /**
   * The node {@code bytes} stand for.
   *
   * @param bytes what {@link #encode} or {@link #encodeForVisit} returned, possibly in another
   *     process
   * @return the node
   * @throws IllegalArgumentException if the bytes are not an encoded node
   */
  T decode(byte[] bytes);
}
