package dev.crawler.testing;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.SplittableRandom;

/**
 * An immutable synthetic tree over int ids, numbered breadth first from the root (id 0), so the
 * children of a node are a contiguous id range and every parent's id is smaller than its
 * children's. Built and checked without recursion, so a million-deep chain is fine. Thread-safe.
 */
public final class Tree {
  private final String name;
  private final int size;
  private final int[] parent;
  private final int[] depth;
  private final int[] firstChild;
  private final int[] childCount;

  /** Nodes that are listed; a branch may have no children (an empty listing). */
  private final BitSet branch;

  private Tree(
      String name,
      int size,
      int[] parent,
      int[] depth,
      int[] firstChild,
      int[] childCount,
      BitSet branch) {
    this.name = name;
    this.size = size;
    this.parent = parent;
    this.depth = depth;
    this.firstChild = firstChild;
    this.childCount = childCount;
    this.branch = branch;
  }

  /**
   * Decides, node by node in id order, how many children it gets and whether a childless one is a
   * branch.
   */
  private interface Shape {
    int children(int node, int depth, int nodesSoFar);

    default boolean emptyBranch(int node) {
      return false;
    }
  }

  private static Tree build(String name, int maxNodes, Shape shape) {
    int capacity = 16;
    int[] parent = new int[capacity];
    int[] depth = new int[capacity];
    int[] first = new int[capacity];
    int[] count = new int[capacity];
    BitSet branch = new BitSet();
    parent[0] = -1;
    int size = 1;
    for (int n = 0; n < size; n++) {
      int k = Math.min(Math.max(0, shape.children(n, depth[n], size)), maxNodes - size);
      first[n] = size;
      count[n] = k;
      if (k > 0 || shape.emptyBranch(n)) {
        branch.set(n);
      }
      if (size + k > capacity) {
        capacity = Math.max(size + k, capacity * 2);
        parent = Arrays.copyOf(parent, capacity);
        depth = Arrays.copyOf(depth, capacity);
        first = Arrays.copyOf(first, capacity);
        count = Arrays.copyOf(count, capacity);
      }
      for (int c = size; c < size + k; c++) {
        parent[c] = n;
        depth[c] = depth[n] + 1;
      }
      size += k;
    }
    branch.set(0); // the root is always listed
    return new Tree(name, size, parent, depth, first, count, branch);
  }

  /**
   * Every branch has {@code fanout} children down to {@code levels} below the root.
   *
   * @param fanout children per branch
   * @param levels levels below the root
   * @return the tree
   */
  public static Tree balanced(int fanout, int levels) {
    return build(
        "balanced(" + fanout + "," + levels + ")",
        Integer.MAX_VALUE - 8,
        (n, d, s) -> d < levels ? fanout : 0);
  }

  /**
   * Random heavy-tailed fan-out: most branches have a few children, a few have thousands
   * (Pareto-like), some listings are empty; about {@code nodes} nodes.
   *
   * @param seed the random seed: the same seed, the same tree
   * @param nodes about how many nodes
   * @return the tree
   */
  public static Tree heavyTailed(long seed, int nodes) {
    SplittableRandom random = new SplittableRandom(seed);
    int hubs = Math.max(1, nodes / 50_000);
    return build(
        "heavyTailed(seed=" + seed + ",n=" + nodes + ")",
        nodes,
        new Shape() {
          int hubsLeft = hubs;

          @Override
          public int children(int node, int depth, int so) {
            if (node == 0) {
              return 12;
            }
            double u = random.nextDouble();
            if (u < 0.55) {
              return 0;
            }
            if (hubsLeft > 0 && u > 0.9995) {
              hubsLeft--;
              return 20_000;
            }
            // Pareto with alpha 1.2, scaled: mostly 1-5, sometimes hundreds.
            return (int)
                Math.min(5_000, Math.floor(1.0 / Math.pow(1.0 - random.nextDouble(), 1 / 1.2)));
          }

          @Override
          public boolean emptyBranch(int node) {
            return random.nextInt(4) == 0;
          }
        });
  }

  /**
   * A root with {@code children} children, of which {@code branchPercent}% are branches with a few
   * leaves.
   *
   * @param children the root's children
   * @param branchPercent the percentage of them that are branches
   * @param seed the random seed: the same seed, the same tree
   * @return the tree
   */
  public static Tree wide(int children, int branchPercent, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    BitSet isBranch = new BitSet();
    return build(
        "wide(" + children + "," + branchPercent + "%)",
        Integer.MAX_VALUE - 8,
        new Shape() {
          @Override
          public int children(int node, int depth, int so) {
            if (node == 0) {
              for (int c = 1; c <= children; c++) {
                if (random.nextInt(100) < branchPercent) {
                  isBranch.set(c);
                }
              }
              return children;
            }
            return depth == 1 && isBranch.get(node) ? 1 + random.nextInt(8) : 0;
          }

          @Override
          public boolean emptyBranch(int node) {
            return isBranch.get(node);
          }
        });
  }

