package dev.crawler.cli;

import dev.crawler.core.Visit;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Totals in the spirit of {@code du -s}: entries that are not directories, directories, and
 * apparent bytes (the sum of the sizes of entries that are not directories, as {@code du -sb}),
 * overall and, when asked, per top-level entry of each root. Thread-safe: workers add, the
 * command prints once they are gone.
 */
final class DuSummary {
  /** One bucket of counts. */
  static final class Counts {
    final LongAdder files = new LongAdder();
    final LongAdder directories = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder errors = new LongAdder();
  }

  private final boolean perTopLevel;
  private final Counts total = new Counts();
  private final Map<Path, Counts> byTopLevel = new ConcurrentHashMap<>();

  DuSummary(boolean perTopLevel) {
    this.perTopLevel = perTopLevel;
  }

  void add(Path root, Visit<FileEntry> visit) {
    FileEntry entry = visit.node();
    count(total, entry);
    if (perTopLevel && visit.depth() >= 1) {
      count(byTopLevel.computeIfAbsent(topLevel(root, entry.path()), k -> new Counts()), entry);
    }
  }

  void addError(Path root, Path failed) {
    total.errors.increment();
    if (perTopLevel && !failed.equals(root) && failed.startsWith(root)) {
      byTopLevel.computeIfAbsent(topLevel(root, failed), k -> new Counts()).errors.increment();
    }
  }

  private static Path topLevel(Path root, Path path) {
    return root.resolve(root.relativize(path).getName(0));
  }

  private static void count(Counts counts, FileEntry entry) {
    if (entry.type() == FileType.DIRECTORY) {
      counts.directories.increment();
    } else {
      counts.files.increment();
      counts.bytes.add(Math.max(0, entry.size()));
    }
  }

  void print(PrintStream out) {
    out.println("bytes\tfiles\tdirs\terrors\tpath");
    if (perTopLevel) {
      new TreeMap<>(byTopLevel).forEach((path, counts) -> line(out, counts, path.toString()));
    }
    line(out, total, "total");
  }

  private static void line(PrintStream out, Counts c, String label) {
    out.println(c.bytes.sum() + "\t" + c.files.sum() + "\t" + c.directories.sum() + "\t" + c.errors.sum() + "\t" + label);
  }
}
