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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code crawl crawls delete}: deletes a crawl's topics and groups, never one a process lists or
 * reads unless forced; or, with {@code --expired}, every finished crawl past its grace period.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    description = {
      "Delete a crawl at a Kafka broker: its topics and consumer groups. Its id can then be used"
          + " again.",
      "A crawl that a process lists or reads (a running crawl, or a finished one being printed) is"
          + " refused unless --force; forced, those processes lose it. With --expired instead of an"
          + " ID: every finished crawl whose grace period has passed and that no process reads, as"
          + " the start of a crawl does."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:deleted (with --expired: whatever was due, maybe nothing)",
      "2:bad usage, unreachable Kafka, no such crawl, or a crawl in use without --force"
    })
final class CrawlsDeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand CrawlsCommand parent;

  @Parameters(
      paramLabel = "ID",
      arity = "0..1",
      description = "The crawl to delete, as crawl crawls lists it.")
  String crawlId;

  @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Kafka's bootstrap address.")
  String kafka;

  @Option(names = "--kafka-config", paramLabel = "FILE", description = KafkaRun.CONFIG_HELP)
  Path kafkaConfig;

  @Option(
      names = "--force",
      description = "Delete the crawl even if processes list or read it: they lose it.")
  boolean force;

  @Option(
      names = "--expired",
      description =
          "Delete every finished crawl past its grace period that no process "
              + "reads, instead of one crawl.")
  boolean expired;

  @Option(
      names = {"-q", "--quiet"},
      description = "Say nothing unless something fails.")
  boolean quiet;

  @Option(names = "--debug", description = "Show stack traces for failures.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    if ((crawlId == null) == !expired) {
      throw new UserError(
          expired
              ? "give an ID or --expired, not both"
              : "name the crawl to delete (crawl crawls lists " + "them), or give --expired");
    }
    if (expired && force) {
      throw new UserError("--force is for one crawl: --expired never deletes a crawl in use");
    }
    String address =
        kafka != null ? kafka : parent.kafka; // crawl crawls --kafka B delete ID works too
    Path config = kafkaConfig != null ? kafkaConfig : parent.kafkaConfig;
    PrintWriter err = spec.commandLine().getErr();
    if (expired) {
      KafkaCrawlSettings access = CrawlsCommand.access(address, config, "crawls");
      List<String> deleted;
      try {
        deleted = Crawls.sweep(access, Instant.now());
      } catch (KafkaCrawlException e) {
        throw new UserError(e.getMessage(), e);
      }
      if (!quiet) {
        err.println(
            deleted.isEmpty()
                ? "crawl: no finished crawl at " + access.bootstrap() + " is due for deletion"
                : "crawl: deleted " + String.join(", ", deleted));
      }
      err.flush();
      return ExitCodes.OK;
    }
    KafkaCrawlSettings settings = CrawlsCommand.access(address, config, crawlId);
    Crawls.Deleted deleted;
    try {
      CrawlInfo crawl = Crawls.describe(settings);
      if (crawl.inUse() && !force) {
        throw new UserError(Crawls.whyInUse(crawl) + "; delete it anyway with --force");
      }
      deleted = Crawls.delete(settings, force);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (!quiet) {
      CrawlInfo crawl = deleted.crawl();
      err.println(
          "crawl: deleted "
              + crawl.id()
              + " ("
              + CrawlsCommand.state(crawl)
              + (crawl.bytes() < 0 ? "" : ", " + CrawlsCommand.bytes(crawl.bytes()))
              + ")"
              + (deleted.groupsLeft().isEmpty()
                  ? ""
                  : "; the processes that used it fail when they next look"));
    }
    err.flush();
    return ExitCodes.OK;
  }
}
