package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the cap on OR terms follows the server's answer times (given here, not measured). */
class TermCapTest {
  private static final long MS = 1_000_000;

  /** A 30 s timeout: queries aim at 7.5 s. */
  private final TermCap cap = new TermCap(400, Duration.ofSeconds(30));

  @Test
  void startsSmall_andDoublesWhileFullQueriesAnswerQuickly_upToTheBatchSize() {
    assertEquals(TermCap.FIRST_CAP, cap.get());
    cap.answered(TermCap.FIRST_CAP, 10 * MS);
    assertEquals(32, cap.get());
    cap.answered(5, 10 * MS);
    assertEquals(32, cap.get(), "a query the cap did not hold back says nothing of it");
    for (int i = 0; i < 10; i++) {
      cap.answered(cap.get(), 10 * MS);
    }
    assertEquals(400, cap.get());
    assertEquals(3, new TermCap(3, Duration.ofSeconds(30)).get(), "never past the batch size");
  }

  @Test
  void aSlowAnswer_cutsInProportion_byHalfAtMost() {
    for (int i = 0; i < 5; i++) {
      cap.answered(cap.get(), 10 * MS);
    }
    assertEquals(400, cap.get());
    cap.answered(400, 9_000 * MS); // Samba: 400 terms in 11.9 s is past 7.5 s
    assertEquals(333, cap.get(), "400 * 7.5 / 9");
    cap.answered(333, 60_000 * MS);
    assertEquals(166, cap.get(), "by half at most: one pause does not make every query tiny");
    cap.answered(166, 5_000 * MS);
    assertEquals(166, cap.get(), "within the target, above half of it: kept");
  }

  @Test
  void aTimeout_cutsAtOnce_toWhatWouldHaveAnsweredInTheTarget() {
    for (int i = 0; i < 5; i++) {
      cap.answered(cap.get(), 10 * MS);
    }
    cap.timedOut(400);
    assertEquals(100, cap.get(), "a quarter: it took the whole timeout at least");
    cap.timedOut(2);
    assertEquals(1, cap.get(), "never below one term");
  }
}
