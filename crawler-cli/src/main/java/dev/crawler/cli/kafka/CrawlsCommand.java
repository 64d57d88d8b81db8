package dev.crawler.cli.kafka;

import dev.crawler.cli.common.ExitCodes;
import dev.crawler.cli.common.UserError;
import dev.crawler.cli.common.Version;
import dev.crawler.kafka.CrawlInfo;
import dev.crawler.kafka.Crawls;
import dev.crawler.kafka.KafkaCrawlException;
import dev.crawler.kafka.KafkaCrawlSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code crawl crawls}: the crawls at a Kafka broker, one line each (state, visits, size, age, when
 * the cleanup deletes it); {@code crawl crawls delete} deletes them ({@link CrawlsDeleteCommand}).
 */
@Command(
    name = "crawls",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    subcommands = CrawlsDeleteCommand.class,
    description = {
      "List the crawls at a Kafka broker: their state, visits, size, age, and when they are cleaned"
          + " up.",
      "A crawl is running (processes list it), finished (COMPLETE, or PARTIAL when a branch failed)"
          + " or abandoned (not finished, and no process lists it: crawl join finishes it). A"
          + " finished crawl is deleted once its grace period (--keep-for of the command that"
          + " started it; 24h by default) has passed, by the next crawl started over that Kafka or"
          + " by crawl crawls delete --expired, unless it was kept (--keep) or a process still"
          + " reads it. crawl crawls delete ID deletes one at once."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the crawls were listed", "2:bad usage, or unreachable Kafka"})
public final class CrawlsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Kafka's bootstrap address.")
  String kafka;

  @Option(names = "--kafka-config", paramLabel = "FILE", description = KafkaRun.CONFIG_HELP)
  Path kafkaConfig;

  @Option(names = "--debug", description = "Show stack traces for failures.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    KafkaCrawlSettings access = access(kafka, kafkaConfig, "crawls");
    List<CrawlInfo> crawls;
    try {
      crawls = Crawls.list(access);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (crawls.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("crawl: no crawls at " + access.bootstrap());
      err.flush();
      return ExitCodes.OK;
    }
    Instant now = Instant.now();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "STATE", "VISITS", "SIZE", "AGE", "CLEANUP"});
    for (CrawlInfo crawl : crawls) {
      rows.add(
          new String[] {
            crawl.id(),
            state(crawl),
            String.format(Locale.ROOT, "%,d", crawl.visits()),
            crawl.bytes() < 0 ? "?" : bytes(crawl.bytes()),
            crawl.started() == null ? "?" : age(Duration.between(crawl.started(), now)),
            cleanup(crawl, now)
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        boolean number = i == 2 || i == 3 || i == 4; // right-aligned
        String cell =
            number
                ? " ".repeat(widths[i] - row[i].length()) + row[i]
                : i == row.length - 1 ? row[i] : row[i] + " ".repeat(widths[i] - row[i].length());
        line.append(i == 0 ? "" : "  ").append(cell);
      }
      out.println(line);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * The settings to reach Kafka at {@code kafka} with: the crawl id names only the clients.
   *
   * @throws UserError without --kafka, or with a bad address or --kafka-config
   */
  static KafkaCrawlSettings access(String kafka, Path kafkaConfig, String crawlId)
      throws UserError {
    if (kafka == null) {
      throw new UserError("give --kafka HOST:PORT: the broker whose crawls to see");
    }
    return KafkaRun.existing(kafka, kafkaConfig, crawlId, null);
  }

  /** "running (2 processes)", "finished COMPLETE", "finished PARTIAL, 1 reader", "abandoned". */
  static String state(CrawlInfo crawl) {
    String state =
        switch (crawl.state()) {
          case RUNNING ->
              "running ("
                  + crawl.processes()
                  + (crawl.processes() == 1 ? " process)" : " processes)");
          case FINISHED -> "finished " + crawl.outcome();
          case ABANDONED -> "abandoned";
        };
    int readers = crawl.readers();
    return readers == 0 ? state : state + ", " + readers + (readers == 1 ? " reader" : " readers");
  }

  /**
   * "kept", "in 21h", "due" (or "due, when read" while a process reads it), or "-" for a crawl not
   * finished.
   */
  static String cleanup(CrawlInfo crawl, Instant now) {
    if (crawl.lifetime().kept()) {
      return "kept";
    }
    Instant due = crawl.cleanupDue();
    if (due == null) {
      return "-";
    }
    if (due.isAfter(now)) {
      return "in " + age(Duration.between(now, due));
    }
    return crawl.inUse() ? "due, once read" : "due";
  }

  /** A duration in its largest whole unit: 45s, 12m, 3h, 2d. */
  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3_600) {
      return s / 60 + "m";
    }
    if (s < 2 * 86_400) {
      return s / 3_600 + "h";
    }
    return s / 86_400 + "d";
  }

  /** Bytes in decimal units, as disks are sold: 512 B, 4.5 kB, 1.2 MB, 3.0 GB. */
  static String bytes(long n) {
    if (n < 1_000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    double value = n;
    int unit = -1;
    while (value >= 1_000 && unit < units.length - 1) {
      value /= 1_000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
