package dev.crawler.cli.common;

/**
 * How a failure reads in a command's one line, and its stack trace for {@code --debug}: the same
 * for the top-level handler ({@code CrawlCommand}) and for what each subcommand says itself.
 * Stateless and thread-safe.
 */
public final class Failures {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  /**
   * A failure's stack trace, for --debug: through SLF4J at debug level, which {@code Main} turns on
   * for the whole of {@code dev.crawler} under --debug, so it reaches stderr with the library's own
   * debug log, after the command's one line; nothing without --debug.
   */
  public static void debugTrace(Throwable e) {
    log.debug("what failed, for --debug", e);
  }

  /** The failure's message, or its class's name when it has none. */
  public static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
