package dev.crawler.cli.common;

import dev.crawler.core.Crawler;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options every crawl subcommand shares, declared once (a picocli mixin), checked once with the
 * flag's own name in the message, and applied to a {@link Crawler} in one place.
 */
public final class CrawlOptions {
  /** The engine's bound; the same for every subcommand. */
  static final int MAX_WORKERS = Crawler.MAX_WORKERS;

  /** In -j's description, replaced by each command's own default (CrawlCommand.workersDefault). */
  public static final String WORKERS_DEFAULTS =
      "(default: 16 for fs, as many as cores at first, the rest once a "
          + "listing waits on the disk; 16 for ldap)";

  @Option(
      names = {"-j", "--workers", "--threads"},
      paramLabel = "N",
      description =
          "Parallel workers, 1 to "
              + MAX_WORKERS
              + " "
              + WORKERS_DEFAULTS
              + ". --threads, "
              + "as fd says it.")
  Integer workers;

  @Option(
      names = {"-d", "--max-depth"},
      paramLabel = "N",
      description =
          "Go at most N levels below each root (the root is level 0: -d 0 prints the root alone).")
  public Integer maxDepth;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description =
          "At most N listings (directory reads, LDAP queries) per second, all workers together.")
  public Double rate;

  @Option(
      names = "--deadline",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Stop after TIME (e.g. 30s, 5m); the output is then partial (exit 1).")
  public Duration deadline;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress line, no per-branch error lines, no demo banner.")
  public boolean quiet;

  @Option(names = "--stats", description = "Print the crawl report on stderr at the end.")
  public boolean stats;

  @Option(
      names = "--debug",
      description = "Show stack traces for failures, how crawl runs, and the library's debug log.")
  public boolean debug;

  /** Checks every value before anything starts (no demo banner, no connection, no crawl). */
  public void validate() throws UserError {
    if (workers != null && (workers < 1 || workers > MAX_WORKERS)) {
      throw new UserError("--workers must be from 1 to " + MAX_WORKERS + ", not " + workers);
    }
    if (maxDepth != null && maxDepth < 0) {
      throw new UserError("--max-depth must be 0 or more, not " + maxDepth);
    }
    if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
      throw new UserError(
          "--rate must be a positive number of listings per second, not "
              + (rate == Math.rint(rate) && !Double.isInfinite(rate)
                  ? String.valueOf(rate.longValue())
                  : rate));
    }
  }

  /** Whether the user chose the number of workers. */
  public boolean workersGiven() {
    return workers != null;
  }

  /** The workers asked for, or the subcommand's default. */
  public int workersOr(int defaultWorkers) {
    return workers == null ? defaultWorkers : workers;
  }

  /**
   * Applies the options to {@code crawler}. A value the engine refuses becomes a usage error that
   * names the flag; {@link #validate()} makes that a backstop.
   */
  public <T, S> Crawler<T, S> configure(Crawler<T, S> crawler, int defaultWorkers)
      throws UserError {
    return configure(crawler, defaultWorkers, deadline);
  }

  /**
   * As {@link #configure(Crawler, int)}, with {@code deadlineLeft} as the crawl's deadline: what is
   * left of --deadline once the command's set-up (connect, bind, finding the root) took its share.
   */
  public <T, S> Crawler<T, S> configure(
      Crawler<T, S> crawler, int defaultWorkers, Duration deadlineLeft) throws UserError {
    validate();
    apply("--workers", () -> crawler.workers(workersOr(defaultWorkers)));
    if (maxDepth != null) {
      apply("--max-depth", () -> crawler.maxDepth(maxDepth));
    }
    if (rate != null) {
      apply("--rate", () -> crawler.rateLimit(rate));
    }
    if (deadlineLeft != null) {
      apply("--deadline", () -> crawler.deadline(deadlineLeft));
    }
    return crawler;
  }

  private static void apply(String flag, Runnable setting) throws UserError {
    try {
      setting.run();
    } catch (IllegalArgumentException e) {
      throw new UserError(flag + ": " + e.getMessage(), e);
    }
  }
}
