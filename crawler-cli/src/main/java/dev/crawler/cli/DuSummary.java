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

  void add(Visit<FileEntry> visit) {
    FileEntry entry = visit.node();
    count(total, entry);
    if (perTopLevel && visit.depth() >= 1) {
      count(byTopLevel.computeIfAbsent(ancestorAtDepth(entry.path(), visit.depth(), 1), k -> new Counts()), entry);
    }
  }

  /** A directory at {@code depth} could not be read. */
  void addError(Path failed, int depth) {
    total.errors.increment();
    if (perTopLevel && depth >= 1) {
      byTopLevel.computeIfAbsent(ancestorAtDepth(failed, depth, 1), k -> new Counts()).errors.increment();
    }
  }

  /**
   * The ancestor of {@code path} at {@code level} levels below its crawl's root, {@code path}
   * being {@code depth} levels below it. Paths are resolved name by name from the root as given,
   * so the root is {@code path} less its last {@code depth} names, whichever root of several it
   * came from, even when one root lies inside another.
   */
  static Path ancestorAtDepth(Path path, int depth, int level) {
    int keep = path.getNameCount() - depth + level;
    if (keep == 0) {
      return path.getRoot();
    }
    Path prefix = path.subpath(0, keep);
    return path.getRoot() == null ? prefix : path.getRoot().resolve(prefix);
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
