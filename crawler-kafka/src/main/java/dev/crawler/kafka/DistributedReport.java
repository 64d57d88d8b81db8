package dev.crawler.kafka;

import dev.crawler.core.CrawlReport;
import java.util.Map;

/**
 * How a distributed crawl ended, for the whole crawl: the report (visits, listings, every branch
 * error with its branch) and what each engine process did. Immutable.
 *
 * @param crawlId the crawl
 * @param report the whole crawl's counts; the engine's per-worker counts (handoffs, steals, busy
 *     time) stay in each process and are zero here
 * @param processes per engine process, by id
 * @param <T> the node type
 */
public record DistributedReport<T>(
    String crawlId, CrawlReport<T> report, Map<String, ProcessCounts> processes) {
  /**
   * Copies the processes' map.
   *
   * @param crawlId the crawl
   * @param report the whole crawl's counts
   * @param processes per engine process, by id
   */
  public DistributedReport {
    processes = Map.copyOf(processes);
  }
}
