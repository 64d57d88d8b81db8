package dev.crawler.kafka;

/**
 * What one engine process did for a distributed crawl, as its committed transactions say.
 *
 * @param process the process's id
 * @param transactions committed transactions (each a batch of listings)
 * @param listings calls of the source, retries included
 * @param visits visits it committed
 * @param errors branches that failed for good in it
 */
public record ProcessCounts(
    String process, long transactions, long listings, long visits, long errors) {
  ProcessCounts plus(Wire.Delta d) {
    return new ProcessCounts(
        process,
        transactions + 1,
        listings + d.listings(),
        visits + d.visits(),
        errors + d.errors());
  }
}
