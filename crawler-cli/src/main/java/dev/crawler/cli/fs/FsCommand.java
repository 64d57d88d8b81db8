package dev.crawler.cli.fs;

import dev.crawler.cli.common.CommandCrawl;
import dev.crawler.cli.common.CrawlOptions;
import dev.crawler.cli.common.ExitCodes;
import dev.crawler.cli.common.ExitStatus;
import dev.crawler.cli.common.SharedOutput;
import dev.crawler.cli.common.StatsPrinter;
import dev.crawler.cli.common.Stderr;
import dev.crawler.cli.common.Terminal;
import dev.crawler.cli.common.UserError;
import dev.crawler.cli.common.Version;
import dev.crawler.cli.common.WriterOutputStream;
import dev.crawler.cli.kafka.KafkaLifeOptions;
import dev.crawler.cli.kafka.KafkaRun;
import dev.crawler.cli.kafka.KafkaTopicOptions;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Visit;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileErrors;
import dev.crawler.fs.FileTreeOptions;
import dev.crawler.fs.FileTreeSource;
import dev.crawler.fs.IgnoreFiles;
import dev.crawler.kafka.CrawlLifetime;
import dev.crawler.kafka.KafkaCrawlSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crawl fs DIR...}: every entry under the directories, found by parallel workers. */
@Command(
    name = "fs",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    description = {
      "Walk directory trees in parallel and print every entry, like find.",
      "Each directory is listed by one of several workers; entries appear in no particular order."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every entry was read",
      "1:some directories could not be read, or the deadline passed, or the output could not be"
          + " written (like find), or with --kafka the crawl lost its topics or Kafka while it ran",
      "2:bad usage or bad input (unknown flag, missing directory, bad glob)",
      "130:interrupted (Ctrl-C); what was found was written"
    },
    footerHeading = "%nFor fd users:%n",
    footer = {
      "Like find, crawl fs prints everything by default: hidden entries (fd -H) and ignored ones"
          + " (fd -u); --no-hidden and --gitignore leave them out. -q quiets the progress line"
          + " (fd's -q, which prints nothing and sets the exit status, has no twin here). -x and -X"
          + " run commands, as in fd. -g, --regex, -e, -i, -s, -p, -t (with fd's letters and"
          + " names), -E, -S, --changed-within, --owner, -l, --strip-cwd-prefix, -j/--threads and"
          + " -0 mean what they mean in fd; fd's -1 is --max-results 1 here (a -1 would make -S"
          + " -10k a flag). Without DIR, paths start with ./ as find prints them"
          + " (--strip-cwd-prefix: as fd prints them on a terminal)."
    })
public final class FsCommand implements Callable<Integer> {
  /**
   * Measured on 2 cores (src/site/markdown/fs-benchmarks.md): warm, 2 workers are fastest on 1.1M
   * entries; cold, more workers keep more reads in flight at the disk: 16 took 2.9 s where bfs took
   * 5.5 s and 4 workers 5.0-5.8 s. So by default only as many as the cores list at first, and the
   * others join at the first listing that waits on the disk (more than 1 ms: Crawler.startWorkers):
   * warm, the default costs nothing (1.17 s against 1.27 s with 4).
   */
  public static final int DEFAULT_WORKERS = 16;

