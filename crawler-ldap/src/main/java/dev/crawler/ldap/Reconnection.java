package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a crawl's connections through an outage of the directory (a restart, a domain controller's
 * reboot or failover): a connection that cannot be had for a transient reason ({@link
 * LdapFailures#isTransient}) is tried again with backoff until the directory has been unreachable
 * for the budget ({@link LdapSettings#reconnectFor()}), then {@link DirectoryUnreachableException}
 * is thrown. Anything else (bad credentials, a refused bind) is thrown at once. Thread-safe: every
 * worker of a crawl opens through the same instance.
 *
 * <p>The budget is measured from the first failure since the directory last answered, by any
 * worker: an outage is the directory's, not one connection's. Sixteen workers waiting out the same
 * restart give up together, after the budget, not each after a budget of its own; and once the
 * budget is spent, each further connection gets one try, so a crawl whose directory is gone ends at
 * once instead of waiting a budget per pending branch. Any connection that opens ends the outage.
 * The waits (100 ms, doubling to at most 1 s, up to half taken off at random so that the workers do
 * not come back together) are interruptible: a crawl's stop, its deadline included, ends them.
 */
final class Reconnection {
  private static final Logger log = LoggerFactory.getLogger(Reconnection.class);
  static final long FIRST_WAIT_NANOS = Duration.ofMillis(100).toNanos();
  static final long LONGEST_WAIT_NANOS = Duration.ofSeconds(1).toNanos();

  /** What opens one connection. */
  interface Opener {
    LDAPConnection open() throws LDAPException;
  }

  /** The clock and the waits, a seam for tests. */
  interface Clock {
    Clock SYSTEM =
        new Clock() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleep(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
          }
        };

    long nanoTime();

    void sleep(long nanos) throws InterruptedException;
  }

  /** When the current outage began: the first failure since the directory last answered. */
  private record Outage(long sinceNanos) {}

  private final Opener opener;

  /** Whether the connections were closed to stop: then nothing is tried, nor waited for. */
  private final BooleanSupplier stopped;

  private final Duration budget;

  /** The servers, for the message when the budget is spent. */
  private final String where;

  private final long budgetNanos;
  private final Clock clock;

  /**
   * The current outage, {@code null} while the directory answers. Set by the first failure after a
   * success (compare-and-set, so concurrent failures agree on one start), cleared by any success.
   */
  private final AtomicReference<Outage> outage = new AtomicReference<>();

  Reconnection(Opener opener, BooleanSupplier stopped, Duration budget, String where, Clock clock) {
    this.opener = opener;
    this.where = where;
    this.stopped = stopped;
    this.budget = budget;
    this.budgetNanos = budget.toNanos();
    this.clock = clock;
  }

  /**
   * A connection, waiting out an outage of at most the budget.
   *
   * @throws LDAPException at once, for a failure that is not transient (a refused bind)
   * @throws DirectoryUnreachableException if the directory has not answered for the budget
   * @throws InterruptedException if the thread is interrupted while it waits (the crawl stopped),
   *     or the connections were closed to stop ({@link Disconnector})
   */
  LDAPConnection open() throws LDAPException, DirectoryUnreachableException, InterruptedException {
    for (int failures = 0; ; ) {
      LDAPConnection connection;
      try {
        throwIfStopped();
        connection = opener.open();
      } catch (LDAPException e) {
        throwIfStopped();
        if (!LdapFailures.isTransient(e)) {
          throw e;
        }
        failures++;
        long left = nanosLeft();
        if (left <= 0) {
          throw new DirectoryUnreachableException(budget, where, e);
        }
        long wait =
            Math.min(left, backoffNanos(failures, ThreadLocalRandom.current().nextDouble()));
        log.debug(
            "cannot connect ({}); trying again in {} ms", e.getResultCode(), wait / 1_000_000);
        clock.sleep(wait);
        continue;
      }
      Outage ended = outage.get();
      if (ended != null && outage.compareAndSet(ended, null)) {
        log.info(
            "the directory answers again after {} ms",
            (clock.nanoTime() - ended.sinceNanos()) / 1_000_000);
      }
      return connection;
    }
  }

  private void throwIfStopped() throws InterruptedException {
    if (stopped.getAsBoolean()) {
      throw new InterruptedException(
          "not connecting: the connections were closed to stop the crawl");
    }
  }

  /** The budget left in the current outage, which begins now if none has. */
  private long nanosLeft() {
    long now = clock.nanoTime();
    Outage current = outage.get();
    if (current == null) {
      Outage begun = new Outage(now);
      current = outage.compareAndSet(null, begun) ? begun : outage.get();
      if (current == null) {
        current = begun; // a success came in between: this failure is a new outage's first
      }
    }
    return current.sinceNanos() + budgetNanos - now;
  }

  /**
   * The wait after the n-th failure in a row: 100 ms doubling to 1 s, less up to half at random.
   */
  static long backoffNanos(int failures, double random) {
    long base =
        failures >= 8
            ? LONGEST_WAIT_NANOS
            : Math.min(LONGEST_WAIT_NANOS, FIRST_WAIT_NANOS << (failures - 1));
    return (long) (base * (1.0 - 0.5 * random));
  }
}
