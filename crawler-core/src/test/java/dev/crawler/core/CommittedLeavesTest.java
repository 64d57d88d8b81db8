package dev.crawler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import dev.crawler.testing.CrawlInvariants;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Children#commitLeaves()}: a listing too large to hold delivers its leaves as it goes.
 * Committed leaves are delivered before {@code list} returns and exactly once: a listing that fails
 * after a commit is a branch error at once, never retried; a consumer's failure during such a
 * delivery fails the crawl, as it would after the listing; a stop during it ends the crawl.
 */
class CommittedLeavesTest {
  private static final RetryPolicy FIVE_ATTEMPTS =
      new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, 0.0);

  /** Root 0 has branches 1..subs; branch b has leaves b * 1,000,000 + i. */
  private static final class WideSource implements BranchSource<Integer, Void> {
    final int subs;
    final int leaves;
    final int commitEvery;
    final int batchLimit;

    /** Branch whose listing throws (transiently) after its failAfter-th leaf, failures times. */
    volatile int failBranch = -1;

    volatile int failAfter;
    final AtomicInteger failuresLeft = new AtomicInteger(Integer.MAX_VALUE);
    final Map<Integer, AtomicInteger> listings = new ConcurrentHashMap<>();

    /** Leaves the consumer had received when each commit returned, against those committed. */
    final List<String> lateCommits = Collections.synchronizedList(new ArrayList<>());

    final AtomicInteger delivered = new AtomicInteger();
    final AtomicReference<Throwable> sawInList = new AtomicReference<>();

    WideSource(int subs, int leaves, int commitEvery, int batchLimit) {
      this.subs = subs;
      this.leaves = leaves;
      this.commitEvery = commitEvery;
      this.batchLimit = batchLimit;
    }

    @Override
    public void list(Void session, Integer branch, Children<Integer> out) throws IOException {
      listings.computeIfAbsent(branch, b -> new AtomicInteger()).incrementAndGet();
      if (branch == 0) {
        for (int b = 1; b <= subs; b++) {
          out.branch(b);
        }
        return;
      }
      try {
        for (int i = 0; i < leaves; i++) {
          out.leaf(branch * 1_000_000 + i);
          if (branch == failBranch && i + 1 == failAfter && failuresLeft.getAndDecrement() > 0) {
            throw new IOException("read failed after " + failAfter + " leaves");
          }
          if ((i + 1) % commitEvery == 0) {
            int before = delivered.get();
            out.commitLeaves();
            if (batchLimit == 1 && delivered.get() - before < commitEvery) {
              lateCommits.add(
                  branch
                      + ": "
                      + (delivered.get() - before)
                      + " of "
                      + commitEvery
                      + " delivered at commit");
            }
          }
        }
      } catch (RuntimeException | Error e) {
        sawInList.set(e);
        throw e;
      }
    }

    @Override
    public int batchLimit() {
      return batchLimit;
    }

    @Override
    public boolean isTransient(Exception failure) {
      return failure instanceof IOException;
    }
  }

  /** Counts every leaf delivered and notes any delivered twice. */
  private static final class LeafCounter implements Consumer<Visit<Integer>> {
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    final Set<Integer> twice = ConcurrentHashMap.newKeySet();
    final WideSource source;

    LeafCounter(WideSource source) {
      this.source = source;
    }

    @Override
    public void accept(Visit<Integer> visit) {
      if (!seen.add(visit.node())) {
        twice.add(visit.node());
      }
      if (visit.kind() == Visit.Kind.LEAF) {
        source.delivered.incrementAndGet();
      }
    }
  }

  @ParameterizedTest(name = "{0} workers")
  @ValueSource(ints = {1, 4})
  void committedLeaves_areDeliveredBeforeTheListingReturns_eachOnce(int workers) throws Exception {
    WideSource source = new WideSource(3, 10_000, 1_000, 1);
    LeafCounter counter = new LeafCounter(source);
    try (Crawl<Integer> crawl = Crawler.over(source).workers(workers).start(0, counter)) {
      CrawlReport<Integer> report =
          CrawlInvariants.awaitOrDump(crawl, Duration.ofSeconds(30), "wide crawl");
      assertEquals(Outcome.COMPLETE, report.outcome());
    }
    assertEquals(List.of(), source.lateCommits, "leaves waited for the end of their listing");
    assertEquals(1 + 3 + 30_000, counter.seen.size());
    assertEquals(Set.of(), counter.twice);
  }

  @Test
  void aFailureAfterACommit_isABranchErrorAtOnce_neverRetried() throws Exception {
    WideSource source = new WideSource(2, 5_000, 1_000, 1);
    source.failBranch = 2;
    source.failAfter = 2_500; // after two commits
    LeafCounter counter = new LeafCounter(source);
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(1).retry(FIVE_ATTEMPTS).start(0, counter)) {
      CrawlReport<Integer> report =
          CrawlInvariants.awaitOrDump(crawl, Duration.ofSeconds(30), "failing crawl");
      assertEquals(Outcome.PARTIAL, report.outcome());
      assertEquals(1, report.errors().size());
      BranchError<Integer> error = report.errors().get(0);
      assertEquals(2, error.branch());
      assertEquals(1, error.attempts(), "retried after its leaves were delivered");
      assertEquals(0, report.retries());
    }
    assertEquals(1, source.listings.get(2).get());
    assertEquals(Set.of(), counter.twice);
    Set<Integer> ofTwo = new HashSet<>();
    for (int leaf : counter.seen) {
      if (leaf >= 2_000_000 && leaf < 3_000_000) {
        ofTwo.add(leaf);
      }
    }
    assertEquals(2_000, ofTwo.size(), "the two committed groups, and only those");
  }

  @Test
  void aFailureBeforeAnyCommit_isStillRetried() throws Exception {
    WideSource source = new WideSource(1, 5_000, 1_000, 1);
    source.failBranch = 1;
    source.failAfter = 500;
    source.failuresLeft.set(2);
    LeafCounter counter = new LeafCounter(source);
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(1).retry(FIVE_ATTEMPTS).start(0, counter)) {
      CrawlReport<Integer> report =
          CrawlInvariants.awaitOrDump(crawl, Duration.ofSeconds(30), "retried crawl");
      assertEquals(Outcome.COMPLETE, report.outcome());
      assertEquals(2, report.retries());
    }
    assertEquals(1 + 1 + 5_000, counter.seen.size());
    assertEquals(Set.of(), counter.twice);
  }

  /** In a batch, the branches that committed are reported; the others are listed again alone. */
  @Test
  void aBatchThatFailsAfterACommit_reportsTheCommittedBranches_andRelistsTheRest()
      throws Exception {
    WideSource source = new WideSource(4, 3_000, 1_000, 4);
    source.failBranch = 3;
    source.failAfter = 1_500; // batches list their branches in turn: newest first
    source.failuresLeft.set(1);
    LeafCounter counter = new LeafCounter(source);
    try (Crawl<Integer> crawl =
        Crawler.over(source).workers(1).retry(FIVE_ATTEMPTS).start(0, counter)) {
      CrawlReport<Integer> report =
          CrawlInvariants.awaitOrDump(crawl, Duration.ofSeconds(30), "batch crawl");
      assertEquals(Outcome.PARTIAL, report.outcome());
      Set<Integer> failed = new HashSet<>();
      report.errors().forEach(e -> failed.add(e.branch()));
      assertTrue(failed.contains(3), "the failing branch is reported: " + failed);
      for (int b = 1; b <= 4; b++) {
        int leaves = 0;
        for (int leaf : counter.seen) {
          leaves += leaf / 1_000_000 == b && leaf % 1_000_000 < 3_000 && leaf >= 1_000_000 ? 1 : 0;
        }
        if (!failed.contains(b)) {
          assertEquals(3_000, leaves, "branch " + b + ", not reported, is whole");
        }
      }
    }
    assertEquals(Set.of(), counter.twice);
  }

  @Test
  void aConsumerThatThrowsDuringACommit_failsTheCrawl() throws Exception {
    WideSource source = new WideSource(1, 5_000, 1_000, 1);
    IllegalStateException boom = new IllegalStateException("consumer broke");
    AtomicInteger leaves = new AtomicInteger();
    try (Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(2)
            .retry(FIVE_ATTEMPTS)
            .start(
                0,
                v -> {
                  if (v.kind() == Visit.Kind.LEAF && leaves.incrementAndGet() == 1_500) {
                    throw boom;
                  }
                })) {
      CrawlReport<Integer> report =
          CrawlInvariants.awaitOrDump(crawl, Duration.ofSeconds(30), "consumer failure");
      assertEquals(Outcome.FAILED, report.outcome());
      assertSame(boom, report.failure());
    }
    assertEquals(1, source.listings.get(1).get(), "not retried");
  }

  @Test
  void aCancelDuringACommit_endsTheCrawl_andTheSourceSeesACancellation() throws Exception {
    WideSource source = new WideSource(2, 100_000, 1_000, 1);
    AtomicInteger leaves = new AtomicInteger();
    CompletableFuture<Crawl<Integer>> handle =
        new CompletableFuture<>(); // the consumer may run before start returns
    try (Crawl<Integer> crawl =
        Crawler.over(source)
            .workers(1)
            .start(
                0,
                v -> {
                  if (v.kind() == Visit.Kind.LEAF && leaves.incrementAndGet() == 1_500) {
                    handle.join().cancel();
                  }
                })) {
      handle.complete(crawl);
      CrawlReport<Integer> report =
          CrawlInvariants.awaitOrDump(crawl, Duration.ofSeconds(30), "cancelled crawl");
      assertEquals(Outcome.CANCELLED, report.outcome());
    }
    assertInstanceOf(CancellationException.class, source.sawInList.get());
    assertTrue(leaves.get() < 3_000, leaves.get() + " leaves after the cancel");
  }

  /** Through the stream, whose reader is slower than the crawl: back-pressure, every leaf once. */
  @Test
  void throughABoundedStream_everyLeafOnce() throws Exception {
    WideSource source = new WideSource(3, 20_000, 2_000, 1);
    Set<Integer> seen = new HashSet<>();
    int twice = 0;
    try (Crawl<Integer> crawl = Crawler.over(source).workers(3).bufferSize(64).start(0)) {
      for (Iterator<Visit<Integer>> it = crawl.visits().iterator(); it.hasNext(); ) {
        twice += seen.add(it.next().node()) ? 0 : 1;
      }
      assertEquals(Outcome.COMPLETE, crawl.await().outcome());
    }
    assertEquals(0, twice);
    assertEquals(1 + 3 + 60_000, seen.size());
  }
}
