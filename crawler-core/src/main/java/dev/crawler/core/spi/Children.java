package dev.crawler.core.spi;

/**
 * Where {@link BranchSource#list} puts the children of the branch it lists.
 *
 * <p>Not thread-safe: an instance belongs to one call of {@code list} and may be used only on the
 * calling thread, only until that call returns. What it receives is committed to the crawl only
 * if {@code list} returns normally; the children of a failed attempt are dropped, so a retried
 * listing never yields a child twice.
 *
 * @param <T> the node type
 */
public interface Children<T> {

  /**
   * Adds a child that is a leaf: it is visited and never listed.
   *
   * @param node the child, not {@code null}
   */
  void leaf(T node);

  /**
   * Adds a child that is a branch: it is visited and listed in turn (unless it lies at the
   * crawl's maximum depth).
   *
   * @param node the child, not {@code null}
   */
  void branch(T node);
}
