package dev.crawler.cli;

/** The {@code crawl} command's entry point: the only place that calls {@link System#exit}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(CrawlCommand.commandLine().execute(args));
  }
}
