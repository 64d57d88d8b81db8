package dev.crawler.kafka;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import dev.crawler.core.spi.NodeCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One transaction's local crawl: a {@link BranchSource} that lists through the real source while
 * the transaction's budget lasts, and after that sets aside, unlisted, every branch the local
 * engine asks it to list: the frontier, which goes back to the branches topic for any process. So a
 * process descends into what it took (its own workers, handoff and stealing), and a transaction
 * still ends soon and holds a bounded number of branches.
 *
 * <p>The budget is spent when the slice's time is up, or when more than {@code maxPending} branches
 * wait in the local engine (found, not yet listed). Once spent it stays spent: the local engine
 * then drains in no more time than its listings in flight take, since a set-aside branch costs no
 * listing. So a transaction lasts at most its slice and one listing call, however many branches it
 * took.
 *
 * <p>Seeds, the branches the transaction took from Kafka, are listed until the slice's time is up
 * (the pending cap bounds what is found, not what was taken); a seed whose turn comes later is set
 * aside like a found branch, and the transaction sends it back to the topic as it commits its
 * offset: taken once, listed once, by whoever takes it next. The first {@code alwaysListed} listing
 * calls of a descent always go ahead, seed or not (one per worker: together they last about one
 * call), so every transaction makes progress however small its budget.
 *
 * <p><b>Held slices.</b> A transaction commits only when its last listing call returns, so a call
 * that outlasts the slice (a manager whose answer takes 90 searches) would leave the other workers
 * idle until it ends. While such a call, begun before the slice's time was up, still runs, and
 * {@code mayHold} says the transaction can keep what it finds (nothing it sent has started the
 * broker's clock: see {@link HeldSends}), the slice's time is not up: the other workers go on
 * listing seeds and found branches, in this transaction, until the last such call returns or {@code
 * mayHold} says no. Once over, the hold never starts again, so the descent still drains in one
 * call's time after it.
 *
 * <p>Every listing call through the real source is timed into a {@link ListingPace}, which sizes
 * what the next transactions take, and how many branches one call lists together (read once per
 * descent by the local engine).
 *
 * <p>{@link Children#commitLeaves()} is forwarded to the local engine: see {@code placing} for why
 * that stays exactly once across transactions.
 *
 * <p>Nodes travel as {@link Placed}: the node, its depth in the whole crawl, and its bytes, encoded
 * once when the node is found (a branch's before it is listed, while it holds what its listing
 * needs). Thread-safe: the local workers call it concurrently.
 */
final class LocalDescent<T, S> implements BranchSource<LocalDescent.Placed<T>, S> {

  /**
   * A node of the distributed crawl, placed: its depth in the whole crawl and its bytes. Equal when
   * the nodes are equal, so a source's distinct-check sees nodes, not placements.
   */
  static final class Placed<T> {
    final T node;
    final int depth;

    /** What lists it in another process ({@link NodeCodec#encode}); {@code null} for a leaf. */
    final byte[] bytes;

    /**
     * What its visit, and its children's visits as their parent, carry ({@link
     * NodeCodec#encodeForVisit}).
     */
    final byte[] visitBytes;

    /** Taken from Kafka by this transaction, rather than found in it. */
    final boolean seed;

    private Placed(T node, int depth, byte[] bytes, byte[] visitBytes, boolean seed) {
      this.node = Objects.requireNonNull(node, "node");
      this.depth = depth;
      this.bytes = bytes;
      this.visitBytes = visitBytes;
      this.seed = seed;
    }

    /**
     * A branch the transaction took from Kafka, decoded from {@code bytes}: always listed, never
     * set aside. {@code visitBytes} are what its children's visits carry as their parent.
     */
    static <T> Placed<T> seed(T node, int depth, byte[] bytes, byte[] visitBytes) {
      return new Placed<>(node, depth, bytes, visitBytes, true);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Placed<?> other && node.equals(other.node);
    }

    @Override
    public int hashCode() {
      return node.hashCode();
    }

    @Override
    public String toString() {
      return String.valueOf(node);
    }
  }

  private final BranchSource<T, S> source;
  private final NodeCodec<T> codec;

  /**
   * Whether the codec's visit bytes differ from its listing bytes: else one encoding serves both.
   */
  private final boolean lean;

  private final TimeSource clock;
  private final long sliceEnds;
  private final long maxPending;
  private final ListingPace pace;

  /** Listing calls that always go ahead, even when the slice's time is up. */
  private final int alwaysListed;

  /** Listing calls begun: once {@link #alwaysListed} have, a seed may be set aside. */
  private final AtomicInteger listingsBegun = new AtomicInteger();

  /** Found and not yet listed or set aside: the local engine's pending branches. */
  private final AtomicLong pending = new AtomicLong();

  /** Set once, never cleared: a transaction's budget is not refilled. */
  private volatile boolean spent;

  /** Whether the transaction can keep on listing past its slice: see "Held slices" above. */
  private final BooleanSupplier mayHold;

  /**
   * Listing calls begun before the slice's time was up and still running: they hold the slice open.
   */
  private final AtomicInteger holders = new AtomicInteger();

  /** Set once, never cleared: the slice's time is up and no longer held open. */
  private volatile boolean holdOver;

  private final AtomicLong listed = new AtomicLong();
  private final ConcurrentLinkedQueue<Placed<T>> frontier = new ConcurrentLinkedQueue<>();

  /**
   * @param seeds how many branches the transaction took: they wait, as found ones do
   * @param clock the slice's clock, and the listing calls' ({@link TimeSource#SYSTEM} but in tests)
   * @param sliceNanos how long the transaction lists before it sets branches aside
   * @param maxPending the most branches found and unlisted before found ones are set aside
   * @param pace where each listing call's time goes
   * @param alwaysListed how many listing calls go ahead even when the slice's time is up: at least
   *     1
   */
  LocalDescent(
      BranchSource<T, S> source,
      NodeCodec<T> codec,
      int seeds,
      TimeSource clock,
      long sliceNanos,
      long maxPending,
      ListingPace pace,
      int alwaysListed) {
    this(source, codec, seeds, clock, sliceNanos, maxPending, pace, alwaysListed, () -> false);
  }

  /**
   * As above, with a slice held open past its time while a call begun within it still runs and
   * {@code mayHold} says yes (see "Held slices" above). {@code mayHold} is asked by the workers,
   * concurrently; once it says no, the hold is over for this descent.
   */
  LocalDescent(
      BranchSource<T, S> source,
      NodeCodec<T> codec,
      int seeds,
      TimeSource clock,
      long sliceNanos,
      long maxPending,
      ListingPace pace,
      int alwaysListed,
      BooleanSupplier mayHold) {
    this.mayHold = Objects.requireNonNull(mayHold, "mayHold");
    this.source = source;
    this.codec = codec;
    this.lean = leanVisits(codec);
    this.clock = clock;
    this.sliceEnds = clock.nanoTime() + sliceNanos;
    this.maxPending = maxPending;
    this.pace = Objects.requireNonNull(pace, "pace");
    this.alwaysListed = Math.max(1, alwaysListed);
    this.pending.set(seeds);
  }

  /**
   * Whether {@code codec} encodes visits its own way, rather than as whole nodes: if not, a
   * branch's one encoding serves both, and is not made twice. Looked up once per codec class.
   */
  static boolean leanVisits(NodeCodec<?> codec) {
    return LEAN.get(codec.getClass());
  }

  private static final ClassValue<Boolean> LEAN =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> codecClass) {
          try {
            return codecClass.getMethod("encodeForVisit", Object.class).getDeclaringClass()
                != NodeCodec.class;
          } catch (NoSuchMethodException e) {
            throw new AssertionError("NodeCodec declares encodeForVisit", e);
          }
        }
      };

  /** The branches set aside: visited in this transaction, to be listed by whoever takes them. */
  List<Placed<T>> frontier() {
    return new ArrayList<>(frontier);
  }

  /** Listings made through the real source (set-aside branches are not listings). */
  long listings() {
    return listed.get();
  }

  @Override
  public S open() throws Exception {
    return source.open();
  }

  @Override
  public void close(S session) throws Exception {
    source.close(session);
  }

  @Override
  public boolean isTransient(Exception failure) {
    return source.isTransient(failure);
  }

  @Override
  public boolean isSessionBroken(Exception failure) {
    return source.isSessionBroken(failure);
  }

  @Override
  public int batchLimit() {
    return pace.batchLimit(source.batchLimit());
  }

  @Override
  public void list(S session, Placed<T> branch, Children<Placed<T>> out) throws Exception {
    if (setAsideIfSpent(branch)) {
      return;
    }
    listingsBegun.incrementAndGet();
    long starts = clock.nanoTime();
    boolean holds = beginCall(starts);
    try {
      source.list(session, branch.node, placing(branch, out));
    } finally {
      endCall(holds);
    }
    pace.record(clock.nanoTime() - starts, 1);
    listedOne();
  }

  @Override
  public void listAll(S session, List<Placed<T>> branches, List<? extends Children<Placed<T>>> out)
      throws Exception {
    List<T> nodes = new ArrayList<>(branches.size());
    List<Children<T>> placing = new ArrayList<>(branches.size());
    List<Placed<T>> aside = new ArrayList<>();
    boolean spentNow = budgetSpent();
    boolean timeUpNow = seedsDue();
    for (int i = 0; i < branches.size(); i++) {
      Placed<T> branch = branches.get(i);
      if (branch.seed ? timeUpNow : spentNow) {
        aside.add(branch);
      } else {
        nodes.add(branch.node);
        placing.add(placing(branch, out.get(i)));
      }
    }
    if (!nodes.isEmpty()) {
      // If this throws, the engine calls again (or lists one by one): nothing was set aside yet.
      listingsBegun.incrementAndGet();
      long starts = clock.nanoTime();
      boolean holds = beginCall(starts);
      try {
        source.listAll(session, nodes, placing);
      } finally {
        endCall(holds);
      }
      pace.record(clock.nanoTime() - starts, nodes.size());
    }
    for (int i = 0; i < nodes.size(); i++) {
      listedOne();
    }
    for (Placed<T> branch : aside) {
      setAside(branch);
    }
  }

  /**
   * Sets {@code branch} aside if it was found here and the budget is spent, or was taken from Kafka
   * and the slice's time is up (after the listings that always go ahead); says whether it did.
   */
  private boolean setAsideIfSpent(Placed<T> branch) {
    if (branch.seed ? !seedsDue() : !budgetSpent()) {
      return false;
    }
    setAside(branch);
    return true;
  }

  private void setAside(Placed<T> branch) {
    frontier.add(branch);
    pending.decrementAndGet();
  }

  private void listedOne() {
    listed.incrementAndGet();
    pending.decrementAndGet();
  }

  /** Whether the budget is spent: the slice's time is up or too many branches waited. */
  boolean budgetSpent() {
    if (spent) {
      return true;
    }
    if (pending.get() > maxPending || timeUp()) {
      spent = true;
    }
    return spent;
  }

  /**
   * Whether seeds are set aside now: the slice's time is up and the listings that always go ahead
   * have begun. (Two workers may both see one call short of that and both list: one more call.)
   */
  private boolean seedsDue() {
    return timeUp() && listingsBegun.get() >= alwaysListed;
  }

  /**
   * Whether the slice's time is up: past its end, and not held open by a call begun before it that
   * still runs (while the transaction may hold: see "Held slices" above).
   */
  private boolean timeUp() {
    if (clock.nanoTime() - sliceEnds < 0) {
      return false;
    }
    if (!holdOver) {
      if (holders.get() > 0 && mayHold.getAsBoolean()) {
        return false;
      }
      holdOver = true; // never held open again: the descent drains from here in one call's time
    }
    return true;
  }

  /**
   * Counts a call that begins at {@code starts} among those holding the slice open, if it begins
   * before the slice's end; says whether it does. A call counted here is always ended by {@link
   * #endCall}, whatever it throws.
   */
  private boolean beginCall(long starts) {
    if (starts - sliceEnds >= 0) {
      return false;
    }
    holders.incrementAndGet();
    return true;
  }

  private void endCall(boolean holds) {
    if (holds) {
      holders.decrementAndGet();
    }
  }

  /** Children of {@code parent}, placed one level below it and encoded once. */
  private Children<T> placing(Placed<T> parent, Children<Placed<T>> out) {
    int depth = parent.depth + 1;
    return new Children<>() {
      @Override
      public void leaf(T node) {
        out.leaf(new Placed<>(node, depth, null, codec.encodeForVisit(node), false));
      }

      @Override
      public void branch(T node) {
        // Counted when found. A listing that fails after this (and is retried, or fails for good)
        // leaves its count high: that only makes the budget end sooner.
        pending.incrementAndGet();
        byte[] bytes = codec.encode(node); // now, while the node holds what its listing needs
        out.branch(
            new Placed<>(node, depth, bytes, lean ? codec.encodeForVisit(node) : bytes, false));
      }

      /**
       * Forwarded, so a huge listing holds only what it added since its last commit here too. Exact
       * over Kafka: the local engine delivers committed leaves to the transaction's visits, not to
       * the world. If the listing then fails, the local engine reports it as a branch error (as in
       * one JVM), and the error commits with the leaves. If the transaction aborts (rebalance, a
       * local crawl that failed, a process killed), the leaves abort with it, and whoever takes the
       * branch again lists it whole in a transaction of its own. Either way each leaf is read once
       * by {@code read_committed} readers.
       */
      @Override
      public void commitLeaves() {
        out.commitLeaves();
      }
    };
  }
}
