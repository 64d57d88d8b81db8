package dev.crawler.cli.common;

import dev.crawler.core.CrawlReport;
import java.io.PrintStream;

/**
 * The one place where how a crawl ended becomes the command's exit code, with its last line on
 * stderr when the output is not what was asked for. Codes: {@link ExitCodes}. A crawl that failed
 * is thrown as a {@link CrawlFailedException}, so that it reaches the command line's one failure
 * handler ({@code CrawlCommand}), which prints one line, and the stack trace only under {@code
 * --debug}, as it does for every other failure.
 */
public final class ExitStatus {
  private ExitStatus() {}

  /**
   * @param report how the crawl ended
   * @param readerGone whether stdout's reader went away ({@code | head}): the crawl was cancelled
   *     for that, and pipelines end that way, so it is not an error
   * @param otherErrors errors found besides the crawl's own branch errors (people out of reach,
   *     found by --find-orphans)
   * @param err where the last line goes
   * @param options for the deadline
   * @throws CrawlFailedException if the crawl failed (its cause is the crawl's failure)
   */
  public static int of(
      CrawlReport<?> report,
      boolean readerGone,
      long otherErrors,
      PrintStream err,
      CrawlOptions options)
      throws CrawlFailedException {
    if (readerGone) {
      return ExitCodes.OK;
    }
    switch (report.outcome()) {
      case FAILED -> throw new CrawlFailedException(report.failure());
      case TIMED_OUT -> {
        err.println(
            "crawl: the deadline of "
                + DurationConverter.format(options.deadline)
                + " passed; the output is partial");
        return ExitCodes.PARTIAL;
      }
      case CANCELLED -> {
        return ExitCodes
            .INTERRUPTED; // only Ctrl-C cancels a command's crawl, besides a gone reader
      }
      case PARTIAL -> {
        return ExitCodes.PARTIAL;
      }
      default -> {
        return otherErrors > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
      }
    }
  }

  /** A crawl that ended FAILED: "the crawl failed: " and its cause's message; exit 1. */
  public static final class CrawlFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public CrawlFailedException(Throwable cause) {
      super("the crawl failed: " + Failures.describe(cause), cause);
    }
  }

  /**
   * The output could not be written, for another reason than a reader that went away (a full disk,
   * an I/O error): "cannot write the output: " and the system's reason; exit 1. The crawl was
   * stopped at the failed write.
   */
  public static final class OutputFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public OutputFailedException(java.io.IOException cause) {
      super("cannot write the output: " + WriteFailure.reason(cause), cause);
    }
  }
}
