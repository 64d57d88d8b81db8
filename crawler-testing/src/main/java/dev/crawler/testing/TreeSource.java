package dev.crawler.testing;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link BranchSource} over a {@link Tree}, with the faults and delays tests need: a latency per
 * listing, branches that fail for good or a few times, and a hook run at every listing. Records
 * every session it opens and checks that each is closed once, on the thread that opened it.
 * Thread-safe.
 */
public class TreeSource implements BranchSource<Integer, TreeSource.Session> {

  /** Something to do at the start of a listing: advance a clock, cancel, block, throw. */
  @FunctionalInterface
  public interface Hook {
    /**
     * Runs at the start of a listing, on the worker's thread, before the latency.
     *
     * @param node the branch about to be listed
     * @param listingNumber how many listings started before this one, plus one
     * @throws Exception to make the listing fail with it
     */
    void onListing(int node, long listingNumber) throws Exception;
  }

  /** Thrown for an injected failure. */
  public static final class InjectedFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether the source calls this failure transient. */
    private final boolean isTransient;

    /**
     * A failure to throw from a listing.
     *
     * @param message what failed
     * @param isTransient whether the source calls it transient, so the engine may retry
     */
    public InjectedFailure(String message, boolean isTransient) {
      super(message);
      this.isTransient = isTransient;
    }

    /**
     * Whether the source calls this failure transient.
     *
     * @return true if a retry may succeed
     */
    public boolean isTransient() {
      return isTransient;
    }
  }

  /** One worker's session: remembers its thread and whether it was closed. */
  public static final class Session {
    final Thread owner = Thread.currentThread();
    final AtomicInteger closes = new AtomicInteger();
    volatile boolean broken;
  }

  private final Tree tree;
  private volatile long latencyNanos;
  private final Set<Integer> failForGood = ConcurrentHashMap.newKeySet();
  private final Map<Integer, AtomicInteger> failTransiently = new ConcurrentHashMap<>();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicLong listings = new AtomicLong();
  private final Set<String> violations = ConcurrentHashMap.newKeySet();
  private volatile Hook hook = (node, n) -> {};
  private volatile int batchLimit = 1;
  private final AtomicInteger largestBatch = new AtomicInteger(1);

  /**
   * A source over {@code tree}, with no latency, fault or hook until set.
   *
   * @param tree the tree to list
   */
  public TreeSource(Tree tree) {
    this.tree = tree;
  }

  /**
   * The tree this source lists.
   *
   * @return the tree
   */
  public Tree tree() {
    return tree;
  }

  /**
   * Every listing waits this long first (parkNanos: Thread.sleep rounds sub-millisecond waits up).
   *
   * @param nanos the wait per listing
   * @return this source
   */
  public TreeSource latency(long nanos) {
    this.latencyNanos = nanos;
    return this;
  }

  /**
   * Listing {@code branch} always fails with a permanent {@link InjectedFailure}.
   *
   * @param branch the branch that fails
   * @return this source
   */
  public TreeSource failForGood(int branch) {
    failForGood.add(branch);
    return this;
  }

  /**
   * Listing {@code branch} fails transiently {@code times} times, then succeeds.
   *
   * @param branch the branch that fails
   * @param times how many of its listings fail
   * @return this source
   */
  public TreeSource failTransiently(int branch, int times) {
    failTransiently.put(branch, new AtomicInteger(times));
    return this;
  }

  /**
   * Lets the engine list up to {@code limit} branches per call (the SPI's default listAll).
   *
   * @param limit the most branches per call
   * @return this source
   */
  public TreeSource batchLimit(int limit) {
    this.batchLimit = limit;
    return this;
  }

  @Override
  public int batchLimit() {
    return batchLimit;
  }

  /**
   * Records the batch's size, and a breach if the SPI's promise (two or more, up to the limit) is
   * broken.
   */
  @Override
  public void listAll(
      Session session, List<Integer> branches, List<? extends Children<Integer>> out)
      throws Exception {
    int n = branches.size();
    largestBatch.accumulateAndGet(n, Math::max);
    if (n < 2 || n > batchLimit || out.size() != n) {
      violations.add(
          "listAll with " + n + " branches and " + out.size() + " outputs, limit " + batchLimit);
    }
    BranchSource.super.listAll(session, branches, out);
  }

  /**
   * The most branches one {@code listAll} call was given.
   *
   * @return the largest batch, 1 if none was called
   */
  public int largestBatch() {
    return largestBatch.get();
  }

  /**
   * Runs {@code hook} at the start of every listing, replacing the one set before.
   *
   * @param hook what to do
   * @return this source
   */
  public TreeSource hook(Hook hook) {
    this.hook = hook;
    return this;
  }

  @Override
  public Session open() throws Exception {
    Session session = new Session();
    sessions.add(session);
    return session;
  }

  @Override
  public void list(Session session, Integer branch, Children<Integer> out) throws Exception {
    if (session == null || session.owner != Thread.currentThread()) {
      violations.add("session used by a thread that did not open it");
    }
    if (session != null && session.closes.get() > 0) {
      violations.add("listing with a closed session");
    }
    int node = branch;
    if (!tree.isBranch(node)) {
      violations.add("listed a leaf: " + node);
    }
    hook.onListing(node, listings.incrementAndGet());
    if (latencyNanos > 0) {
      LockSupport.parkNanos(latencyNanos);
    }
    if (failForGood.contains(node)) {
      throw new InjectedFailure("injected permanent failure at " + node, false);
    }
    AtomicInteger left = failTransiently.get(node);
    if (left != null && left.getAndDecrement() > 0) {
      throw new InjectedFailure("injected transient failure at " + node, true);
    }
    int count = tree.childCount(node);
    for (int i = 0; i < count; i++) {
      int child = tree.child(node, i);
      if (tree.isBranch(child)) {
        out.branch(child);
      } else {
        out.leaf(child);
      }
    }
  }

  @Override
  public void close(Session session) {
    if (session.owner != Thread.currentThread()) {
      violations.add("session closed by a thread that did not open it");
    }
    if (session.closes.incrementAndGet() != 1) {
      violations.add("session closed twice");
    }
  }

  @Override
  public boolean isTransient(Exception failure) {
    return failure instanceof InjectedFailure f && f.isTransient();
  }

  /**
   * Sessions opened so far.
   *
   * @return the count
   */
  public int sessionsOpened() {
    return sessions.size();
  }

  /**
   * Sessions opened and not closed exactly once.
   *
   * @return the count, 0 when all is well
   */
  public long sessionsNotClosed() {
    return sessions.stream().filter(s -> s.closes.get() != 1).count();
  }

  /**
   * Listings started so far, failed ones included.
   *
   * @return the count
   */
  public long listings() {
    return listings.get();
  }

  /**
   * Contract breaches the engine committed against this source.
   *
   * @return the breaches, empty when all is well
   */
  public Set<String> violations() {
    return violations;
  }
}
