package dev.crawler.cli;

import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileErrors;
import dev.crawler.fs.FileTreeOptions;
import dev.crawler.fs.FileTreeSource;
import dev.crawler.fs.FileType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crawl fs DIR...}: every entry under the directories, found by parallel workers. */
@Command(
    name = "fs",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Walk directory trees in parallel and print every entry, like find.",
        "Each directory is listed by one of several workers; entries appear in no particular order."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every entry was read",
        "1:some directories could not be read, or the deadline passed (like find)",
        "2:bad usage or bad input (unknown flag, missing directory, bad glob)",
        "130:interrupted (Ctrl-C); what was found was written"})
final class FsCommand implements Callable<Integer> {
  /**
   * Measured on 2 cores (src/site/markdown/fs-benchmarks.md): warm, 2 workers are 0.4 s faster on
   * 1.1M entries; cold, 4 are 0.6 s faster, and a cold walk is the slow one.
   */
  static final int DEFAULT_WORKERS = 4;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "DIR", arity = "1..*", description = "Directories to walk.")
  List<Path> roots;

  @Option(names = {"-j", "--workers"}, paramLabel = "N",
      description = "Parallel workers (default ${DEFAULT-VALUE}).")
  int workers = DEFAULT_WORKERS;

  @Option(names = {"-d", "--max-depth"}, paramLabel = "N",
      description = "Descend at most N levels below each DIR (DIR itself is level 0).")
  Integer maxDepth;

  @Option(names = "--min-depth", paramLabel = "N", description = "Print only entries at least N levels down.")
  int minDepth;

  @Option(names = {"-E", "--exclude"}, paramLabel = "GLOB",
      description = "Leave out entries matching GLOB, with their whole subtree (repeatable). "
          + "A GLOB without / matches names, one with / paths relative to DIR.")
  List<String> excludes = new ArrayList<>();

  @Option(names = {"-t", "--type"}, paramLabel = "TYPE", split = ",",
      description = "Print only these types: f (file), d (directory), l (symlink), o (other). Repeatable.")
  List<String> types = new ArrayList<>();

  @Option(names = {"-L", "--follow"}, description = "Follow symbolic links; a link to an ancestor is reported as a loop.")
  boolean follow;

  @Option(names = {"-x", "--one-file-system"}, description = "Do not descend into other filesystems.")
  boolean oneFileSystem;

  @Option(names = "--no-hidden", description = "Leave out entries whose name starts with a dot.")
  boolean noHidden;

  @Option(names = "--deadline", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Stop after TIME (e.g. 30s, 5m); the output is then partial (exit 1).")
  Duration deadline;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  /** The output format flags; at most one. */
  static final class Format {
    @Option(names = {"-0", "--null"}, description = "Separate paths with NUL bytes (for xargs -0).")
    boolean nul;

    @Option(names = "--json", description = "One JSON object per line: path, type, size, mtime, depth.")
    boolean json;

    @Option(names = "--du", description = "Print only totals: bytes, files, directories, errors.")
    boolean du;

    @Option(names = "--summary", description = "Like --du, with a line per top-level entry of each DIR.")
    boolean summary;

    OutputFormat outputFormat() {
      return nul ? OutputFormat.NUL : json ? OutputFormat.JSON : du || summary ? OutputFormat.DU : OutputFormat.PLAIN;
    }
  }

  @Option(names = {"-q", "--quiet"}, description = "No progress line and no per-directory error lines.")
  boolean quiet;

  @Option(names = "--stats", description = "Print the crawl report on stderr at the end.")
  boolean stats;

  @Option(names = "--debug", description = "Show stack traces for failures.")
  boolean debug;

  /** Where results go, as raw bytes. */
  private final OutputStream stdout;

  FsCommand(OutputStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws Exception {
    if (workers < 1 || workers > 10_000) {
      throw new UserError("--workers must be from 1 to 10000, not " + workers);
    }
    if (maxDepth != null && maxDepth < 0) {
      throw new UserError("--max-depth must not be negative, not " + maxDepth);
    }
    Set<FileType> wanted = parseTypes();
    // Paths alone need no lstat of entries that cannot be directories: see FileTreeSource.
    OutputFormat outputFormat = format.outputFormat();
    boolean pathsOnly = types.isEmpty() && (outputFormat == OutputFormat.PLAIN || outputFormat == OutputFormat.NUL);
    FileTreeOptions options = new FileTreeOptions(follow, oneFileSystem, noHidden, excludes, !pathsOnly);
    List<FileTreeSource> sources = new ArrayList<>();
    for (Path root : roots) {
      sources.add(open(root, options));
    }
    PrintStream err = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
    return new Run(sources, wanted, err).execute();
  }

  private Set<FileType> parseTypes() throws UserError {
    Set<FileType> wanted = EnumSet.noneOf(FileType.class);
    for (String t : types) {
      if (t.length() != 1) {
        throw new UserError("--type takes f, d, l or o, not '" + t + "'");
      }
      try {
        wanted.add(FileType.ofLetter(t.charAt(0)));
      } catch (IllegalArgumentException e) {
        throw new UserError("--type takes f, d, l or o, not '" + t + "'");
      }
    }
    return wanted.isEmpty() ? EnumSet.allOf(FileType.class) : wanted;
  }

  private static FileTreeSource open(Path root, FileTreeOptions options) throws UserError {
    try {
      return FileTreeSource.over(root, options);
    } catch (NoSuchFileException e) {
      throw new UserError(root + ": no such directory", e);
    } catch (NotDirectoryException e) {
      throw new UserError(root + ": not a directory", e);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError(root + ": " + FileErrors.reason(e), e);
    }
  }

  /** One invocation: crawls each root in turn into the shared output. */
  private final class Run {
    private final List<FileTreeSource> sources;
    private final Set<FileType> wanted;
    private final PrintStream err;
    private final OutputFormat outputFormat = format.outputFormat();
    private final DuSummary du = new DuSummary(format.summary);
    private final CommandCrawl session;
    private final LongAdder errors = new LongAdder();
    private final long startNanos = System.nanoTime();

    Run(List<FileTreeSource> sources, Set<FileType> wanted, PrintStream err) {
      this.sources = sources;
      this.wanted = wanted;
      this.err = err;
      this.session = new CommandCrawl(stdout, err, quiet, "entries");
    }

    int execute() throws Exception {
      boolean timedOut = false;
      try (session) {
        for (FileTreeSource source : sources) {
          CrawlReport<FileEntry> report = crawl(source);
          if (report.outcome() == Outcome.FAILED && !session.out.failed()) {
            throw new IllegalStateException(CrawlCommand.describe(report.failure()), report.failure());
          }
          if (report.outcome() == Outcome.TIMED_OUT) {
            timedOut = true;
            break;
          }
          if (session.out.failed()) {
            break;
          }
        }
      }
      if (session.out.failed()) {
        return ExitCodes.OK; // the reader went away (| head): that is how pipelines end
      }
      if (outputFormat == OutputFormat.DU) {
        PrintStream summary = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        du.print(summary);
        summary.flush();
      }
      if (timedOut) {
        err.println("crawl: the deadline of " + deadline + " passed; the output is partial");
      }
      return timedOut || errors.sum() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }

    private CrawlReport<FileEntry> crawl(FileTreeSource source) throws InterruptedException {
      Path root = source.root().path();
      Crawler<FileEntry, Void> crawler = Crawler.over(source).workers(workers).errorListener(error -> {
        errors.increment();
        du.addError(root, error.branch().path());
        if (!quiet) {
          err.println("crawl: " + error.branch().path() + ": " + FileErrors.reason(error.cause()));
        }
      });
      if (maxDepth != null) {
        crawler.maxDepth(maxDepth);
      }
      if (deadline != null) {
        Duration left = deadline.minusNanos(System.nanoTime() - startNanos);
        crawler.deadline(left.isNegative() || left.isZero() ? Duration.ofNanos(1) : left);
      }
      CrawlReport<FileEntry> report = session.await(crawler.start(source.root(), visit -> accept(root, visit)));
      if (stats) {
        StatsPrinter.print(err, root.toString(), "entries", report);
      }
      return report;
    }

    private void accept(Path root, Visit<FileEntry> visit) {
      FileEntry entry = visit.node();
      if (visit.depth() < minDepth || !wanted.contains(entry.type()) || entry.isLoop()) {
        return; // a loop is reported as an error line, not printed: as find -L does
      }
      if (outputFormat == OutputFormat.DU) {
        du.add(root, visit);
      } else {
        outputFormat.write(visit, session.out.buffer());
      }
    }
  }
}
