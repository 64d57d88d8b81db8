package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a transaction takes follows how long listings took: pure arithmetic, no clock. */
class ListingPaceTest {
  private static final long MS = 1_000_000;

  @Test
  void beforeAnyListing_oneBranchPerWorker() {
    ListingPace pace = new ListingPace(Long.MAX_VALUE);
    assertFalse(pace.measured());
    assertEquals(0, pace.callNanos());
    assertEquals(8, pace.branchesFor(1_000 * MS, 8, 256));
    assertEquals(3, pace.branchesFor(1_000 * MS, 8, 3), "never more than the batch");
  }

  @Test
  void slowListings_takeWhatTheWorkersStartWithinTheTime() {
    ListingPace pace = new ListingPace(Long.MAX_VALUE);
    pace.record(700 * MS, 1);
    assertTrue(pace.measured());
    assertEquals(700 * MS, pace.callNanos());
    assertEquals(
        8 * 5,
        pace.branchesFor(3_000 * MS, 8, 256),
        "each worker starts at 0, .7, 1.4, 2.1 and 2.8 s");
    assertEquals(8, pace.branchesFor(100 * MS, 8, 256), "one each, however little time is left");
    assertEquals(
        8,
        pace.branchesFor(-5 * MS, 8, 256),
        "one each, when the time is up: the first goes ahead");
  }

  @Test
  void fastListings_takeTheWholeBatch() {
    ListingPace pace = new ListingPace(Long.MAX_VALUE);
    pace.record(50_000, 1);
    assertEquals(256, pace.branchesFor(1_000 * MS, 8, 256));
  }

  @Test
  void aCallListingSeveralBranches_countsPerBranch_forWhatToTake_andWhole_forTheCall() {
    ListingPace pace = new ListingPace(Long.MAX_VALUE);
    pace.record(500 * MS, 10);
    assertEquals(500 * MS, pace.callNanos());
    assertEquals(4 * 20, pace.branchesFor(1_000 * MS, 4, 256));
  }

  @Test
  void aRareSlowCall_doesNotSetThePace_aSlowerSource_does() {
    ListingPace pace = new ListingPace(Long.MAX_VALUE);
    for (int i = 0; i < 10; i++) {
      pace.record(700 * MS, 1);
    }
    pace.record(63_000 * MS, 1); // a manager with thousands of reports
    assertEquals(700 * MS, pace.callNanos(), "one slow call among many");
    assertEquals(16, pace.branchesFor(1_000 * MS, 8, 256));
    for (int i = 0; i < 31; i++) {
      pace.record(3_000 * MS, 1);
    }
    assertEquals(3_000 * MS, pace.callNanos(), "the last 31 calls all took 3 s");
  }

  @Test
  void oneCall_listsAsManyBranchesTogether_asTheCallBudgetHolds() {
    ListingPace pace = new ListingPace(1_000 * MS);
    assertEquals(64, pace.batchLimit(64), "the source's limit, until a call is measured");
    assertEquals(1, pace.batchLimit(1));
    pace.record(6_400 * MS, 64); // 100 ms a branch
    assertEquals(10, pace.batchLimit(64));
    assertEquals(4, pace.batchLimit(4), "never more than the source's limit");
    pace.record(30_000 * MS, 1);
    pace.record(30_000 * MS, 1);
    assertEquals(1, pace.batchLimit(64), "at least one");
  }
}