  /**
   * Workers of a crawl over Kafka (the starter's, a joiner's, an attach's), where no worker waits
   * in reserve: all of them list from the start.
   */
  public static final int DISTRIBUTED_WORKERS = 4;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      arity = "0..*",
      description = "Directories to walk, as one crawl (default: .).")
  List<Path> roots = new ArrayList<>();

  @Mixin CrawlOptions crawlOptions = new CrawlOptions();

  @Option(
      names = "--min-depth",
      paramLabel = "N",
      description = "Print only entries at least N levels down.")
  int minDepth;

  @Option(
      names = "--exact-depth",
      paramLabel = "N",
      description = "Print only entries exactly N levels down.")
  Integer exactDepth;

  @Option(
      names = {"-g", "--glob"},
      paramLabel = "GLOB",
      description =
          "Print only entries whose name matches GLOB (repeatable: all must match). Smart case, as"
              + " fd: a pattern without capitals ignores case. Names are decoded leniently, in the"
              + " locale's charset, as GLOB is: a byte that does not decode (any non-ASCII byte"
              + " under LC_ALL=C) reads as U+FFFD, which ? and * match; no name fails the crawl.")
  List<String> globs = new ArrayList<>();

  @Option(
      names = "--regex",
      paramLabel = "REGEX",
      description =
          "Print only entries whose name contains a match of REGEX (Java syntax; smart case).")
  List<String> regexes = new ArrayList<>();

  @Option(
      names = {"-e", "--extension"},
      paramLabel = "EXT",
      description =
          "Print only entries with this extension (repeatable: any of them; case ignored).")
  List<String> extensions = new ArrayList<>();

  @Option(
      names = {"-S", "--size"},
      paramLabel = "[+-]N[UNIT]",
      description =
          "Print only entries larger (+) or smaller (-) than N, or of N exactly; units b, k, m, g,"
              + " t (powers of 1000) and ki, mi, gi, ti (of 1024), as fd. Repeatable.")
  List<String> sizes = new ArrayList<>();

  @Option(
      names = "--changed-within",
      paramLabel = "TIME",
      description =
          "Print only entries modified within TIME (30min, 10h, 2d, 1w) or since a date"
              + " (2026-11-30).")
  String changedWithin;

  @Option(
      names = "--changed-before",
      paramLabel = "TIME",
      description =
          "Print only entries modified before TIME ago (2d) or before a date (2026-11-30"
              + " 14:00:00).")
  String changedBefore;

  @Option(
      names = "--max-results",
      paramLabel = "N",
      description = "Stop after printing N entries (exit 0).")
  Long maxResults;

  @Option(
      names = {"-i", "--ignore-case"},
      description =
          "-g and --regex ignore case, whatever their capitals (fd's -i; the default is smart"
              + " case).")
  boolean ignoreCase;

  @Option(
      names = {"-s", "--case-sensitive"},
      description = "-g and --regex match case, even without capitals (fd's -s).")
  boolean caseSensitive;

  @Option(
      names = {"-p", "--full-path"},
      description =
          "-g and --regex match the whole absolute path, not the name (fd's -p): -p -g"
              + " '**/src/*.java'.")
  boolean fullPath;

  @Option(
      names = {"-a", "--absolute-path"},
      description = "Print absolute paths.")
  boolean absolutePath;

  /** What shell completion offers for --color. */
  static final class ColorWhen extends java.util.ArrayList<String> {
    private static final long serialVersionUID = 1L;

    ColorWhen() {
      super(List.of("auto", "always", "never"));
    }
  }

  /** What shell completion offers for -t. */
  static final class TypeNames extends java.util.ArrayList<String> {
    private static final long serialVersionUID = 1L;

    TypeNames() {
      super(TypeFilter.NAMES);
    }
  }

  @Option(
      names = "--color",
      paramLabel = "WHEN",
      defaultValue = "auto",
      completionCandidates = ColorWhen.class,
      description =
          "Color paths by LS_COLORS: auto (on a terminal, unless NO_COLOR is set), always or"
              + " never.")
  String color;

  @Option(
      names = {"-E", "--exclude"},
      paramLabel = "GLOB",
      description =
          "Leave out entries matching GLOB, with their whole subtree (repeatable). "
              + "A GLOB without / matches names, one with / paths relative to DIR.")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = {"-t", "--type"},
      paramLabel = "TYPE",
      split = ",",
      completionCandidates = TypeNames.class,
      description =
          "Print only these types, as find -type and fd -t: f or file, d or directory (dir), l or"
              + " symlink, o or other (all of s, p, b, c), s or socket, p or pipe, b or"
              + " block-device, c or char-device; and, as fd, x or executable (files you may run,"
              + " as find -executable) and e or empty (empty files and directories, as find"
              + " -empty), which restrict the others given. Repeatable, or a list: -t f,l.")
  List<String> types = new ArrayList<>();

  @Option(
      names = "--owner",
      paramLabel = "[!]USER[:[!]GROUP]",
      description =
          "Print only entries owned by USER and/or GROUP (names or numbers; ! leaves them out), as"
              + " fd --owner and find -user/-group: --owner alice, --owner :staff, --owner"
              + " '!root'.")
  String owner;

  @Option(
      names = "--strip-cwd-prefix",
      description =
          "Print ./src/a.c as src/a.c (fd's --strip-cwd-prefix), for the default DIR . or any DIR "
              + "starting with ./; find and crawl fs print the ./ otherwise.")
  boolean stripCwdPrefix;

  @Option(
      names = {"-l", "--list-details"},
      description =
          "List the entries found with ls -l --human-readable --directory, as many at once as fit a"
              + " command line, as fd -l (and -X ls -l here): the batches come sorted by ls, not as"
              + " one.")
  boolean listDetails;

  @Option(
      names = {"-L", "--follow"},
      description = "Follow symbolic links; a link to an ancestor is reported as a loop.")
  boolean follow;

  @Option(
      names = {"--one-file-system", "--mount", "--xdev"},
      description =
          "Do not descend into other filesystems (find's -xdev; not -x, which runs a command, as in"
              + " fd).")
  boolean oneFileSystem;

  @Option(names = "--no-hidden", description = "Leave out entries whose name starts with a dot.")
  boolean noHidden;

  @Option(
      names = "--gitignore",
      description =
          "Leave out what git ignores, as git status would: .gitignore files inside a git work tree"
              + " (those above DIR too), .git/info/exclude, git's global excludes file, and .git"
              + " itself; and what .ignore files name, anywhere (they win, as in fd and ripgrep)."
              + " Ignored directories are not entered.")
  boolean gitignore;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT",
      description =
          "Crawl across machines over Kafka: start the crawl here (this process lists too) and"
              + " print the whole crawl's entries; add machines with crawl join --kafka HOST:PORT"
              + " --crawl ID.")
  String kafka;

  @Option(
      names = "--crawl-id",
      paramLabel = "ID",
      description = "With --kafka: the crawl's id (default: a new one).")
  String crawlId;

  @Option(names = "--kafka-config", paramLabel = "FILE", description = KafkaRun.CONFIG_HELP)
  Path kafkaConfig;

  @Mixin KafkaLifeOptions life = new KafkaLifeOptions();

  @Mixin KafkaTopicOptions kafkaTopics = new KafkaTopicOptions();

  @Option(
      names = {"-x", "--exec"},
      paramLabel = "CMD",
      parameterConsumer = CommandTemplate.Words.class,
      description = {
        "Run CMD for every entry found, instead of printing it, as fd -x: the words after -x up to"
            + " a lone ';' or the end. In CMD, {} is the path, {/} its name, {//} its parent, {.}"
            + " the path without extension, {/.} the name without; with none, the path goes last."
            + " At most -j commands run at once, never through a shell, with names passed byte for"
            + " byte; each one's output is written whole, and its stdin is empty. Exit 1 if any"
            + " command fails. At --deadline no new command starts, and those running finish, as"
            + " find's would; -X runs its last batch for what was found by then."
      })
  List<String> exec;

  @Option(
      names = {"-X", "--exec-batch"},
      paramLabel = "CMD",
      parameterConsumer = CommandTemplate.Words.class,
      description = {
        "Run CMD with many entries at once, as fd -X and find -exec +: paths go last, or in place"
            + " of the one argument with placeholders, as many as fit a command line (128 KiB);"
            + " batches run as they fill."
      })
  List<String> execBatch;

  @Option(
      names = "--apparent-size",
      description =
          "With --du or --summary: add up sizes, not disk usage, as du -sb (the only way on Java"
              + " 17: disk usage needs the native reader, Java 22+ on Linux).")
  boolean apparentSize;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  /** The output format flags; at most one. */
  static final class Format {
    @Option(
        names = {"-0", "--null"},
        description = "Separate paths with NUL bytes (for xargs -0).")
    boolean nul;

    @Option(
        names = "--json",
        description = "One JSON object per line: path, type, size, mtime, depth.")
    boolean json;

    @Option(
        names = "--du",
        description =
            "Print only totals: bytes on disk (as du -s --block-size=1, each file "
                + "with hard links once), files, directories, errors.")
    boolean du;

    @Option(
        names = "--summary",
        description = "Like --du, with a line per top-level entry of each DIR.")
    boolean summary;

    OutputFormat outputFormat() {
      return nul
          ? OutputFormat.NUL
          : json ? OutputFormat.JSON : du || summary ? OutputFormat.DU : OutputFormat.PLAIN;
    }
  }

  /** Entries -t or --owner left out unchecked (path too long): the answer is partial, exit 1. */
  private final java.util.concurrent.atomic.AtomicLong uncheckedEntries =
      new java.util.concurrent.atomic.AtomicLong();

  /** Colors for the plain format, when they are shown; {@code null} otherwise. */
  private Colors colors;

  /** Where results go, as raw bytes. */
  private final OutputStream stdout;

  public FsCommand(OutputStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws Exception {
    crawlOptions.validate();
    if (maxResults != null && maxResults < 1) {
      throw new UserError("--max-results must be 1 or more, not " + maxResults);
    }
    if (ignoreCase && caseSensitive) {
      throw new UserError(
          "-i (ignore case) and -s (case-sensitive) contradict each other: give one");
    }
    EntryFilter.Case letterCase =
        ignoreCase
            ? EntryFilter.Case.IGNORE
            : caseSensitive ? EntryFilter.Case.MATCH : EntryFilter.Case.SMART;
    if (roots.isEmpty()) {
      roots = List.of(Path.of("."));
    }
    if (roots.stream().anyMatch(r -> r.toString().isEmpty())) {
      throw new UserError(
          "an empty DIR names no directory: give one, or none for the current directory");
    }
    if (extensions.stream().anyMatch(e -> e.isEmpty() || e.equals("."))) {
      throw new UserError("--extension needs an extension, like -e txt");
    }
    if (excludes.stream().anyMatch(String::isEmpty)) {
      throw new UserError("--exclude needs a glob, like -E node_modules");
    }
    if (!color.equals("auto") && !color.equals("always") && !color.equals("never")) {
      throw new UserError("--color takes auto, always or never, not '" + color + "'");
    }
    if (listDetails && (exec != null || execBatch != null)) {
      throw new UserError(
          "-l runs ls -l for the entries found: it cannot be used with "
              + (exec != null ? "-x" : "-X"));
    }
    CommandTemplate command = commandTemplate();
    if (apparentSize && !format.du && !format.summary) {
      throw new UserError("--apparent-size goes with --du or --summary");
    }
    boolean colored =
        command == null
            && format.outputFormat() == OutputFormat.PLAIN
            && (color.equals("always")
                || color.equals("auto")
                    && System.getenv("NO_COLOR") == null
                    && Terminal.stdoutIsTerminal());
    colors = colored ? Colors.of(System.getenv("LS_COLORS")) : null;
    PrintStream err = new Stderr(new WriterOutputStream(spec.commandLine().getErr()));
    EntryFilter filter =
        EntryFilter.of(
            new EntryFilter.Options(
                minDepth,
                exactDepth,
                types,
                globs,
                regexes,
                extensions,
                sizes,
                changedWithin,
                changedBefore,
                letterCase,
                fullPath,
                owner,
                follow,
                entry -> {
                  uncheckedEntries.incrementAndGet();
                  if (!crawlOptions.quiet) {
                    err.println(
                        "crawl: "
                            + entry.path()
                            + ": left out: -t and --owner cannot check an entry whose path has "
                            + entry.pathBytes().length
                            + " bytes, past PATH_MAX ("
                            + FileTreeSource.PATH_MAX
                            + ")");
                  }
                }),
            java.time.Instant.now());
    // Paths alone need no lstat of entries that cannot be directories, and with the native reader
    // types (for -t and colors) come with the listing: see FileTreeSource.
    OutputFormat outputFormat = format.outputFormat();
    boolean typesNeedNoStat = FileTreeSource.listingTellsTypes();
    boolean pathsOnly =
        !filter.needsAttributes()
            && (typesNeedNoStat || !filter.restrictsTypes() && colors == null)
            && (outputFormat == OutputFormat.PLAIN || outputFormat == OutputFormat.NUL);
    FileTreeOptions options =
        new FileTreeOptions(
            follow,
            oneFileSystem,
            noHidden,
            excludes,
            !pathsOnly,
            gitignore ? IgnoreFiles.gitDefaults() : null);
    KafkaRun.refuseConfigWithoutKafka(kafka, kafkaConfig);
    life.validate(kafka);
    kafkaTopics.refuseWithoutKafka(kafka);
    KafkaCrawlSettings distributed = kafka == null ? null : kafkaSettings();
    FileTreeSource source = open(roots, options);
    if (crawlOptions.debug) {
      err.println(
          "crawl: directories are read with "
              + source.readerName()
              + (source.readerName().equals("java.nio")
                  ? " (getdents64 needs Java 22+ on Linux, and a jar built by JDK 22+)"
                  : ""));
    }
    RunSettings settings =
        new RunSettings(
            roots,
            crawlOptions,
            life.lifetime(),
            stdout,
            outputFormat,
            format.summary,
            apparentSize,
            colors,
            absolutePath,
            stripCwdPrefix,
            maxResults,
            listDetails ? "-l" : execBatch != null ? "-X" : "-x",
            execBatch != null,
            uncheckedEntries);
    return new Run(settings, source, filter, err, distributed, options, command).execute();
  }

  /** The command of -x, -X or -l, or {@code null} if the entries are to be printed. */
  private CommandTemplate commandTemplate() throws UserError {
    if (listDetails) {
      execBatch = listCommand();
    }
    if (exec == null && execBatch == null) {
      return null;
    }
    if (exec != null && execBatch != null) {
      throw new UserError(
          "-x and -X cannot be used together: -x runs a command per entry, -X one for many");
    }
    String flag = exec != null ? "-x" : listDetails ? "-l" : "-X";
    if (format.outputFormat() != OutputFormat.PLAIN) {
      throw new UserError(
          flag
              + " runs a command instead of printing entries: it cannot be used with "
              + (format.nul ? "-0" : format.json ? "--json" : format.du ? "--du" : "--summary"));
    }
    return CommandTemplate.parse(
        exec != null ? exec : execBatch,
        CommandRunner.jvmArgumentCharset(),
        execBatch != null,
        flag);
  }

  /**
   * fd's {@code -l}: GNU ls's long listing of each entry itself, sizes for people, colored when
   * crawl's output would be (ls's own {@code auto} would see a pipe: its output is collected).
   */
  private List<String> listCommand() {
    boolean colored =
        color.equals("always")
            || color.equals("auto")
                && System.getenv("NO_COLOR") == null
                && Terminal.stdoutIsTerminal();
    return List.of(
        "ls",
        "-l",
        "--human-readable",
        "--directory",
        "--color=" + (colored ? "always" : "never"),
        "--");
  }

  /** The settings of a crawl over Kafka, after refusing what does not cross processes yet. */
  private KafkaCrawlSettings kafkaSettings() throws UserError {
    if (follow) {
      throw new UserError(
          "-L cannot be used with --kafka: telling a loop needs every ancestor of a directory, "
              + "and only the directory crosses machines");
    }
    if (gitignore) {
      throw new UserError(
          "--gitignore cannot be used with --kafka yet: the rules a directory obeys come from the "
              + "directories above it, and only the directory crosses machines");
    }
    if (owner != null || types.stream().anyMatch(TypeFilter::asksTheSystem)) {
      throw new UserError(
          "--owner and -t x, e, s, p, b, c cannot be used with --kafka yet: they ask this machine "
              + "about each entry by its path, and the entries may have been found on another");
    }
    if (crawlOptions.maxDepth != null
        || crawlOptions.deadline != null
        || crawlOptions.rate != null
        || maxResults != null) {
      throw new UserError(
          "--max-depth, --deadline, --rate and --max-results do not work with --kafka yet");
    }
    return kafkaTopics.apply(
        KafkaRun.settings(
            kafka, kafkaConfig, crawlId, "fs", crawlOptions.workersOr(DISTRIBUTED_WORKERS)));
  }

  private static FileTreeSource open(List<Path> roots, FileTreeOptions options) throws UserError {
    try {
      return FileTreeSource.over(roots, options);
    } catch (NoSuchFileException e) {
      if (e.getFile() != null && e.getFile().matches("-[0-9]+")) { // fd's -1: --max-results 1
        throw new UserError(
            e.getFile()
                + " is not an option here (fd's -1 is --max-results 1, since -S -10k "
                + "takes negative numbers as values), and there is no directory of that name",
            e);
      }
      throw new UserError(e.getFile() + ": no such directory", e);
    } catch (NotDirectoryException e) {
      throw new UserError(e.getFile() + ": not a directory", e);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    } catch (FileSystemException e) {
      throw new UserError(e.getFile() + ": " + FileErrors.reason(e), e);
    } catch (IOException e) {
      throw new UserError(FileErrors.reason(e), e);
    }
  }

  /**
   * What one {@link Run} takes from the command line, read once when the options are checked, so
   * that it reads no field of the command. Immutable but for {@code uncheckedEntries}, a counter
   * the filter and the run share.
   *
   * @param execFlag how -x, -X or -l is named in a message ({@code -x}, {@code -X}, {@code -l})
   * @param batch whether the command runs many entries at once (-X or -l)
   */
  private record RunSettings(
      List<Path> roots,
      CrawlOptions crawlOptions,
      CrawlLifetime lifetime,
      OutputStream stdout,
      OutputFormat outputFormat,
      boolean summary,
      boolean apparentSize,
      Colors colors,
      boolean absolutePath,
      boolean stripCwdPrefix,
      Long maxResults,
      String execFlag,
      boolean batch,
      java.util.concurrent.atomic.AtomicLong uncheckedEntries) {}

  /** One invocation: all roots in one crawl, into the shared output. */
  private static final class Run {
    private final FileTreeSource source;
    private final EntryFilter filter;
    private final PrintStream err;
    private final OutputFormat outputFormat;
    private final DuSummary du;

    /** {@code null} for a crawl in this process alone. */
    private final KafkaCrawlSettings distributed;

    private final FileTreeOptions options;

    /** The command of -x or -X; {@code null} when entries are printed. */
    private final CommandTemplate command;

    /** Runs {@link #command}; set once the output exists, before the crawl starts. */
    private CommandRunner runner;

    /** Entries printed so far, for --max-results. */
    private final java.util.concurrent.atomic.AtomicLong printed =
        new java.util.concurrent.atomic.AtomicLong();

    private volatile boolean enough;

    /** The session, which owns the crawl's handle: set before the crawl starts. */
    private volatile CommandCrawl session;

    /** What the command line asked for, read once. */
    private final RunSettings settings;

    Run(
        RunSettings settings,
        FileTreeSource source,
        EntryFilter filter,
        PrintStream err,
        KafkaCrawlSettings distributed,
        FileTreeOptions options,
        CommandTemplate command) {
      this.settings = settings;
      this.outputFormat = settings.outputFormat();
      this.command = command;
      boolean diskUsage =
          !settings.apparentSize() && FileTreeSource.canReadDiskUsage() && distributed == null;
      this.du = new DuSummary(settings.summary(), diskUsage);
      if (outputFormat == OutputFormat.DU
          && !settings.apparentSize()
          && !diskUsage
          && !settings.crawlOptions().quiet) {
        err.println(
            "crawl: showing apparent sizes, as --apparent-size, and a file's every hard link: disk"
                + " usage needs "
                + (distributed != null
                    ? "a crawl on one machine"
                    : "Java 22+ on Linux (--debug says why not)"));
      }
      this.source = source;
      this.filter = filter;
      this.err = err;
      this.distributed = distributed;
      this.options = options;
    }

    /** A directory that could not be read: counted for --du, and one line unless -q. */
    private void branchFailed(dev.crawler.core.BranchError<FileEntry> error) {
      du.addError(error.branch().path(), error.depth());
      if (!settings.crawlOptions().quiet) {
        err.println("crawl: " + error.branch().path() + ": " + FileErrors.reason(error.cause()));
      }
    }

    int execute() throws Exception {
      CrawlReport<FileEntry> report;
      boolean readerGone;
      SharedOutput sessionOut;
      try (CommandCrawl session =
          new CommandCrawl(settings.stdout(), err, settings.crawlOptions().quiet, "entries")) {
        this.session = session;
        sessionOut = session.out;
        if (command != null) {
          runner =
              new CommandRunner(
                  command,
                  settings.batch(),
                  session.out,
                  err,
                  CommandRunner.jvmArgumentCharset(),
                  session::cancel);
        }
        if (distributed == null) {
          Crawler<FileEntry, dev.crawler.fs.DirectorySession> crawler =
              settings
                  .crawlOptions()
                  .configure(Crawler.over(source), DEFAULT_WORKERS)
                  .errorListener(this::branchFailed); // as they happen
          if (!settings.crawlOptions().workersGiven()) {
            crawler.startWorkers(Runtime.getRuntime().availableProcessors());
          }
          // Enough printed, or no command can run, before the handle was here: start cancels it.
          report =
              session.await(
                  session.start(
                      () -> crawler.startAll(source.roots(), visit -> accept(visit, session.out))));
        } else {
          report =
              KafkaRun.run(
                  distributed,
                  FsSpec.of(settings.roots(), options),
                  source,
                  source.codec(),
                  source.roots(),
                  visit -> accept(visit, session.out),
                  session,
                  settings.crawlOptions(),
                  err,
                  new String[] {"directories listed", "entries"},
                  settings.lifetime());
          if (report == null) {
            return ExitCodes.OK; // the reader went away (| head): that is how pipelines end
          }
          report.errors().forEach(this::branchFailed); // known at the end, from every process
        }
        if (runner != null) {
          runner.finish(); // the last batch of -X; its output goes before the session closes
        }
      }
      sessionOut.checkWritten(); // a full disk: one line, exit 1, before anything else is said
      readerGone = sessionOut.readerGone();
      if (runner != null && runner.cannotRun() != null) {
        throw new UserError(settings.execFlag() + ": " + runner.cannotRun());
      }
      if (settings.crawlOptions().stats) {
        StatsPrinter.print(
            err,
            String.join(" ", settings.roots().stream().map(Path::toString).toList()),
            "entries",
            report);
      }
      if (outputFormat == OutputFormat.DU && !readerGone) {
        java.io.ByteArrayOutputStream totals = new java.io.ByteArrayOutputStream();
        PrintStream summary = new PrintStream(totals, true, StandardCharsets.UTF_8);
        du.print(summary);
        summary.flush();
        sessionOut.writeNow(totals.toByteArray()); // not a PrintStream on stdout: it hides failures
        sessionOut.checkWritten();
        readerGone = sessionOut.readerGone();
      }
      int status = ExitStatus.of(report, readerGone || enough, 0, err, settings.crawlOptions());
      if (settings.uncheckedEntries().get() > 0 && !readerGone) {
        status = Math.max(status, ExitCodes.PARTIAL);
      }
      if (runner != null && runner.failed() > 0 && !readerGone) {
        err.println("crawl: " + runner.failed() + " of " + runner.started() + " commands failed");
        return Math.max(status, ExitCodes.PARTIAL);
      }
      return status;
    }

    /** The entry as printed: absolute with -a, without ./ with --strip-cwd-prefix. */
    private FileEntry shown(FileEntry entry) {
      return settings.absolutePath()
          ? entry.absolute()
          : settings.stripCwdPrefix() ? entry.withoutCwdPrefix() : entry;
    }

    private void accept(Visit<FileEntry> visit, SharedOutput out) {
      if (!filter.test(visit)) {
        return;
      }
      if (settings.maxResults() != null) {
        long n = printed.incrementAndGet();
        if (n > settings.maxResults()) {
          return;
        }
        if (n == settings.maxResults()) {
          enough = true;
          session.cancel(); // --max-results: the crawl ends here, as a pipe to head would end it
        }
      }
      if (outputFormat == OutputFormat.DU) {
        du.add(visit);
      } else if (runner != null) {
        runner.accept(shown(visit.node()).pathBytes());
      } else {
        FileEntry node = shown(visit.node());
        Visit<FileEntry> shown =
            node == visit.node()
                ? visit
                : new Visit<>(node, visit.kind(), visit.depth(), visit.parent());
        byte[] start = settings.colors() == null ? null : settings.colors().start(shown.node());
        if (start == null) {
          outputFormat.write(shown, out.buffer());
        } else {
          // One record: the color, the path, the reset, then the newline outside the color.
          byte[] path = shown.node().pathBytes();
          byte[] line =
              java.util.Arrays.copyOf(start, start.length + path.length + Colors.RESET.length);
          System.arraycopy(path, 0, line, start.length, path.length);
          System.arraycopy(Colors.RESET, 0, line, start.length + path.length, Colors.RESET.length);
          out.buffer().record(line, (byte) '\n');
        }
      }
    }
  }
}
