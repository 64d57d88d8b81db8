package dev.crawler.cli;

/** The {@code crawl} command's entry point: the only place that calls {@link System#exit}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (asksForDebug(args)) {
      // The library's own debug log (retries, each failed branch with its stack trace, which
      // directory reader runs, when held workers start) joins the command's --debug lines on
      // stderr. Set before the first logger exists: slf4j-simple reads levels as loggers are made.
      System.setProperty("org.slf4j.simpleLogger.log.dev.crawler", "debug");
      System.setProperty(
          "org.slf4j.simpleLogger.log.org.apache.kafka", "warn"); // off without --debug
    }
    System.exit(CrawlCommand.commandLine().execute(args));
  }

  /** Whether {@code --debug} is among the options, before any {@code --} that ends them. */
  static boolean asksForDebug(String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (arg.equals("--debug")) {
        return true;
      }
    }
    return false;
  }
}
