package dev.crawler.kafka;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A root with {@code branches} directories of {@code leaves} files each, listed as a huge directory
 * is: committing its leaves every {@code commitEvery} ({@link Children#commitLeaves()}). Branch
 * {@code b}'s leaves are {@code b * 1,000,000 + i}. One branch may fail after its second commit (an
 * I/O error, which would be retried if nothing had been committed), or hang after its last commit,
 * saying so on stdout, for a process to be killed there: by then its 40,000 committed leaves filled
 * more than one record of visits (256 KB), which went to the open transaction. Thread-safe.
 */
final class WideLeavesSource implements BranchSource<Integer, Void> {
  static final int BRANCHES = 4;
  static final int LEAVES = 40_000;
  static final int COMMIT_EVERY = 1_000;

  /** The branch that fails or hangs. */
  static final int ODD_BRANCH = 2;

  /** Failing after this many leaves: two commits in, and 500 leaves not committed. */
  static final int FAIL_AFTER = 2_500;

  enum Mode {
    PLAIN,
    FAIL_AFTER_COMMIT,
    HANG_AFTER_COMMIT
  }

  private final Mode mode;

  /** Leaves delivered so far, if the caller counts them; checked at each commit. */
  private final LongSupplier delivered;

  /**
   * Commits after which fewer leaves had been delivered than committed: the commit did not reach
   * the engine.
   */
  final AtomicLong lateCommits = new AtomicLong();

  private final CountDownLatch never = new CountDownLatch(1);

  WideLeavesSource(Mode mode, LongSupplier delivered) {
    this.mode = mode;
    this.delivered = delivered;
  }

  /** The nodes a crawl visits, each once, when the odd branch failed after its second commit. */
  static long nodesWhenTheOddBranchFailed() {
    return 1 + BRANCHES + (long) (BRANCHES - 1) * LEAVES + 2 * COMMIT_EVERY;
  }

  /** The nodes of the whole tree. */
  static long allNodes() {
    return 1 + BRANCHES + (long) BRANCHES * LEAVES;
  }

  @Override
  public Void open() {
    return null;
  }

  @Override
  public void list(Void session, Integer branch, Children<Integer> out)
      throws IOException, InterruptedException {
    if (branch == 0) {
      for (int b = 1; b <= BRANCHES; b++) {
        out.branch(b);
      }
      return;
    }
    long before = delivered.getAsLong();
    for (int i = 0; i < LEAVES; i++) {
      out.leaf(branch * 1_000_000 + i);
      if (branch == ODD_BRANCH && mode == Mode.FAIL_AFTER_COMMIT && i + 1 == FAIL_AFTER) {
        throw new IOException("read failed after " + FAIL_AFTER + " files");
      }
      if ((i + 1) % COMMIT_EVERY == 0) {
        out.commitLeaves();
        if (delivered.getAsLong() - before < i + 1) {
          lateCommits.incrementAndGet();
        }
        if (branch == ODD_BRANCH && mode == Mode.HANG_AFTER_COMMIT && i + 1 == LEAVES) {
          System.out.println("committed");
          System.out.flush();
          never.await(); // until the process is killed
        }
      }
    }
  }

  @Override
  public boolean isTransient(Exception failure) {
    return failure instanceof IOException;
  }
}
