package dev.crawler.fs;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists directories straight from the operating system, by their paths' bytes: the fast path of
 * {@link FileTreeSource}. The implementation, {@code LinuxDirectoryReader}, uses the Foreign
 * Function and Memory API of Java 22, so it is compiled only by a JDK 22 or later and chosen at
 * run time by {@link #load()}: on Java 17, on another system, or without native access, the source
 * lists with {@code java.nio} instead. Implementations are thread-safe.
 *
 * <p>What it saves over {@code java.nio}: the listing tells each entry's type ({@code d_type}), so
 * no entry is {@code lstat}ed unless its size or time is asked for or its filesystem does not say
 * the type; names stay bytes from the kernel to the output; and one system call returns many
 * entries ({@code getdents64} into a reused buffer).
 */
interface NativeDirectoryReader {
  /** {@link #list}'s device when any will do. */
  long ANY_DEVICE = Long.MIN_VALUE;

  /**
   * The longest path Linux opens by name, its terminating NUL included ({@code PATH_MAX}): a
   * directory whose path has this many bytes or more is opened relative to an ancestor's open
   * descriptor ({@code openat}), as {@code find} and {@code bfs} do.
   */
  int PATH_MAX = 4096;

  /**
   * The directories one worker keeps open, so that a directory too deep to open by its path is
   * opened relative to its parent: what {@link #openDirectories()} returns, and {@link #list} is
   * given. Confined to one thread, like the worker's session that holds it; closing it closes them.
   */
  interface OpenDirectories extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * A new set of open directories for one worker, empty; at most a few directories are kept in it,
   * and only directories whose children may be too deep to open by path.
   *
   * @return the set, to close when the worker is done
   */
  OpenDirectories openDirectories();

  /** What a listing finds: one call per entry, {@code .} and {@code ..} left out. */
  @FunctionalInterface
  interface Entries {
    /**
     * One entry.
     *
     * @param path its full path: the directory's bytes, a {@code /} unless they end with one, and
     *     the name; a new array, which the callee keeps
     * @param nameStart where the name begins in {@code path}
     * @param type its type, never {@link FileType#UNKNOWN}
     * @param size its size in bytes, or -1 when not read
     * @param lastModifiedMillis its modification time, or -1 when not read
     * @param diskBytes the disk space it takes ({@code st_blocks} times 512), or -1 when not read
     * @param links its number of names (hard links), or -1 when not read
     * @param device its device ({@link #device} numbering) when attributes are read, or a
     *     directory's when following links; else -1
     * @param inode its inode number, when {@code device} is given; else -1
     * @param followed whether it is a link, followed: type and attributes are its target's
     * @throws IOException to end the listing with it
     */
    void entry(byte[] path, int nameStart, FileType type, long size, long lastModifiedMillis, long diskBytes,
        long links, long device, long inode, boolean followed) throws IOException;
  }

  /**
   * Lists one directory. An entry that vanishes before its attributes are read is left out, as
   * {@link FileTreeSource} does with {@code java.nio}. A directory shorter than {@link #PATH_MAX}
   * is opened by its path; a longer one relative to the nearest ancestor kept in {@code open}, or
   * else one piece of its path shorter than {@code PATH_MAX} after another from the working
   * directory. The directory is then kept in {@code open} if a child's path may reach the limit.
   *
   * @param open the calling worker's open directories, or {@code null} to keep none
   * @param directory the directory's path bytes, without a terminating NUL
   * @param readAttributes whether to read every entry's size, modification time, disk usage, links,
   *     device and inode (one {@code statx} each); if not, only entries whose type the listing does
   *     not tell are read
   * @param followLinks whether to give a link's target's type (and attributes, if read), a link
   *     whose target cannot be read staying a link as with {@code find -L}, and each directory's
   *     device and inode; this costs a {@code statx} for every link and directory
   * @param device list only if the directory is on this device ({@link #device}); else {@link
   *     #ANY_DEVICE}
   * @param entries where the entries go
   * @return {@code false} if the directory is on another device and was not listed
   * @throws IOException what {@code java.nio} would throw for the same error: {@code
   *     NoSuchFileException}, {@code AccessDeniedException}, {@code NotDirectoryException}, or a
   *     {@code FileSystemException} whose reason is the system's message
   */
  boolean list(OpenDirectories open, byte[] directory, boolean readAttributes, boolean followLinks, long device, Entries entries)
      throws IOException;

  /**
   * The device a path is on, following links, in this reader's numbering.
   *
   * @param path the path's bytes
   * @return its device
   * @throws IOException if it cannot be read
   */
  long device(byte[] path) throws IOException;

  /**
   * A path's device and inode, following links: what tells a directory reached twice; and its disk
   * usage, for a root's.
   *
   * @param path the path's bytes
   * @return {device, inode, disk bytes}
   * @throws IOException if it cannot be read
   */
  long[] fileKey(byte[] path) throws IOException;

  /** What {@link FileTreeSource} uses unless told otherwise: {@link #load()}, once. */
  NativeDirectoryReader SYSTEM = load();

  /**
   * The native reader, when this JVM can use it: Java 22 or later, Linux, native access enabled
   * for this code ({@code --enable-native-access=ALL-UNNAMED}, or {@code Enable-Native-Access} in
   * an executable jar's manifest: without it Java prints a warning, and a library must not cause
   * one), its class compiled into this build, and the system property {@code crawler.fs.reader}
   * not set to {@code java}.
   *
   * @return the reader, or {@code null} to list with {@code java.nio}
   */
  static NativeDirectoryReader load() {
    Logger log = LoggerFactory.getLogger(NativeDirectoryReader.class);
    String why;
    if ("java".equals(System.getProperty("crawler.fs.reader"))) {
      why = "crawler.fs.reader=java";
    } else if (Runtime.version().feature() < 22) {
      why = "Java " + Runtime.version().feature() + " has no Foreign Function and Memory API";
    } else if (!"Linux".equals(System.getProperty("os.name"))) {
      why = "not Linux";
    } else {
      try {
        boolean enabled = (Boolean) Module.class.getMethod("isNativeAccessEnabled")
            .invoke(NativeDirectoryReader.class.getModule());
        if (!enabled) {
          why = "native access is not enabled (--enable-native-access=ALL-UNNAMED)";
        } else {
          Object reader = Class.forName("dev.crawler.fs.LinuxDirectoryReader").getDeclaredMethod("create")
              .invoke(null);
          log.debug("directories are listed with getdents64 (Java {})", Runtime.version().feature());
          return (NativeDirectoryReader) reader;
        }
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        why = "the native reader is not available: " + e; // e.g. built by a JDK older than 22
      }
    }
    log.debug("directories are listed with java.nio: {}", why);
    return null;
  }
}
