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
    ListingPace pace = new ListingPace();
    assertFalse(pace.measured());
    assertEquals(0, pace.callNanos());
    assertEquals(8, pace.branchesFor(1_000 * MS, 8, 256));
    assertEquals(3, pace.branchesFor(1_000 * MS, 8, 3), "never more than the batch");
  }

  @Test
  void slowListings_takeWhatTheWorkersStartWithinTheTime() {
    ListingPace pace = new ListingPace();
    pace.record(700 * MS, 1);
    assertTrue(pace.measured());
    assertEquals(700 * MS, pace.callNanos());
    assertEquals(8 * 5, pace.branchesFor(3_000 * MS, 8, 256), "each worker starts at 0, .7, 1.4, 2.1 and 2.8 s");
    assertEquals(8, pace.branchesFor(100 * MS, 8, 256), "one each, however little time is left");
    assertEquals(8, pace.branchesFor(-5 * MS, 8, 256), "one each, when the time is up: the first goes ahead");
  }

  @Test
  void fastListings_takeTheWholeBatch() {
    ListingPace pace = new ListingPace();
    pace.record(50_000, 1);
    assertEquals(256, pace.branchesFor(1_000 * MS, 8, 256));
  }

  @Test
  void aCallListingSeveralBranches_countsPerBranch_forWhatToTake_andWhole_forTheCall() {
    ListingPace pace = new ListingPace();
    pace.record(500 * MS, 10);
    assertEquals(500 * MS, pace.callNanos());
    assertEquals(4 * 20, pace.branchesFor(1_000 * MS, 4, 256));
  }

  @Test
  void aSlowdown_countsAtOnce_aSpeedUp_gradually() {
    ListingPace pace = new ListingPace();
    pace.record(100 * MS, 1);
    pace.record(900 * MS, 1);
    assertEquals(900 * MS, pace.callNanos(), "a slower call counts in full");
    pace.record(100 * MS, 1);
    assertEquals(740 * MS, pace.callNanos(), "a faster one by a fifth");
  }
}
