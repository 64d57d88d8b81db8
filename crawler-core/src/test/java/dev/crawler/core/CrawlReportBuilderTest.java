package dev.crawler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder names what a report counted; what it leaves out is 0, empty or zero time. */
class CrawlReportBuilderTest {
  @Test
  void eachSetterFillsItsComponent_visitsAreBranchesAndLeaves_theRestDefaults() {
    BranchError<String> error = new BranchError<>("b", 1, new IOException("no"), 2);
    CrawlReport<String> built =
        CrawlReport.<String>builder(Outcome.PARTIAL)
            .branches(3)
            .leaves(4)
            .listings(5)
            .retries(6)
            .errors(List.of(error))
            .duplicatesSkipped(7)
            .handoffs(8)
            .steals(9)
            .localDescents(10)
            .unlisted(11)
            .maxDepth(12)
            .workerBusy(List.of(Duration.ofSeconds(1)))
            .elapsed(Duration.ofSeconds(2))
            .build();
    assertEquals(
        new CrawlReport<>(
            Outcome.PARTIAL,
            null,
            7,
            3,
            4,
            5,
            6,
            List.of(error),
            7,
            8,
            9,
            10,
            11,
            12,
            List.of(Duration.ofSeconds(1)),
            Duration.ofSeconds(2)),
        built);
    assertEquals(
        new CrawlReport<String>(
            Outcome.COMPLETE,
            null,
            0,
            0,
            0,
            0,
            0,
            List.of(),
            0,
            0,
            0,
            0,
            0,
            0,
            List.of(),
            Duration.ZERO),
        CrawlReport.<String>builder(Outcome.COMPLETE).build());
  }

  @Test
  void aFailureIsGivenExactlyWhenTheOutcomeIsFailed() {
    IllegalStateException cause = new IllegalStateException("down");
    assertEquals(cause, CrawlReport.builder(Outcome.FAILED).failure(cause).build().failure());
    assertThrows(IllegalArgumentException.class, () -> CrawlReport.builder(Outcome.FAILED).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> CrawlReport.builder(Outcome.COMPLETE).failure(cause).build());
  }
}
