package dev.crawler.cli;

import dev.crawler.fs.FileTreeSource;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.kafka.DistributedCrawl;
import dev.crawler.kafka.EngineProcess;
import dev.crawler.kafka.KafkaCrawlException;
import dev.crawler.kafka.KafkaCrawlSettings;
import dev.crawler.kafka.ProcessCounts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crawl join}: adds this machine's workers to a running crawl over Kafka. */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    versionProvider = CrawlCommand.Version.class,
    sortOptions = false,
    description = {
        "Add this process's workers to a crawl running over Kafka (started by crawl fs ... --kafka),",
        "until it ends. The process that started the crawl prints the results."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the crawl ended",
        "1:this process could not list (a session could not be opened), or lost Kafka",
        "2:bad usage, unreachable Kafka, or no such crawl"})
final class JoinCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--kafka", required = true, paramLabel = "HOST:PORT", description = "Kafka's bootstrap address.")
  String kafka;

  @Option(names = "--crawl", required = true, paramLabel = "ID", description = "The crawl to join, as its starter printed it.")
  String crawlId;

  @Option(names = {"-j", "--workers"}, paramLabel = "N", description = "Workers in this process (default ${DEFAULT-VALUE}).")
  int workers = FsCommand.DEFAULT_WORKERS;

  @Option(names = {"-q", "--quiet"}, description = "Say nothing unless something fails.")
  boolean quiet;

  @Option(names = "--debug", description = "Show stack traces for failures.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    PrintStream err = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
    KafkaCrawlSettings settings;
    try {
      settings = KafkaCrawlSettings.of(kafka, crawlId).withWorkers(workers);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    CrawlSpec crawl;
    try {
      crawl = DistributedCrawl.specOf(settings);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (!FsSpec.KIND.equals(crawl.kind())) {
      throw new UserError("the crawl " + crawlId + " is a crawl of " + crawl.kind() + ", which this crawl cannot join");
    }
    FileTreeSource source;
    try {
      source = FsSpec.source(crawl);
    } catch (IOException e) {
      throw new UserError("cannot join the crawl " + crawlId + ": a root is not readable here: " + e.getMessage(), e);
    }
    if (!quiet) {
      err.println("crawl: joining " + crawlId + " at " + kafka + " with " + workers + " workers");
    }
    ProcessCounts counts = EngineProcess.of(settings, source, source.codec(), KafkaFs.processId()).run();
    if (!quiet) {
      err.printf(Locale.ROOT, "crawl: %s ended: this process listed %,d directories and found %,d entries in %,d"
          + " transactions%n", crawlId, counts.listings(), counts.visits(), counts.transactions());
    }
    return ExitCodes.OK;
  }
}
