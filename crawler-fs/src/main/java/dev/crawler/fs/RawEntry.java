package dev.crawler.fs;

import java.nio.file.Path;

/**
 * One directory entry as a {@link DirectoryReader} found it, before {@link FileTreeSource} decides
 * what it becomes (left out, a leaf, a branch, a loop): its path, the type its listing told, and
 * the attributes that were read, each named. A listing fills the same instance entry after entry
 * ({@link #reset(byte[], int, FileType)} or {@link #reset(Path)}, then {@link
 * DirectoryReader.Listing#read}), so reading costs no allocation beyond the entry's path and the
 * {@link FileEntry} made of it.
 *
 * <p>Not thread-safe: confined to the thread that lists, like the listing that fills it.
 */
final class RawEntry {
  /**
   * The path's bytes, as the native reader found them; {@code null} when {@link #path} came first.
   */
  private byte[] bytes;

  /** Where the name starts in {@link #bytes}; meaningful only with bytes. */
  private int nameStart;

  /** The path: as java.nio found it, or made from {@link #bytes} on first use. */
  private Path path;

  /**
   * The entry's type: what the listing told, then what was read; {@code null} when not known yet.
   */
  FileType type;

  /** Size in bytes; -1 when not read. */
  long size;

  /** Last modification, milliseconds since the epoch; -1 when not read. */
  long lastModifiedMillis;

  /** Disk space taken ({@code st_blocks} times 512); -1 when not read. */
  long diskBytes;

  /** Number of names (hard links); -1 when not read. */
  long links;

  /**
   * Device ({@link DirectoryReader#device} numbering) and inode, from a native read; -1 when not
   * read.
   */
  long device;

  /** See {@link #device}. */
  long inode;

  /**
   * The identity java.nio gives ({@code BasicFileAttributes.fileKey()}); {@code null} when not
   * read.
   */
  Object javaFileKey;

  /** Whether this is a link, followed: type and attributes are its target's. */
  boolean followed;

  /** Starts the next entry, found by bytes: {@code path} is kept (not copied), nothing is read. */
  void reset(byte[] path, int nameStart, FileType type) {
    this.bytes = path;
    this.nameStart = nameStart;
    this.path = null;
    clear(type);
  }

  /** Starts the next entry, found as a {@link Path}, of a type not known yet: nothing is read. */
  void reset(Path path) {
    this.bytes = null;
    this.path = path;
    clear(null);
  }

  private void clear(FileType told) {
    type = told;
    size = -1;
    lastModifiedMillis = -1;
    diskBytes = -1;
    links = -1;
    device = -1;
    inode = -1;
    javaFileKey = null;
    followed = false;
  }

  /**
   * The path's bytes if the reader found them so; else {@code null} (then {@link #path()} is set).
   */
  byte[] bytesOrNull() {
    return bytes;
  }

  /** The path, made from the bytes once if the reader found bytes. */
  Path path() {
    Path p = path;
    if (p == null) {
      p = PathBytes.toPath(bytes);
      path = p;
    }
    return p;
  }

  /** The path as it already is, without decoding: {@code null} if only the bytes are known. */
  Path pathOrNull() {
    return path;
  }

  /** Whether the entry's name starts with a dot (a hidden entry). */
  boolean isHidden() {
    return bytes != null ? bytes[nameStart] == '.' : path.getFileName().toString().startsWith(".");
  }

  /**
   * What tells this entry from every other file, as {@code find -L} tells loops: device and inode
   * from a native read, else java.nio's file key; {@code null} when neither was read.
   */
  Object fileKey() {
    if (javaFileKey != null) {
      return javaFileKey;
    }
    return inode == -1 && device == -1 ? null : new FileKey(device, inode);
  }

  /** A file's identity from a native read: device and inode. */
  record FileKey(long device, long inode) {}
}