  /**
   * A root with {@code branches} branches of {@code leavesEach} leaves each.
   *
   * @param branches the root's children, all branches
   * @param leavesEach the leaves under each
   * @return the tree
   */
  public static Tree flat(int branches, int leavesEach) {
    return build(
        "flat(" + branches + "x" + leavesEach + ")",
        Integer.MAX_VALUE - 8,
        (n, d, s) -> d == 0 ? branches : d == 1 ? leavesEach : 0);
  }

  /**
   * A root with {@code n} children that are all branches with empty listings.
   *
   * @param n the root's children
   * @return the tree
   */
  public static Tree wideOfEmptyBranches(int n) {
    return build(
        "wideOfEmptyBranches(" + n + ")",
        Integer.MAX_VALUE - 8,
        new Shape() {
          @Override
          public int children(int node, int depth, int so) {
            return node == 0 ? n : 0;
          }

          @Override
          public boolean emptyBranch(int node) {
            return true;
          }
        });
  }

  /**
   * A spine {@code length} branches deep; every {@code sideEvery}-th spine node also has a side
   * branch with two leaves (0 for a bare chain).
   *
   * @param length the spine's depth
   * @param sideEvery how often a side branch hangs off the spine
   * @return the tree
   */
  public static Tree chain(int length, int sideEvery) {
    BitSet spine = new BitSet();
    BitSet side = new BitSet();
    spine.set(0);
    return build(
        "chain(" + length + ",side=" + sideEvery + ")",
        Integer.MAX_VALUE - 8,
        (n, d, next) -> {
          if (spine.get(n)) {
            if (d >= length) {
              return 0;
            }
            spine.set(next); // ids are handed out in order: the first child continues the spine
            if (sideEvery > 0 && d % sideEvery == 0) {
              side.set(next + 1);
              return 2;
            }
            return 1;
          }
          return side.get(n) ? 2 : 0;
        });
  }

  /**
   * A root with no children.
   *
   * @return the tree
   */
  public static Tree single() {
    return build("single", 1, (n, d, s) -> 0);
  }

  /**
   * A random tree of about {@code nodes} nodes where a third of the branches list nothing.
   *
   * @param seed the random seed: the same seed, the same tree
   * @param nodes about how many nodes
   * @return the tree
   */
  public static Tree withEmptyListings(long seed, int nodes) {
    SplittableRandom random = new SplittableRandom(seed);
    return build(
        "withEmptyListings(seed=" + seed + ")",
        nodes,
        new Shape() {
          @Override
          public int children(int node, int depth, int so) {
            return random.nextInt(3) == 0 ? 0 : random.nextInt(6);
          }

          @Override
          public boolean emptyBranch(int node) {
            return true;
          }
        });
  }

  /**
   * How many nodes; they are numbered from 0 (the root), parents before their children.
   *
   * @return the node count
   */
  public int size() {
    return size;
  }

  /**
   * A node's parent.
   *
   * @param node a node other than the root
   * @return its parent's number
   */
  public int parent(int node) {
    return parent[node];
  }

  /**
   * A node's depth.
   *
   * @param node a node
   * @return 0 for the root, 1 for its children, and so on
   */
  public int depth(int node) {
    return depth[node];
  }

  /**
   * Whether a node is a branch, listed by a crawl (possibly empty), rather than a leaf.
   *
   * @param node a node
   * @return true for a branch
   */
  public boolean isBranch(int node) {
    return branch.get(node);
  }

  /**
   * How many children a node has.
   *
   * @param node a node
   * @return its child count, 0 for a leaf or an empty branch
   */
  public int childCount(int node) {
    return childCount[node];
  }

  /**
   * One of a node's children.
   *
   * @param node a node
   * @param index from 0 to {@link #childCount} - 1
   * @return the child's number
   */
  public int child(int node, int index) {
    checkArgument(index >= 0 && index < childCount[node], "node %s has no child %s", node, index);
    return firstChild[node] + index;
  }

  /**
   * The deepest node's depth.
   *
   * @return the height, 0 for a lone root
   */
  public int height() {
    int h = 0;
    for (int i = 0; i < size; i++) {
      h = Math.max(h, depth[i]);
    }
    return h;
  }

  /**
   * The nodes a crawl must visit when the given branches fail and nothing below {@code maxDepth} is
   * listed: every node whose ancestors were all listed.
   *
   * @param failedBranches branches whose listing fails for good
   * @param maxDepth the crawl's {@code maxDepth}, {@link Integer#MAX_VALUE} for none
   * @return the nodes to visit, each once
   */
  public BitSet expectedVisits(Collection<Integer> failedBranches, int maxDepth) {
    BitSet failed = new BitSet();
    failedBranches.forEach(failed::set);
    BitSet expected = new BitSet(size);
    expected.set(0);
    for (int n = 1; n < size; n++) { // parents come before children in id order
      int p = parent[n];
      if (expected.get(p) && !failed.get(p) && depth[p] < maxDepth) {
        expected.set(n);
      }
    }
    return expected;
  }

  @Override
  public String toString() {
    return name + "[" + size + " nodes]";
  }
}
