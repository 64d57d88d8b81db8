package dev.crawler.core.spi;

/**
 * Where {@link BranchSource#list} puts the children of the branch it lists.
 *
 * <p>Not thread-safe: an instance belongs to one call of {@code list} and may be used only on the
 * calling thread, only until that call returns. What it receives is committed to the crawl only if
 * {@code list} returns normally; the children of a failed attempt are dropped, so a retried listing
 * never yields a child twice. The one exception is {@link #commitLeaves()}, for a listing whose
 * leaves could fill memory: the leaves it commits count at once, whatever follows.
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
   * Adds a child that is a branch: it is visited and listed in turn (unless it lies at the crawl's
   * maximum depth).
   *
   * @param node the child, not {@code null}
   */
  void branch(T node);

  /**
   * Commits the leaves added so far: they are delivered now, before {@code list} returns, and count
   * even if this attempt fails later. So a listing of millions of leaves (a directory of a million
   * files) holds at most what it added since its last commit, not all of them; branches stay
   * buffered until {@code list} returns, as they always are.
   *
   * <p>The price is a retry: a listing that fails after a commit is not tried again (it would yield
   * the committed leaves twice) but reported as a branch error at once, whatever the retry policy
   * says. Commit in large groups (thousands), and only where one listing can be too large to hold.
   * Returns when the leaves are delivered, which may wait for a slow consumer (back-pressure).
   * Sources that never call it lose nothing; the default, for {@code Children} made outside the
   * engine, does nothing.
   *
   * @throws java.util.concurrent.CancellationException if the crawl stops meanwhile: let it
   *     propagate out of {@code list}
   */
  default void commitLeaves() {}
}
