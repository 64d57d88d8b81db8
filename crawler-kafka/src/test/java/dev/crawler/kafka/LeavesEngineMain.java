package dev.crawler.kafka;

/**
 * An engine process over a {@link WideLeavesSource}, in a JVM of its own: {@code bootstrap crawlId
 * process mode}, the mode one of {@link WideLeavesSource.Mode}. Exits 0 when the crawl ended, 4 if
 * it could not be followed; in {@code HANG_AFTER_COMMIT} it prints "committed" and waits to be
 * killed.
 */
public final class LeavesEngineMain {
  private LeavesEngineMain() {}

  public static void main(String[] args) throws Exception {
    KafkaCrawlSettings settings = TreeEngineMain.settings(args[0], args[1]);
    WideLeavesSource source =
        new WideLeavesSource(WideLeavesSource.Mode.valueOf(args[3]), () -> Long.MAX_VALUE);
    try {
      ProcessCounts counts =
          EngineProcess.of(settings, source, TreeEngineMain.CODEC, args[2]).run();
      System.out.println(
          "counts " + counts.transactions() + " " + counts.listings() + " " + counts.visits());
    } catch (KafkaCrawlException e) {
      System.out.println("failed: " + e.getMessage());
      System.exit(4);
    }
    System.exit(0);
  }
}
