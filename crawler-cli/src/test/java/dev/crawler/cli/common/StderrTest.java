package dev.crawler.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.CrawlProgress;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A message on stderr erases the progress line first, instead of being glued to its end. */
class StderrTest {
  private static final String ERASE = "\r\033[K";

  @Test
  void message_erasesTheProgressLineFirst() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Stderr err = new Stderr(bytes);
    err.showProgress("12 entries  0 errors");
    err.println("crawl: interrupted; the output is partial");
    err.println("crawl: a second line");
    assertEquals(
        ERASE
            + "12 entries  0 errors"
            + ERASE
            + "crawl: interrupted; the output is partial\n"
            + "crawl: a second line\n",
        bytes.toString(StandardCharsets.UTF_8));
  }

  /**
   * The progress printer's own ticks, then a message from another thread, as Ctrl-C's hook writes
   * it.
   */
  @Test
  void progressPrinter_thenAMessage_neverOnOneLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Stderr err = new Stderr(bytes);
    CountDownLatch twoTicks = new CountDownLatch(2);
    ProgressPrinter printer =
        new ProgressPrinter(
            () -> {
              twoTicks.countDown(); // the second call comes after the first line was drawn
              return new CrawlProgress(7, 0, 0, 0, 0, 0, 0, java.time.Duration.ZERO);
            },
            err,
            "entries");
    twoTicks.await();
    err.println("crawl: interrupted; the output is partial");
    printer.close();
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("7 entries"), text);
    assertTrue(text.contains(ERASE + "crawl: interrupted; the output is partial\n"), text);
    assertFalse(text.contains("errorscrawl"), text);
    assertTrue(text.endsWith(ERASE), "the line is erased at the end: " + text);
  }
}
