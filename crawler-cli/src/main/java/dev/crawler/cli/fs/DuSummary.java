package dev.crawler.cli.fs;

import dev.crawler.core.Visit;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileType;
import dev.crawler.fs.PathBytes;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Totals as {@code du -s} gives them: the disk space every entry takes, directories included and a
 * file with several names (hard links) counted once, as {@code du -s --block-size=1}; or, with
 * {@code --apparent-size}, their sizes, as {@code du -sb}. Also counts of entries that are not
 * directories, of directories, and of directories that could not be read; overall and, when asked,
 * per top-level entry of each root. Thread-safe: workers add, the command prints once they are
 * gone.
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

  /** Disk usage ({@link FileEntry#diskUsage()}) rather than apparent sizes. */
  private final boolean diskUsage;

  private final Counts total = new Counts();

  /**
   * By top-level entry, keyed by its path's bytes in an ISO-8859-1 string (one char per byte):
   * taken from each entry's bytes without making a Path, which would cost more than the rest.
   */
  private final Map<String, Counts> byTopLevel = new ConcurrentHashMap<>();

  /** Files with several names already counted: their bytes go to the first name met, as du does. */
  private final Set<Object> hardLinksCounted = ConcurrentHashMap.newKeySet();

  DuSummary(boolean perTopLevel, boolean diskUsage) {
    this.perTopLevel = perTopLevel;
    this.diskUsage = diskUsage;
  }

  void add(Visit<FileEntry> visit) {
    FileEntry entry = visit.node();
    Object hardLink = entry.hardLinkKey();
    long bytes =
        hardLink != null && !hardLinksCounted.add(hardLink)
            ? 0
            : Math.max(0, diskUsage ? entry.diskUsage() : entry.size());
    count(total, entry, bytes);
    if (perTopLevel && visit.depth() >= 1) {
      count(
          byTopLevel.computeIfAbsent(
              topLevelKey(entry.pathBytes(), visit.depth()), k -> new Counts()),
          entry,
          bytes);
    }
  }

  /** A directory at {@code depth} could not be read. */
  void addError(Path failed, int depth) {
    total.errors.increment();
    if (perTopLevel && depth >= 1) {
      byTopLevel
          .computeIfAbsent(topLevelKey(PathBytes.of(failed), depth), k -> new Counts())
          .errors
          .increment();
    }
  }

  /**
   * The key of the top-level entry (depth 1) above a path at {@code depth} >= 1: its bytes less
   * their last {@code depth - 1} names. Paths are built name by name from the root as given, so
   * this holds whichever root of several the path came from, even when one lies inside another.
   */
  static String topLevelKey(byte[] path, int depth) {
    int end = path.length;
    for (int up = depth - 1; up > 0; up--) {
      end--;
      while (path[end] != '/') {
        end--;
      }
    }
    return new String(path, 0, end, StandardCharsets.ISO_8859_1);
  }

  private static void count(Counts counts, FileEntry entry, long bytes) {
    if (entry.type() == FileType.DIRECTORY) {
      counts.directories.increment();
    } else {
      counts.files.increment();
    }
    counts.bytes.add(bytes);
  }

  void print(PrintStream out) {
    out.println("bytes\tfiles\tdirs\terrors\tpath");
    if (perTopLevel) {
      Map<Path, Counts> byPath = new TreeMap<>(); // sorted and shown as before: as Paths
      byTopLevel.forEach(
          (key, counts) ->
              byPath.put(PathBytes.toPath(key.getBytes(StandardCharsets.ISO_8859_1)), counts));
      byPath.forEach((path, counts) -> line(out, counts, path.toString()));
    }
    line(out, total, "total");
  }

  private static void line(PrintStream out, Counts c, String label) {
    out.println(
        c.bytes.sum()
            + "\t"
            + c.files.sum()
            + "\t"
            + c.directories.sum()
            + "\t"
            + c.errors.sum()
            + "\t"
            + label);
  }
}
