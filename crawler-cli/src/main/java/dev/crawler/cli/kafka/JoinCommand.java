package dev.crawler.cli.kafka;

import dev.crawler.cli.common.ExitCodes;
import dev.crawler.cli.common.Stderr;
import dev.crawler.cli.common.UserError;
import dev.crawler.cli.common.Version;
import dev.crawler.cli.common.WriterOutputStream;
import dev.crawler.cli.fs.FsCommand;
import dev.crawler.cli.fs.FsSpec;
import dev.crawler.cli.ldap.LdapCommand;
import dev.crawler.cli.ldap.LdapSpec;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.fs.FileTreeSource;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.kafka.DistributedCrawl;
import dev.crawler.kafka.EngineProcess;
import dev.crawler.kafka.KafkaCrawlException;
import dev.crawler.kafka.KafkaCrawlSettings;
import dev.crawler.kafka.ProcessCounts;
import dev.crawler.ldap.OrgChartSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crawl join}: adds this machine's workers to a running crawl over Kafka. */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    description = {
      "Add this process's workers to a crawl running over Kafka, until it ends.",
      "The crawl was started by crawl fs ... --kafka or crawl ldap ... --kafka; the process that"
          + " started it prints the results (crawl attach prints them again, from anywhere, should"
          + " it stop). A crawl of a directory binds as its starter did, with this process's own"
          + " password."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the crawl ended",
      "1:this process could not list (a session could not be opened), lost Kafka, or the crawl lost"
          + " its topics (deleted, made again, repartitioned) while it ran",
      "2:bad usage, unreachable Kafka, no such crawl, or a crawl this process cannot join as it is"
          + " (a root that is another directory here, a directory on the starter's loopback, events"
          + " that lost their head, topics made again)"
    })
public final class JoinCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--kafka",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Kafka's bootstrap address.")
  String kafka;

  @Option(
      names = "--crawl",
      required = true,
      paramLabel = "ID",
      description = "The crawl to join, as its starter printed it.")
  String crawlId;

  @Option(names = "--kafka-config", paramLabel = "FILE", description = KafkaRun.CONFIG_HELP)
  Path kafkaConfig;

  @Option(
      names = {"-j", "--workers"},
      paramLabel = "N",
      description =
          "Workers in this process (default: as the crawl's own command, 4 for files, 16 for an org"
              + " chart).")
  Integer workers;

  @Option(
      names = {"-q", "--quiet"},
      description = "Say nothing unless something fails.")
  boolean quiet;

  @Option(names = "--debug", description = "Show stack traces for failures.")
  boolean debug;

  @Mixin SpecDirectoryAccess directory = new SpecDirectoryAccess();

  @Override
  public Integer call() throws Exception {
    PrintStream err = new Stderr(new WriterOutputStream(spec.commandLine().getErr()));
    directory.checkOneWay();
    KafkaCrawlSettings settings = KafkaRun.existing(kafka, kafkaConfig, crawlId, workers);
    CrawlSpec crawl;
    try {
      crawl = DistributedCrawl.specOf(settings);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
    ProcessCounts counts;
    String[] units;
    if (workers == null) {
      settings =
          settings.withWorkers(
              LdapSpec.KIND.equals(crawl.kind())
                  ? LdapCommand.DEFAULT_WORKERS
                  : FsCommand.DISTRIBUTED_WORKERS);
    }
    if (FsSpec.KIND.equals(crawl.kind())) {
      FsSpec.checkRoots(crawl, crawlId);
      FileTreeSource source;
      try {
        source = FsSpec.source(crawl);
      } catch (IOException e) {
        throw new UserError(
            "cannot join the crawl " + crawlId + ": a root is not readable here: " + e.getMessage(),
            e);
      }
      announce(err, settings);
      counts = runInSlot(settings, source, source.codec());
      units = new String[] {"directories", "entries"};
    } else if (LdapSpec.KIND.equals(crawl.kind())) {
      LdapSpec.checkDirectory(crawl, crawlId);
      OrgChartSource source = directory.source(crawl);
      announce(err, settings);
      counts = runInSlot(settings, source, source.codec());
      units = new String[] {"managers", "people"};
    } else {
      throw new UserError(
          "the crawl "
              + crawlId
              + " is a crawl of "
              + crawl.kind()
              + ", which this crawl cannot join");
    }
    if (!quiet) {
      err.printf(
          Locale.ROOT,
          "crawl: %s ended: this process listed %,d %s and found %,d %s in %,d transactions%n",
          crawlId,
          counts.listings(),
          units[0],
          counts.visits(),
          units[1],
          counts.transactions());
    }
    return ExitCodes.OK;
  }

  /**
   * Runs this process's engine in its slot on this machine: a restart of this process here takes
   * the same slot, and so fences this one (see {@link ProcessSlot}).
   */
  private <T, S> ProcessCounts runInSlot(
      KafkaCrawlSettings settings, BranchSource<T, S> source, NodeCodec<T> codec)
      throws KafkaCrawlException, InterruptedException {
    try (ProcessSlot slot = ProcessSlot.claim(crawlId)) {
      return EngineProcess.of(settings, source, codec, slot.name()).run();
    }
  }

  private void announce(PrintStream err, KafkaCrawlSettings settings) {
    if (!quiet) {
      err.println(
          "crawl: joining "
              + crawlId
              + " at "
              + kafka
              + " with "
              + settings.workers()
              + " workers");
    }
  }
}
