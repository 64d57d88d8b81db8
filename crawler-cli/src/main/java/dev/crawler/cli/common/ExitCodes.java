package dev.crawler.cli.common;

/** The exit codes of {@code crawl}, documented in {@code crawl --help}. */
public final class ExitCodes {
  /** The crawl completed: everything was read. */
  public static final int OK = 0;

  /**
   * Some entries could not be read, or the deadline passed, or the output could not be written
   * (like find).
   */
  public static final int PARTIAL = 1;

  /** Bad usage or bad input: unknown flag, missing root, bad glob. */
  public static final int USAGE = 2;

  /** Interrupted (Ctrl-C): the workers stopped and what was found was written. */
  static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
