package dev.crawler.ldap;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many terms an OR query of reports may have for the server to answer it in time: sized by what
 * the server answers, as {@link QuerySizer} sizes by its size limit. A directory that does not
 * index the manager attribute scans every entry against every term: Samba took 0.77 s for 16 {@code
 * (manager=...)} terms and 11.9 s for 400 (issue 25), so at 16 workers queries of 400 terms ran
 * past the 30 s timeout and the crawl failed.
 *
 * <p>The cap starts at {@link #FIRST_CAP} terms and doubles after each query that used it whole and
 * answered within half the target (a slow start: an indexed server reaches the settings' batch size
 * within a few queries). A query that took longer than the target cuts the cap in proportion
 * ({@code terms * target / elapsed}), by half at most; one that timed out cuts it as if it had
 * taken the whole timeout. The target is {@link #TARGET_SHARE} of the response timeout: the time
 * measured includes the wait behind other workers' queries on a busy server, so at many workers
 * queries shrink until they answer well within the timeout, whatever the server's load.
 *
 * <p>Thread-safe and lock-free: shared by every worker, each update one compare-and-set. Two
 * workers' updates may interleave; the cap is a hint, and a stale one costs a query that is too
 * large (cut again, see {@link ReportQuery}) or too small, never a wrong answer.
 */
final class TermCap {
  /** Terms of the first queries, before any has been timed: Samba answered 16 in 0.77 s. */
  static final int FIRST_CAP = 16;

  /** The share of the response timeout a query aims to answer within. */
  static final double TARGET_SHARE = 0.25;

  private final int maxTerms;
  private final long targetNanos;
  private final long timeoutNanos;
  private final AtomicInteger cap;

  /**
   * @param maxTerms the most terms a query may ever have (the settings' batch size)
   * @param responseTimeout how long the client waits for one answer
   */
  TermCap(int maxTerms, Duration responseTimeout) {
    this.maxTerms = maxTerms;
    this.timeoutNanos = Math.max(1, responseTimeout.toNanos());
    this.targetNanos = Math.max(1, (long) (timeoutNanos * TARGET_SHARE));
    this.cap = new AtomicInteger(Math.min(maxTerms, FIRST_CAP));
  }

  /** The most terms the next query should have: at least 1. */
  int get() {
    return cap.get();
  }

  /**
   * Notes a query of {@code terms} terms that answered in {@code elapsedNanos}. A slow answer
   * halves the cap at most: one answer held up by a pause (a collection, a busy machine) costs a
   * few smaller queries, and a server that is slow for good gets there in a few answers.
   */
  void answered(int terms, long elapsedNanos) {
    if (elapsedNanos > targetNanos) {
      int fits = (int) Math.max(1, (long) ((double) terms * targetNanos / elapsedNanos));
      cap.accumulateAndGet(fits, (current, f) -> Math.min(current, Math.max(f, current / 2)));
    } else if (elapsedNanos < targetNanos / 2) {
      // Only a query the cap held back says the cap is too low.
      cap.accumulateAndGet(
          terms, (current, used) -> used >= current ? Math.min(maxTerms, current * 2) : current);
    }
  }

  /**
   * Notes a query of {@code terms} terms that the server did not answer within the timeout: the cap
   * falls at once to what would have answered within the target had it taken the whole timeout,
   * since each such query costs a whole timeout and a new connection.
   */
  void timedOut(int terms) {
    int fits = (int) Math.max(1, (long) ((double) terms * targetNanos / timeoutNanos));
    cap.accumulateAndGet(fits, Math::min);
  }
}
