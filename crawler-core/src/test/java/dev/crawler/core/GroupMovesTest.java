package dev.crawler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.WorkerStats.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * For a source that lists several branches per call, a steal or a handoff moves up to its batch
 * limit of branches at once, never more than half of what the victim has spare, the oldest first,
 * under one party; for a source that lists one branch per call, exactly one.
 */
class GroupMovesTest {
  private final AtomicInteger allDone = new AtomicInteger();

  /** One party, the owner's: as a worker holds while it processes a branch. */
  private final PendingWork pending = new PendingWork(allDone::incrementAndGet);

  private static List<Task<Integer>> tasks(int from, int count) {
    List<Task<Integer>> tasks = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      tasks.add(new Task<>(i, 1, 0));
    }
    return tasks;
  }

  private static List<Integer> nodes(List<Task<Integer>> tasks) {
    return tasks.stream().map(Task::node).toList();
  }

  @ParameterizedTest(name = "{0} pending, limit {1}: {2} move")
  @CsvSource({"100, 16, 16", "5, 16, 3", "1, 16, 1", "100, 1, 1", "2, 64, 1", "0, 16, 0"})
  void steal_takesUpToTheLimit_butAtMostHalf_oldestFirst(int size, int limit, int moved) {
    WorkStack<Integer> victim = new WorkStack<>(pending);
    victim.pushAll(tasks(0, size));
    List<Task<Integer>> into = new ArrayList<>();

    assertEquals(moved, victim.stealOldest(limit, into));

    assertEquals(nodes(tasks(0, moved)), nodes(into), "the oldest, in order");
    assertEquals(size - moved, victim.size());
  }

  @Test
  void aGroupMovesUnderOneParty() {
    WorkStack<Integer> victim = new WorkStack<>(pending);
    victim.pushAll(tasks(0, 40));
    List<Task<Integer>> stolen = new ArrayList<>();
    assertEquals(16, victim.stealOldest(16, stolen));
    assertEquals(2, pending.peakParties(), "one party for the thief, not one per branch");
    while (victim.pollNewest() != null) {
      // the owner lists the other 24
    }
    assertNull(victim.popNewestOrGiveBack()); // and, holding nothing, gives its party back
    assertEquals(0, allDone.get(), "the thief still holds sixteen branches");
    pending.giveBack(); // the thief, done with all sixteen
    assertEquals(1, allDone.get());
  }

  @ParameterizedTest(name = "{0} pending, keep {1}, limit {2}: {3} handed over")
  @CsvSource({
    "100, 1, 16, 16",
    "10, 1, 16, 5",
    "10, 2, 16, 4",
    "2, 1, 16, 1",
    "1, 1, 16, 0",
    "100, 1, 1, 1"
  })
  void handOff_takesUpToTheLimit_ofWhatIsSpare_andPutBackRestoresTheOrder(
      int size, int keep, int limit, int handed) {
    WorkStack<Integer> own = new WorkStack<>(pending);
    own.pushAll(tasks(0, size));

    List<Task<Integer>> group = own.removeOldestToHandOff(keep, limit);

    if (handed == 0) {
      assertNull(group);
      return;
    }
    assertEquals(nodes(tasks(0, handed)), nodes(group));
    own.putBack(group);
    List<Integer> all = new ArrayList<>();
    for (Task<Integer> t; (t = own.pollNewest()) != null; ) {
      all.add(0, t.node());
    }
    assertEquals(nodes(tasks(0, size)), all, "put back where they were, oldest first");
    assertEquals(2, pending.peakParties());
  }

  /**
   * An idle worker gets a group whichever way it comes: by a steal, if it looks after the owner
   * pushed, or by the handoff, if it parked first. Ten pending, one kept by the owner: five either
   * way (half of ten, or half of nine rounded up).
   */
  @RepeatedTest(50)
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void anIdleWorkerGetsAGroup_stolenOrHandedOver() throws Exception {
    CrawlStop stop = new CrawlStop(() -> {});
    WorkStack<Integer> owner = new WorkStack<>(pending);
    WorkStack<Integer> idle = new WorkStack<>(pending);
    WorkExchange<Integer> exchange = new WorkExchange<>(List.of(owner, idle), stop, 16);
    WorkerStats stats = new WorkerStats();
    List<Task<Integer>> got = new ArrayList<>();
    CompletableFuture<Boolean> acquired =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return exchange.acquire(
                    1, stats, Long.MAX_VALUE, got); // a slow last branch: no spinning
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    owner.pushAll(tasks(0, 10));
    while (!acquired.isDone()) {
      exchange.feedIdlePeers(owner, false);
      Thread.onSpinWait();
    }

    assertTrue(acquired.get());
    assertEquals(5, got.size(), "got " + nodes(got));
    assertEquals(nodes(tasks(0, 5)), nodes(got), "the oldest five");
    assertEquals(
        5, stats.get(Counter.STEALS) + stats.get(Counter.HANDOFFS), "each branch counted once");
    assertEquals(5, owner.size());
  }
}
