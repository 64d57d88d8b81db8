package dev.crawler.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.testing.CrawlInvariants;
import dev.crawler.testing.VisitLog;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checkers for any source ({@link CrawlInvariants#assertCrawlInvariants(CrawlReport, VisitLog,
 * Map, Set)} and {@link CrawlInvariants#assertVisitedOnce}) fail on what a source's test must
 * catch, given visits no engine would deliver: the engine never lets it fail, so these crawls are
 * written by hand.
 */
class VisitLogCheckerTest {
  /** a, with b below it, with c below b; b's listing failed. */
  private static final Map<String, String> PARENTS = parents();

  private static Map<String, String> parents() {
    Map<String, String> parents = new HashMap<>();
    parents.put("a", null);
    parents.put("b", "a");
    parents.put("c", "b");
    return parents;
  }

  @Test
  void assertCrawlInvariants_childOfAFailedBranchVisited_fails() {
    VisitLog<String, String> visits = visits(List.of("a", "b", "c"));

    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> CrawlInvariants.assertCrawlInvariants(partial(3), visits, PARENTS, Set.of("b")));
    assertTrue(
        failure.getMessage().contains("c visited, but its parent's listing failed"),
        failure.getMessage());
  }

  @Test
  void assertCrawlInvariants_failedBranchWithNothingBelowIt_passes() {
    VisitLog<String, String> visits = visits(List.of("a", "b"));

    CrawlInvariants.assertCrawlInvariants(partial(2), visits, PARENTS, Set.of("b"));
  }

  @Test
  void visitLog_childAtTheWrongDepth_orUnderALeaf_isAProblem() {
    VisitLog<String, String> visits = new VisitLog<>(node -> node);
    visits.accept(new Visit<>("a", Visit.Kind.BRANCH, 0, null));
    visits.accept(new Visit<>("b", Visit.Kind.LEAF, 2, "a"));
    visits.accept(new Visit<>("c", Visit.Kind.LEAF, 2, "b"));

    AssertionError failure =
        assertThrows(
            AssertionError.class, () -> CrawlInvariants.assertVisitedOnce(partial(3), visits));
    assertTrue(
        failure.getMessage().contains("b at depth 2, its parent a at 0"), failure.getMessage());
    assertTrue(
        failure.getMessage().contains("c delivered as a child of b, a leaf"), failure.getMessage());
  }

  @Test
  void assertVisitedOnce_nodeVisitedTwice_fails() {
    VisitLog<String, String> visits = visits(List.of("a", "b"));
    visits.accept(new Visit<>("b", Visit.Kind.BRANCH, 1, "a"));

    AssertionError failure =
        assertThrows(
            AssertionError.class, () -> CrawlInvariants.assertVisitedOnce(partial(3), visits));
    assertTrue(failure.getMessage().contains("b visited 2 times"), failure.getMessage());
  }

  private static VisitLog<String, String> visits(List<String> nodes) {
    VisitLog<String, String> visits = new VisitLog<>(node -> node);
    for (int depth = 0; depth < nodes.size(); depth++) {
      String node = nodes.get(depth);
      visits.accept(
          new Visit<>(
              node,
              node.equals("c") ? Visit.Kind.LEAF : Visit.Kind.BRANCH,
              depth,
              PARENTS.get(node)));
    }
    return visits;
  }

  private static CrawlReport<String> partial(long visits) {
    BranchError<String> error = new BranchError<>("b", 1, new IOException("listing failed"), 1);
    return CrawlReport.<String>builder(Outcome.PARTIAL)
        .branches(visits - 1)
        .leaves(1)
        .listings(2)
        .errors(List.of(error))
        .maxDepth((int) visits - 1)
        .build();
  }
}
