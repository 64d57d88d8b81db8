package dev.crawler.kafka;

import dev.crawler.core.Outcome;
import java.time.Instant;
import java.util.Objects;

/**
 * One crawl at a broker, as {@link Crawls#list} found it. Immutable.
 *
 * @param id the crawl's id
 * @param state running, finished, or abandoned (see {@link State})
 * @param outcome for a finished crawl, {@code COMPLETE}, or {@code PARTIAL} when a branch failed;
 *     else {@code null}
 * @param started when its spec was written (the broker's record time); {@code null} if it has none
 * @param ended when its end was written; {@code null} unless finished
 * @param visits the visits it committed so far (the roots' and every process's)
 * @param bytes the bytes its topics hold on the brokers' disks, every replica; -1 if the broker
 *     would not say
 * @param processes members of its engine group: the processes listing it
 * @param readers members of its readers group: processes that follow it from outside ({@link
 *     ReaderPresence})
 * @param lifetime how long it outlives its end
 */
public record CrawlInfo(
    String id,
    State state,
    Outcome outcome,
    Instant started,
    Instant ended,
    long visits,
    long bytes,
    int processes,
    int readers,
    CrawlLifetime lifetime) {

  /** Where a crawl is in its life. */
  public enum State {
    /** Not ended, and some process lists it (a member of its engine group). */
    RUNNING,
    /** Its end is written: whoever saw the balance reach 0 wrote it. */
    FINISHED,
    /** Not ended, and no process lists it: it stands still until one joins. */
    ABANDONED
  }

  /**
   * Validates.
   *
   * @param id the crawl's id
   * @param state running, finished, or abandoned
   * @param outcome for a finished crawl, its outcome; else {@code null}
   * @param started when its spec was written, or {@code null}
   * @param ended when its end was written, or {@code null}
   * @param visits the visits it committed so far
   * @param bytes the bytes its topics hold, or -1
   * @param processes the processes listing it
   * @param readers the processes following it from outside
   * @param lifetime how long it outlives its end
   */
  public CrawlInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lifetime, "lifetime");
  }

  /**
   * Whether some process lists or reads it: then nothing deletes it but a forced delete.
   *
   * @return whether it has members in its engine or readers group
   */
  public boolean inUse() {
    return processes > 0 || readers > 0;
  }

  /**
   * When the cleanup may delete it: its end plus its grace period; {@code null} if it is kept or
   * not finished. The cleanup deletes it then only if it is not {@link #inUse()}.
   *
   * @return when it is due, or {@code null}
   */
  public Instant cleanupDue() {
    return state != State.FINISHED || lifetime.kept() || ended == null
        ? null
        : ended.plus(lifetime.grace());
  }
}
