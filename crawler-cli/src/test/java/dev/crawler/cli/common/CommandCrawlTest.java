package dev.crawler.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.testing.Tree;
import dev.crawler.testing.TreeSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link CommandCrawl} is the one owner of a crawl's handle: whoever cancels (--max-results, a
 * command that cannot run, a failed write) asks the session, whether the crawl is known yet or not.
 */
class CommandCrawlTest {
  private static final Tree TREE = Tree.balanced(4, 6); // 5,461 nodes: far more than one visit

  @Test
  void aCancelBeforeTheCrawlStarts_stopsItAsItStarts() throws Exception {
    TreeSource source = new TreeSource(TREE);
    try (CommandCrawl session = session()) {
      session.cancel(); // as a command that cannot run does before the handle is here
      CrawlReport<Integer> report =
          session.await(session.start(() -> Crawler.over(source).workers(2).start(0, visit -> {})));
      assertEquals(Outcome.CANCELLED, report.outcome());
    }
  }

  @Test
  void aCancelFromAWorker_stopsTheCrawl_evenWhileItIsStarting() throws Exception {
    TreeSource source = new TreeSource(TREE);
    AtomicInteger visits = new AtomicInteger();
    try (CommandCrawl session = session()) {
      CrawlReport<Integer> report =
          session.await(
              session.start(
                  () ->
                      Crawler.over(source)
                          .workers(2)
                          .start(
                              0,
                              visit -> {
                                if (visits.incrementAndGet() == 1) {
                                  session.cancel(); // as --max-results 1 does from the worker that
                                  // printed the one entry
                                }
                              })));
      assertEquals(Outcome.CANCELLED, report.outcome());
      assertTrue(report.visits() < TREE.size(), report.visits() + " visits of " + TREE.size());
    }
  }

  private static CommandCrawl session() {
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new CommandCrawl(new ByteArrayOutputStream(), err, true, "nodes");
  }
}
