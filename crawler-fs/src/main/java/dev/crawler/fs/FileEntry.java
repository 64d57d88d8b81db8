package dev.crawler.fs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One filesystem entry found by a crawl: its path (as reached from the root, so relative if the
 * root was), its type, size and modification time. Immutable and thread-safe. Two entries are
 * equal when their paths are.
 *
 * <p>With links followed, a directory entry also remembers its parent directory and its file key,
 * so that a link back to an ancestor is recognised as a loop.
 */
public final class FileEntry {
  private final Path path;
  private final FileType type;
  private final long size;
  private final long lastModifiedMillis;
  /** Set only for directories when links are followed; {@code null} otherwise. */
  private final Object fileKey;
  /** Set only for directories when links are followed; {@code null} otherwise. */
  private final FileEntry parentDirectory;
  /** A directory reached through a link to one of its own ancestors: listed as a loop error. */
  private final boolean loop;
  /** For directories: the root of the crawl they were found under; {@code null} for leaves. */
  private final TreeRoot origin;

  FileEntry(Path path, FileType type, long size, long lastModifiedMillis, Object fileKey,
      FileEntry parentDirectory, boolean loop, TreeRoot origin) {
    this.path = Objects.requireNonNull(path, "path");
    this.type = Objects.requireNonNull(type, "type");
    this.size = size;
    this.lastModifiedMillis = lastModifiedMillis;
    this.fileKey = fileKey;
    this.parentDirectory = parentDirectory;
    this.loop = loop;
    this.origin = origin;
  }

  /** An entry known not to be a directory, whose attributes were not read. */
  static FileEntry unread(Path path) {
    return new FileEntry(path, FileType.UNKNOWN, -1, -1, null, null, false, null);
  }

  /** The path, resolved from the crawl's root as given. Its raw bytes: {@link PathBytes#of}. */
  public Path path() {
    return path;
  }

  /**
   * This entry with its path made absolute and normalized (no {@code .} or {@code ..}), its name's
   * bytes kept; the same entry otherwise.
   *
   * @return the entry, as {@code crawl fs -a} prints it
   */
  public FileEntry absolute() {
    Path absolute = path.toAbsolutePath().normalize();
    return absolute.equals(path) ? this
        : new FileEntry(absolute, type, size, lastModifiedMillis, fileKey, parentDirectory, loop, origin);
  }

  public FileType type() {
    return type;
  }

  /**
   * Size in bytes, as {@code stat} reports it (for a directory, the directory's own size); -1 for
   * an entry of type {@link FileType#UNKNOWN}.
   */
  public long size() {
    return size;
  }

  /** Last modification, milliseconds since the epoch; -1 for {@link FileType#UNKNOWN}. */
  public long lastModifiedMillis() {
    return lastModifiedMillis;
  }

  /** Whether this is a followed link to an ancestor directory (reported as an error, not entered). */
  public boolean isLoop() {
    return loop;
  }

  Object fileKey() {
    return fileKey;
  }

  FileEntry parentDirectory() {
    return parentDirectory;
  }

  TreeRoot origin() {
    return origin;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FileEntry that && path.equals(that.path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
