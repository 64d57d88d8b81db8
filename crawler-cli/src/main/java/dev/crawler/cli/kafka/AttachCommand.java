package dev.crawler.cli.kafka;

import dev.crawler.cli.common.CommandCrawl;
import dev.crawler.cli.common.CrawlOptions;
import dev.crawler.cli.common.ExitCodes;
import dev.crawler.cli.common.ExitStatus;
import dev.crawler.cli.common.Failures;
import dev.crawler.cli.common.SharedOutput;
import dev.crawler.cli.common.StatsPrinter;
import dev.crawler.cli.common.Stderr;
import dev.crawler.cli.common.UserError;
import dev.crawler.cli.common.Version;
import dev.crawler.cli.common.WriterOutputStream;
import dev.crawler.cli.fs.FsCommand;
import dev.crawler.cli.fs.FsSpec;
import dev.crawler.cli.fs.OutputFormat;
import dev.crawler.cli.ldap.LdapCommand;
import dev.crawler.cli.ldap.LdapSpec;
import dev.crawler.cli.ldap.PersonFormat;
import dev.crawler.core.BranchError;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Visit;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileErrors;
import dev.crawler.fs.FileTreeSource;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.kafka.DistributedCrawl;
import dev.crawler.kafka.EngineProcess;
import dev.crawler.kafka.KafkaCrawlException;
import dev.crawler.kafka.KafkaCrawlSettings;
import dev.crawler.ldap.OrgChartSource;
import dev.crawler.ldap.Person;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code crawl attach}: prints a crawl over Kafka from its start, each visit once, and follows it
 * to its end, as the process that started it would have; so the output of a crawl does not depend
 * on its starter staying alive. Unless the crawl has ended, it lists too, as {@code crawl join}
 * does, so a crawl nobody is left to list still ends.
 *
 * <p>A command of its own, not an option of {@code join}: a joiner prints nothing and exits 0 when
 * the crawl ends, while this prints the whole crawl in the starter's formats and exits as the
 * starter would (1 for a partial crawl), and it need not list at all when the crawl has ended.
 */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    description = {
      "Print a crawl over Kafka from its start, each entry once, and follow it to its end, as the"
          + " process that started it would have: for a crawl whose starter was stopped or killed,"
          + " or for a second copy of its output.",
      "Entries are printed as crawl fs prints them (paths, -0 or --json), people as crawl ldap does"
          + " (--json, --csv, --tree, --html or --ldif); the exit code is the crawl's. Unless the"
          + " crawl has ended, this process also lists, as crawl join does, so a crawl nobody is"
          + " left to list still ends: it needs what join needs (the directories readable here; for"
          + " an org chart, its own password)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the whole crawl was printed (COMPLETE)",
      "1:some directories or managers could not be read (PARTIAL), this process could not list and"
          + " may have been the last one that could (partial output), the crawl lost its topics or"
          + " Kafka while this followed it, or the output could not be written",
      "2:bad usage, unreachable Kafka, or no such crawl",
      "130:interrupted (Ctrl-C); what was printed by then was written"
    })
