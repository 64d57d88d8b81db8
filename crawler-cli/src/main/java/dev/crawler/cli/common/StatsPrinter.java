package dev.crawler.cli.common;

import dev.crawler.core.CrawlReport;
import java.io.PrintStream;
import java.util.Locale;

/** The {@code --stats} lines: the crawl report in two lines on stderr. */
public final class StatsPrinter {
  private StatsPrinter() {}

  public static void print(PrintStream err, String what, String unit, CrawlReport<?> r) {
    print(err, what, unit, r, r.outcome().toString());
  }

  /**
   * As {@link #print(PrintStream, String, String, CrawlReport)}, saying how it ended as {@code
   * outcome}.
   */
  public static void print(
      PrintStream err, String what, String unit, CrawlReport<?> r, String outcome) {
    err.printf(
        Locale.ROOT,
        "crawl: %s: %s in %.3f s: %,d %s (%,d branches), %,.0f %s/s%n",
        what,
        outcome,
        r.elapsed().toNanos() / 1e9,
        r.visits(),
        unit,
        r.branches(),
        r.visitsPerSecond(),
        unit);
    err.printf(
        Locale.ROOT,
        "  listings %,d, errors %,d, retries %,d, duplicates skipped %,d; work moved: %,d handoffs,"
            + " %,d steals, %,d local; max depth %d; worker utilization %.0f%%%n",
        r.listings(),
        r.errors().size(),
        r.retries(),
        r.duplicatesSkipped(),
        r.handoffs(),
        r.steals(),
        r.localDescents(),
        r.maxDepth(),
        100 * r.utilization());
  }
}
