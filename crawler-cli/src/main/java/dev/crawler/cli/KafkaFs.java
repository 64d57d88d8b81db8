package dev.crawler.cli;

import dev.crawler.core.CrawlReport;
import dev.crawler.core.Visit;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileTreeSource;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.kafka.DistributedCrawl;
import dev.crawler.kafka.DistributedReport;
import dev.crawler.kafka.EngineProcess;
import dev.crawler.kafka.KafkaCrawlException;
import dev.crawler.kafka.KafkaCrawlSettings;
import dev.crawler.kafka.ProcessCounts;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code crawl fs ... --kafka}: starts a crawl over Kafka, runs this process's own engine on it,
 * and prints the whole crawl's visits as they commit; other machines add theirs with {@code crawl
 * join}. The output, its formats and the exit codes are those of a local crawl.
 */
final class KafkaFs {
  private KafkaFs() {}

  /** This process's id in a crawl: host, pid, and a random tail (a pid can come back). */
  static String processId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "host";
    }
    return (host + "-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()))
        .replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** A crawl id nobody has: fs, the time, and a random tail. */
  static String newCrawlId() {
    return "fs-" + Long.toString(System.currentTimeMillis(), 36) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
  }

  /**
   * Runs the crawl to its end.
   *
   * @param accept prints one visit (on the thread that follows the crawl)
   * @return the whole crawl's report, or {@code null} if stdout's reader went away first
   */
  static CrawlReport<FileEntry> run(KafkaCrawlSettings settings, CrawlSpec spec, FileTreeSource source,
      Consumer<Visit<FileEntry>> accept, CommandCrawl session, CrawlOptions options, PrintStream err)
      throws UserError, InterruptedException {
    EngineProcess<FileEntry, Void> engine = EngineProcess.of(settings, source, source.codec(), processId());
    DistributedCrawl<FileEntry> crawl;
    try {
      crawl = DistributedCrawl.start(settings, spec, source.roots(), source.codec(), accept);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (!options.quiet) {
      err.println("crawl: crawl " + settings.crawlId() + " at " + settings.bootstrap() + "; add machines with: crawl join"
          + " --kafka " + settings.bootstrap() + " --crawl " + settings.crawlId());
    }
    AtomicReference<Throwable> engineFailure = new AtomicReference<>();
    Thread local = new Thread(() -> {
      try {
        engine.run();
      } catch (Exception e) {
        engineFailure.set(e);
      }
    }, "crawl-kafka-engine");
    local.start();
    DistributedReport<FileEntry> report;
    try (crawl) {
      session.followDistributed(crawl::close);
      ProgressPrinter progress = session.progress(crawl::progress);
      try {
        report = crawl.await();
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
    } catch (KafkaCrawlException e) {
      engine.stop();
      local.join();
      if (session.out.failed()) {
        return null; // the reader went away and we stopped following; the other processes finish
      }
      throw new UserError(e.getMessage(), e);
    }
    local.join();
    if (engineFailure.get() != null && !options.quiet) {
      err.println("crawl: this process's engine stopped early (" + engineFailure.get().getMessage()
          + "); the others finished the crawl");
    }
    if (options.stats) {
      for (ProcessCounts p : report.processes().values()) {
        err.printf(Locale.ROOT, "  process %s: %,d directories listed, %,d entries, %,d transactions%n",
            p.process(), p.listings(), p.visits(), p.transactions());
      }
    }
    return report.report();
  }
}
