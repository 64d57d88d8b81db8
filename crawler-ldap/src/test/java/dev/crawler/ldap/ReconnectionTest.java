package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outage budget on a fake clock: waits recorded, never slept. */
class ReconnectionTest {
  private static final long MS = 1_000_000;

  /** A clock whose sleeps advance it and are recorded. */
  private static final class FakeClock implements Reconnection.Clock {
    long now = 1_000 * MS;
    final List<Long> waits = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(long nanos) {
      waits.add(nanos);
      now += nanos;
    }
  }

  /** Answers with the queued results in order: a connection, or an exception to throw. */
  private static Reconnection.Opener answers(Deque<Object> results) {
    return () -> {
      Object next = results.removeFirst();
      if (next instanceof LDAPException e) {
        throw e;
      }
      return (LDAPConnection) next;
    };
  }

  private static LDAPException refused() {
    return new LDAPException(ResultCode.CONNECT_ERROR, "connection refused");
  }

  @Test
  void anOutageShorterThanTheBudget_isWaitedOut() throws Exception {
    FakeClock clock = new FakeClock();
    LDAPConnection connection = new LDAPConnection();
    Deque<Object> results = new ArrayDeque<>(List.of(refused(), refused(), refused(), connection));
    Reconnection reconnection =
        new Reconnection(answers(results), () -> false, Duration.ofSeconds(60), "test:389", clock);
    assertSame(connection, reconnection.open());
    assertEquals(3, clock.waits.size(), clock.waits::toString);
    for (int i = 0; i < 3; i++) {
      long full = Reconnection.FIRST_WAIT_NANOS << i;
      long wait = clock.waits.get(i);
      assertEquals(true, wait <= full && wait >= full / 2, "wait " + i + ": " + wait);
    }
  }

  @Test
  void anOutageLongerThanTheBudget_throwsUnreachable_withoutWaitingPastIt() {
    FakeClock clock = new FakeClock();
    Deque<Object> results = new ArrayDeque<>();
    for (int i = 0; i < 100; i++) {
      results.add(refused());
    }
    Reconnection reconnection =
        new Reconnection(answers(results), () -> false, Duration.ofSeconds(5), "test:389", clock);
    long began = clock.now;
    DirectoryUnreachableException e =
        assertThrows(DirectoryUnreachableException.class, reconnection::open);
    assertEquals(ResultCode.CONNECT_ERROR, ((LDAPException) e.getCause()).getResultCode());
    assertEquals(
        "the directory at test:389 has not answered for 5 s, longer than a crawl waits for it to"
            + " come back (connection refused)",
        e.getMessage());
    assertEquals(5_000 * MS, clock.now - began, "waited exactly the budget");
    assertEquals(
        true,
        clock.waits.stream().allMatch(w -> w <= Reconnection.LONGEST_WAIT_NANOS),
        clock.waits::toString);
    // The budget is the directory's, not one caller's: a second worker now gets one try, no wait.
    int before = clock.waits.size();
    assertThrows(DirectoryUnreachableException.class, reconnection::open);
    assertEquals(before, clock.waits.size(), "no wait once the budget is spent");
  }

  @Test
  void aConnectionThatOpens_endsTheOutage_andTheNextOneHasAWholeBudget() throws Exception {
    FakeClock clock = new FakeClock();
    LDAPConnection connection = new LDAPConnection();
    Deque<Object> results = new ArrayDeque<>();
    for (int i = 0; i < 4; i++) {
      results.add(refused()); // 100 + 200 + 400 ms at most: within a budget of 1 s
    }
    results.add(connection);
    for (int i = 0; i < 4; i++) {
      results.add(refused());
    }
    results.add(connection);
    Reconnection reconnection =
        new Reconnection(answers(results), () -> false, Duration.ofSeconds(1), "test:389", clock);
    assertSame(connection, reconnection.open());
    assertSame(connection, reconnection.open());
  }

  @Test
  void aRefusedBind_isThrownAtOnce() {
    FakeClock clock = new FakeClock();
    Deque<Object> results =
        new ArrayDeque<>(List.of(new LDAPException(ResultCode.INVALID_CREDENTIALS, "no")));
    Reconnection reconnection =
        new Reconnection(answers(results), () -> false, Duration.ofSeconds(60), "test:389", clock);
    LDAPException e = assertThrows(LDAPException.class, reconnection::open);
    assertEquals(ResultCode.INVALID_CREDENTIALS, e.getResultCode());
    assertEquals(List.of(), clock.waits);
  }

  @Test
  void aZeroBudget_failsAtTheFirstRefusal() {
    FakeClock clock = new FakeClock();
    Deque<Object> results = new ArrayDeque<>(List.of(refused()));
    Reconnection reconnection =
        new Reconnection(answers(results), () -> false, Duration.ZERO, "test:389", clock);
    assertThrows(DirectoryUnreachableException.class, reconnection::open);
    assertEquals(List.of(), clock.waits);
  }
}
