package dev.crawler.fs;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * One filesystem entry found by a crawl: its path (as reached from the root, so relative if the
 * root was), its type, size and modification time. Immutable and thread-safe.
 *
 * <p>With links followed, a directory entry also remembers its parent directory and its file key,
 * so that a link back to an ancestor is recognised as a loop.
 *
 * <p>An entry found by the native directory reader (see {@link FileTreeSource}) holds its path as
 * the bytes the kernel gave, and makes a {@link Path} of them only when {@link #path()} is asked:
 * printing paths ({@link #pathBytes()}) never decodes a name. Two entries are equal when their
 * paths' bytes are, however each was made.
 */
public final class FileEntry {
  /**
   * The path; made from {@link #bytes} on first use when the entry was created from bytes. A benign
   * race: threads that both find it unset make equal paths, and a Path is immutable (final fields),
   * so publishing it through a plain field is safe.
   */
  private Path path;

  /** The path's exact bytes, when the entry was created from them; {@code null} otherwise. */
  private final byte[] bytes;

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

  /** Disk space taken, in bytes ({@code st_blocks} times 512); -1 when not known. */
  private final long diskBytes;

  /** Device and inode of an entry with other names (hard links); {@code null} otherwise. */
  private final Object hardLinkKey;

  /**
   * For directories, with ignore files respected: the rules its entries obey; {@code null}
   * otherwise.
   */
  private final IgnoreRules ignoreRules;

  /** A copy of {@code from} with another path, or other ignore rules. */
  private FileEntry(FileEntry from, Path path, byte[] bytes, IgnoreRules ignoreRules) {
    this.path = path;
    this.bytes = bytes;
    this.type = from.type;
    this.size = from.size;
    this.lastModifiedMillis = from.lastModifiedMillis;
    this.fileKey = from.fileKey;
    this.parentDirectory = from.parentDirectory;
    this.loop = from.loop;
    this.origin = from.origin;
    this.diskBytes = from.diskBytes;
    this.hardLinkKey = from.hardLinkKey;
    this.ignoreRules = ignoreRules;
  }

  /** An entry of {@code raw}'s path and attributes, and of the given links to the walk. */
  private FileEntry(
      RawEntry raw,
      FileType type,
      Object fileKey,
      FileEntry parentDirectory,
      boolean loop,
      TreeRoot origin,
      Object hardLinkKey) {
    this.path = raw.pathOrNull();
    this.bytes = raw.bytesOrNull();
    this.type = Objects.requireNonNull(type, "type");
    this.size = raw.size;
    this.lastModifiedMillis = raw.lastModifiedMillis;
    this.fileKey = fileKey;
    this.parentDirectory = parentDirectory;
    this.loop = loop;
    this.origin = origin;
    this.diskBytes = raw.diskBytes;
    this.hardLinkKey = hardLinkKey;
    this.ignoreRules = null;
  }

  /**
   * A leaf as read: its type and attributes, and, when it has other names (hard links), its
   * identity as {@link #hardLinkKey()}.
   */
  static FileEntry leaf(RawEntry raw) {
    return new FileEntry(
        raw, raw.type, null, null, false, null, raw.links > 1 ? raw.fileKey() : null);
  }

  /** A directory under {@code origin}, as read, when links are not followed. */
  static FileEntry directory(RawEntry raw, TreeRoot origin) {
    return new FileEntry(raw, FileType.DIRECTORY, null, null, false, origin, null);
  }

  /**
   * A directory when links are followed: it remembers its identity and its parent, so that a link
   * below it back to it is told; a loop itself if it is a followed link to an ancestor.
   *
   * @param parent the directory it was listed in; {@code null} for a root
   * @param loop whether it is a followed link to {@code parent} or one of its ancestors
   */
  static FileEntry followedDirectory(
      RawEntry raw, TreeRoot origin, FileEntry parent, boolean loop) {
    return new FileEntry(raw, FileType.DIRECTORY, raw.fileKey(), parent, loop, origin, null);
  }

  /**
   * An entry {@code java.nio} cannot read, its path being too long to open by name ({@code
   * PATH_MAX}): a branch of type {@link FileType#UNKNOWN}, whose listing fails saying so.
   */
  static FileEntry beyondPathMax(RawEntry raw) {
    return unread(raw);
  }

  /** An entry known not to be a directory, whose attributes were not read. */
  static FileEntry unread(RawEntry raw) {
    return new FileEntry(
        raw, FileType.UNKNOWN, null, null, false, null, null); // nothing was read into raw
  }

  /**
   * An entry as {@link FileEntryCodec} carries it: its path, type, size and time, and for a
   * directory its root; no other link to the walk.
   */
  static FileEntry decoded(RawEntry raw, TreeRoot origin) {
    return new FileEntry(raw, raw.type, null, null, false, origin, null);
  }

  /**
   * The path, resolved from the crawl's root as given. Its exact bytes: {@link #pathBytes()}.
   *
   * @return the path; for an entry the native reader found, made from its bytes on first use
   */
  public Path path() {
    Path p = path;
    if (p == null) {
      p = PathBytes.toPath(bytes);
      path = p;
    }
    return p;
  }

  /**
   * The path's exact bytes, as the filesystem stores them (see {@link PathBytes}): what {@code
   * crawl fs} prints. Cheap for entries the native reader found, which keep them.
   *
   * @return a new array each call
   */
  public byte[] pathBytes() {
    return bytes != null ? bytes.clone() : PathBytes.of(path);
  }

  /** {@link #pathBytes()} without the copy, for this package's readers: not to be modified. */
  byte[] sharedPathBytes() {
    return bytes != null ? bytes : PathBytes.of(path);
  }

  /**
   * This entry with its path made absolute and normalized (no {@code .} or {@code ..}), its name's
   * bytes kept; the same entry otherwise.
   *
   * @return the entry, as {@code crawl fs -a} prints it
   */
  public FileEntry absolute() {
    Path path = path();
    Path absolute = path.toAbsolutePath().normalize();
    return absolute.equals(path) ? this : new FileEntry(this, absolute, null, ignoreRules);
  }

  /**
   * This entry with its path's leading {@code ./} taken off, as fd's {@code --strip-cwd-prefix}
   * prints it: {@code ./src/a.c} becomes {@code src/a.c}; {@code .} itself, and any path that does
   * not start with {@code ./}, stay as they are.
   *
   * @return the entry with the shorter path, or this one
   */
  public FileEntry withoutCwdPrefix() {
    byte[] b = sharedPathBytes();
    if (b.length < 3 || b[0] != '.' || b[1] != '/') {
      return this;
    }
    int start = 2;
    while (start < b.length - 1 && b[start] == '/') {
      start++;
    }
    return new FileEntry(this, null, Arrays.copyOfRange(b, start, b.length), ignoreRules);
  }

  /** This directory with the ignore rules its entries obey. */
  FileEntry withIgnoreRules(IgnoreRules rules) {
    return new FileEntry(this, path, bytes, rules);
  }

  /**
   * The ignore rules this directory's entries obey; {@code null} unless ignore files are respected.
   */
  IgnoreRules ignoreRules() {
    return ignoreRules;
  }

  /**
   * What kind of entry this is.
   *
   * @return its type; {@link FileType#UNKNOWN} when it was not read
   */
  public FileType type() {
    return type;
  }

  /**
   * Size in bytes, as {@code stat} reports it (for a directory, the directory's own size); -1 when
   * not read: for an entry of type {@link FileType#UNKNOWN}, and, with {@link
   * FileTreeOptions#readLeafAttributes()} off, for entries whose type the directory listing told.
   *
   * @return the size in bytes, or -1
   */
  public long size() {
    return size;
  }

  /**
   * Last modification, milliseconds since the epoch.
   *
   * @return the time, or -1 when not read, as for {@link #size()}
   */
  public long lastModifiedMillis() {
    return lastModifiedMillis;
  }

  /**
   * Disk space the entry takes, in bytes: its {@code st_blocks} times 512, what {@code du} adds up.
   * -1 when not known: with {@code java.nio}, which cannot read it, or when attributes were not
   * read (see {@link FileTreeSource#canReadDiskUsage()}).
   *
   * @return the bytes it takes on disk, or -1
   */
  public long diskUsage() {
    return diskBytes;
  }

  /**
   * For an entry that is not a directory and has other names (hard links): a key equal for every
   * name of the same file, so that a total can count it once, as {@code du} does. {@code null}
   * otherwise, and whenever the reader could not tell (as {@link #diskUsage()}).
   *
   * @return the key (compare with {@code equals}), or {@code null}
   */
  public Object hardLinkKey() {
    return hardLinkKey;
  }

  /**
   * Whether this is a followed link to an ancestor directory (reported as an error, not entered).
   *
   * @return {@code true} for a loop; always {@code false} unless links are followed
   */
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
    return other instanceof FileEntry that
        && Arrays.equals(sharedPathBytes(), that.sharedPathBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sharedPathBytes());
  }

  @Override
  public String toString() {
    return path().toString();
  }
}
