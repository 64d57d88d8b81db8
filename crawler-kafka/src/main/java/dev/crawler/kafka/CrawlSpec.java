package dev.crawler.kafka;

import java.util.List;
import java.util.Objects;

/**
 * What a joining process needs to build the crawl's source: a kind ({@code fs}, ...) and its
 * arguments, as the starting process was given them. Written once at the head of the crawl's
 * events. Immutable.
 *
 * @param kind which source
 * @param arguments how to build it
 */
public record CrawlSpec(String kind, List<String> arguments) {
  /**
   * Checks the kind and copies the arguments.
   *
   * @param kind which source
   * @param arguments how to build it
   */
  public CrawlSpec {
    Objects.requireNonNull(kind, "kind");
    arguments = List.copyOf(arguments);
  }
}
