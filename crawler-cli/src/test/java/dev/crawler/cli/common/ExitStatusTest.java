package dev.crawler.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crawler.core.CrawlReport;
import dev.crawler.core.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every outcome becomes its exit code, and its last line, in one place. */
class ExitStatusTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final CrawlOptions options = new CrawlOptions();

  private static CrawlReport<String> report(Outcome outcome, Throwable failure) {
    return CrawlReport.<String>builder(outcome).failure(failure).build();
  }

  private String said() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void complete_isZero_unlessOtherErrorsWereFound() throws Exception {
    assertEquals(0, ExitStatus.of(report(Outcome.COMPLETE, null), false, 0, err, options));
    assertEquals(1, ExitStatus.of(report(Outcome.COMPLETE, null), false, 2, err, options));
    assertEquals("", said());
  }

  @Test
  void partial_isOne() throws Exception {
    assertEquals(1, ExitStatus.of(report(Outcome.PARTIAL, null), false, 0, err, options));
  }

  /**
   * A failed crawl goes to the command line's one failure handler, which prints "crawl: " and the
   * message (the trace only under --debug) and exits 1: ExitStatus prints nothing of its own.
   */
  @Test
  void failed_isThrownToTheOneFailureHandler_withItsCause() {
    IllegalStateException cause = new IllegalStateException("the source broke");
    ExitStatus.CrawlFailedException failed =
        assertThrows(
            ExitStatus.CrawlFailedException.class,
            () -> ExitStatus.of(report(Outcome.FAILED, cause), false, 0, err, options));
    assertEquals("the crawl failed: the source broke", failed.getMessage());
    assertSame(cause, failed.getCause());
    assertEquals("", said());
  }

  @Test
  void timedOut_isOne_sayingTheDeadlineAsItWasWritten() throws Exception {
    options.deadline = Duration.ofSeconds(30);
    assertEquals(1, ExitStatus.of(report(Outcome.TIMED_OUT, null), false, 0, err, options));
    assertEquals("crawl: the deadline of 30s passed; the output is partial\n", said());
  }

  @Test
  void cancelled_isTheInterruptCode_andAGoneReaderIsZero() throws Exception {
    assertEquals(130, ExitStatus.of(report(Outcome.CANCELLED, null), false, 0, err, options));
    assertEquals(0, ExitStatus.of(report(Outcome.CANCELLED, null), true, 0, err, options));
  }
}