public final class AttachCommand implements Callable<Integer> {
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
      description = "The crawl to print, as its starter printed it.")
  String crawlId;

  @Option(names = "--kafka-config", paramLabel = "FILE", description = KafkaRun.CONFIG_HELP)
  Path kafkaConfig;

  @Option(
      names = {"-j", "--workers"},
      paramLabel = "N",
      description =
          "Workers in this process, if it lists (default: as the crawl's own command, 4 for files,"
              + " 16 for an org chart).")
  Integer workers;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  /** The output format flags; at most one, and one the crawl's kind has. */
  static final class Format {
    @Option(
        names = {"-0", "--null"},
        description = "Files: separate paths with NUL bytes (for xargs -0).")
    boolean nul;

    @Option(
        names = "--json",
        description =
            "One JSON object per line (files: path, type, size, mtime, depth; the "
                + "default for an org chart).")
    boolean json;

    @Option(names = "--csv", description = "An org chart: CSV with a header row.")
    boolean csv;

    @Option(
        names = "--tree",
        description = "An org chart: indented, sorted by name (printed at the end).")
    boolean tree;

    @Option(names = "--html", description = "An org chart: a web page of it (printed at the end).")
    boolean html;

    @Option(names = "--ldif", description = "An org chart: LDIF, as ldapsearch writes it.")
    boolean ldif;
  }

  @Option(
      names = {"-q", "--quiet"},
      description = "Say nothing unless something fails.")
  boolean quiet;

  @Option(names = "--stats", description = "Print the crawl report on stderr at the end.")
  boolean stats;

  @Option(names = "--debug", description = "Show stack traces for failures.")
  boolean debug;

  @Mixin SpecDirectoryAccess directory = new SpecDirectoryAccess();

  private final OutputStream stdout;

  public AttachCommand(OutputStream stdout) {
    this.stdout = stdout;
  }

  /** This process's slot in the crawl, as join's: a restarted attach fences the one it replaces. */
  private ProcessSlot slot;

  @Override
  public Integer call() throws Exception {
    PrintStream err = new Stderr(new WriterOutputStream(spec.commandLine().getErr()));
    directory.checkOneWay();
    KafkaCrawlSettings settings = KafkaRun.existing(kafka, kafkaConfig, crawlId, workers);
    CrawlSpec crawl;
    boolean ended;
    try {
      crawl = DistributedCrawl.specOf(settings);
      ended = DistributedCrawl.hasEnded(settings);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (FsSpec.KIND.equals(crawl.kind())) {
      OutputFormat output = fsFormat();
      settings = workers == null ? settings.withWorkers(FsCommand.DISTRIBUTED_WORKERS) : settings;
      if (!ended) {
        FsSpec.checkRoots(crawl, crawlId); // it lists too: the roots it sees must be the starter's
      }
      FileTreeSource source;
      try {
        source = FsSpec.source(crawl);
      } catch (IOException e) {
        throw new UserError(
            "cannot attach to the crawl "
                + crawlId
                + ": a root is not readable here: "
                + e.getMessage(),
            e);
      }
      try (ProcessSlot claimed = ProcessSlot.claim(crawlId)) {
        slot = claimed;
        return attachFs(settings, source, output, ended, err);
      }
    }
    if (LdapSpec.KIND.equals(crawl.kind())) {
      PersonFormat output = personFormat();
      settings = workers == null ? settings.withWorkers(LdapCommand.DEFAULT_WORKERS) : settings;
      try (ProcessSlot claimed = ProcessSlot.claim(crawlId)) {
        slot = claimed;
        return attachLdap(settings, directory.source(crawl), output, ended, err);
      }
    }
    throw new UserError(
        "the crawl "
            + crawlId
            + " is a crawl of "
            + crawl.kind()
            + ", which this crawl cannot print");
  }

  /** The format for a crawl of files: -0, --json or paths; an org chart's format is refused. */
  private OutputFormat fsFormat() throws UserError {
    String chart =
        format.csv
            ? "--csv"
            : format.tree ? "--tree" : format.html ? "--html" : format.ldif ? "--ldif" : null;
    if (chart != null) {
      throw new UserError(
          chart
              + " is for an org chart, and "
              + crawlId
              + " is a crawl of directories: give -0, "
              + "--json, or neither for paths");
    }
    return format.nul ? OutputFormat.NUL : format.json ? OutputFormat.JSON : OutputFormat.PLAIN;
  }

  /** The format for an org chart: --json by default; -0 is refused. */
  private PersonFormat personFormat() throws UserError {
    if (format.nul) {
      throw new UserError(
          "-0 is for a crawl of directories, and "
              + crawlId
              + " is a crawl of an org chart: give "
              + "--json, --csv, --tree, --html or --ldif");
    }
    return format.csv
        ? PersonFormat.CSV
        : format.tree
            ? PersonFormat.TREE
            : format.html ? PersonFormat.HTML : format.ldif ? PersonFormat.LDIF : PersonFormat.JSON;
  }

  private int attachFs(
      KafkaCrawlSettings settings,
      FileTreeSource source,
      OutputFormat output,
      boolean ended,
      PrintStream err)
      throws Exception {
    CrawlReport<FileEntry> report;
    SharedOutput out;
    try (CommandCrawl session = new CommandCrawl(stdout, err, quiet, "entries")) {
      out = session.out;
      DistributedCrawl<FileEntry> crawl =
          attach(settings, source.codec(), visit -> output.write(visit, session.out.buffer()));
      report =
          follow(
              settings,
              crawl,
              ended ? null : EngineProcess.of(settings, source, source.codec(), slot.name()),
              session,
              err,
              new String[] {"directories listed", "entries"});
    }
    if (report == null) {
      return ExitCodes.OK; // the reader went away (| head): that is how pipelines end
    }
    out.checkWritten(); // a full disk: one line, exit 1
    if (!quiet) {
      for (BranchError<FileEntry> error : report.errors()) {
        err.println("crawl: " + error.branch().path() + ": " + FileErrors.reason(error.cause()));
      }
    }
    return finish(report, out, err, "entries");
  }

  private int attachLdap(
      KafkaCrawlSettings settings,
      OrgChartSource source,
      PersonFormat output,
      boolean ended,
      PrintStream err)
      throws Exception {
    String uidAttribute = source.settings().uidAttribute();
    String managerAttribute = source.settings().managerAttribute();
    Queue<Visit<Person>> collected = new ConcurrentLinkedQueue<>();
    // As the starter prints: someone with two managers is found under both, and printed once.
    Set<Object> printed = ConcurrentHashMap.newKeySet();
    CrawlReport<Person> report;
    SharedOutput out;
    // Ordered: the visits come managers first, and are printed in that order.
    try (CommandCrawl session = new CommandCrawl(stdout, err, quiet, "people", true)) {
      out = session.out;
      out.writeNow(output.header(source.extraAttributes()).getBytes(StandardCharsets.UTF_8));
      if (out.failed()) {
        out.checkWritten();
        return ExitCodes.OK; // the reader went away before anyone was printed
      }
      DistributedCrawl<Person> crawl =
          attach(
              settings,
              source.codec(),
              visit -> {
                if (visit.node().isCycle() || !printed.add(visit.node().key())) {
                  return;
                }
                if (output.streams()) {
                  output.write(visit, uidAttribute, managerAttribute, session.out.buffer());
                } else {
                  collected.add(visit);
                }
              });
      report =
          follow(
              settings,
              crawl,
              ended ? null : EngineProcess.of(settings, source, source.codec(), slot.name()),
              session,
              err,
              new String[] {"managers listed", "people"});
    }
    if (report == null) {
      return ExitCodes.OK;
    }
    if (!out.failed() && !output.streams()) {
      java.io.ByteArrayOutputStream tree = new java.io.ByteArrayOutputStream();
      PrintStream text = new PrintStream(tree, false, StandardCharsets.UTF_8);
      PersonFormat.printTree(collected, text);
      text.flush();
      out.writeNow(tree.toByteArray());
    }
    out.writeNow(output.footer().getBytes(StandardCharsets.UTF_8));
    out.checkWritten();
    if (!quiet) {
      report
          .errors()
          .forEach(
              error ->
                  err.println(
                      "crawl: " + error.branch() + ": " + Failures.describe(error.cause())));
    }
    return finish(report, out, err, "people");
  }

  private <T> DistributedCrawl<T> attach(
      KafkaCrawlSettings settings,
      dev.crawler.core.spi.NodeCodec<T> codec,
      java.util.function.Consumer<Visit<T>> print)
      throws UserError, InterruptedException {
    try {
      return DistributedCrawl.attach(settings, codec, print);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private <T, S> CrawlReport<T> follow(
      KafkaCrawlSettings settings,
      DistributedCrawl<T> crawl,
      EngineProcess<T, S> engine,
      CommandCrawl session,
      PrintStream err,
      String[] units)
      throws Exception {
    if (!quiet) {
      err.println(
          "crawl: attached to "
              + crawlId
              + " at "
              + kafka
              + (engine == null
                  ? ", which has ended"
                  : "; listing with " + settings.workers() + " workers too, until it ends"));
    }
    return KafkaRun.follow(settings, crawl, engine, true, session, quiet, stats, err, units);
  }

  /** The report's last lines and the exit code, as the starter would have them. */
  private int finish(CrawlReport<?> report, SharedOutput out, PrintStream err, String unit)
      throws Exception {
    if (stats) {
      StatsPrinter.print(err, "attach " + crawlId, unit, report);
    }
    return ExitStatus.of(report, out.readerGone(), 0, err, new CrawlOptions());
  }
}
