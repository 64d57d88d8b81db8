package dev.crawler.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * One node reached by a crawl: what it is, how deep, and under which parent.
 *
 * <p>A branch is visited just before it is listed (or, at the crawl's maximum depth, when it is
 * found, since it will not be listed); a leaf when the listing of its parent is committed. So a
 * parent's visit is always delivered before its children's. Immutable and thread-safe.
 *
 * @param node the node
 * @param kind whether the node is a branch or a leaf
 * @param depth 0 for the root, 1 for its children, and so on
 * @param parent the branch whose listing yielded this node; {@code null} only for the root
 * @param <T> the node type
 */
public record Visit<T>(T node, Kind kind, int depth, T parent) {

  /** What a visited node is. */
  public enum Kind {
    /** A node that is listed (or would be, below the maximum depth). */
    BRANCH,
    /** A node that is never listed. */
    LEAF
  }

  /**
   * Checks the components.
   *
   * @param node the node
   * @param kind whether the node is a branch or a leaf
   * @param depth 0 for the root, 1 for its children, and so on
   * @param parent the branch whose listing yielded this node; {@code null} only for the root
   */
  public Visit {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(kind, "kind");
    checkArgument(depth >= 0, "depth (%s) must not be negative", depth);
    checkArgument((parent == null) == (depth == 0), "only the root (depth 0) has no parent");
  }

  /**
   * Whether the node is a branch.
   *
   * @return {@code kind() == BRANCH}
   */
  public boolean isBranch() {
    return kind == Kind.BRANCH;
  }

  /**
   * Whether the node is a leaf.
   *
   * @return {@code kind() == LEAF}
   */
  public boolean isLeaf() {
    return kind == Kind.LEAF;
  }
}
