package dev.crawler.cli;

import dev.crawler.core.CrawlReport;
import java.io.PrintStream;

/**
 * The one place where how a crawl ended becomes the command's exit code, with its last line on
 * stderr when the output is not what was asked for. Codes: {@link ExitCodes}.
 */
final class ExitStatus {
  private ExitStatus() {}

  /**
   * @param report how the crawl ended
   * @param readerGone whether stdout's reader went away ({@code | head}): the crawl was cancelled
   *     for that, and pipelines end that way, so it is not an error
   * @param otherErrors errors found besides the crawl's own branch errors (missing managers)
   * @param err where the last line goes
   * @param options for the deadline and {@code --debug}
   */
  static int of(CrawlReport<?> report, boolean readerGone, long otherErrors, PrintStream err, CrawlOptions options) {
    if (readerGone) {
      return ExitCodes.OK;
    }
    switch (report.outcome()) {
      case FAILED -> {
        err.println("crawl: the crawl failed: " + CrawlCommand.describe(report.failure())
            + (options.debug ? "" : " (run with --debug for details)"));
        if (options.debug) {
          report.failure().printStackTrace(err);
        }
        return ExitCodes.PARTIAL;
      }
      case TIMED_OUT -> {
        err.println("crawl: the deadline of " + DurationConverter.format(options.deadline)
            + " passed; the output is partial");
        return ExitCodes.PARTIAL;
      }
      case CANCELLED -> {
        return ExitCodes.INTERRUPTED; // only Ctrl-C cancels a command's crawl, besides a gone reader
      }
      case PARTIAL -> {
        return ExitCodes.PARTIAL;
      }
      default -> {
        return otherErrors > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
      }
    }
  }
}
