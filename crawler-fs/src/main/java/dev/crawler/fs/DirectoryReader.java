package dev.crawler.fs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads directories for {@link FileTreeSource}, and only reads: it yields each entry's path, the
 * type the listing tells and the attributes asked for, as {@link RawEntry}s. What an entry becomes
 * (left out by a filter, a leaf, a branch, a loop, a directory on another device not entered, a
 * branch past {@code PATH_MAX}) is decided once, above the readers, by the source, whichever reader
 * lists. Two implementations: {@link JavaNioDirectoryReader} everywhere, and {@link
 * NativeDirectoryReader}'s ({@code getdents64}) on Java 22+ on Linux. Implementations are
 * thread-safe; a {@link Listing} is confined to the thread that opened it.
 */
interface DirectoryReader {
  /**
   * The longest path Linux opens by name, its terminating NUL included ({@code PATH_MAX}): a
   * directory whose path has this many bytes or more is opened relative to an ancestor's open
   * descriptor ({@code openat}) by the native reader, as {@code find} and {@code bfs} do; java.nio
   * cannot open it.
   */
  int PATH_MAX = 4096;

  /**
   * How this reader reads, for a user who asks.
   *
   * @return {@code "getdents64"} or {@code "java.nio"}
   */
  String name();

  /**
   * A new set of open directories for one worker, empty; {@code null} when this reader keeps none.
   *
   * @return the set, to close when the worker is done, or {@code null}
   */
  OpenDirectories openDirectories();

  /**
   * The device a path is on, following links. Two devices are compared with {@code equals}, and
   * only devices from the same reader.
   *
   * @param path the path
   * @return its device
   * @throws IOException if it cannot be read
   */
  Object device(Path path) throws IOException;

  /**
   * Reads a root directory, following links, into {@code into}: its path as given, type {@link
   * FileType#DIRECTORY}, its size and time, its identity, and its disk usage if {@code attributes}
   * and this reader can tell it.
   *
   * @param root an existing directory
   * @param attributes whether every attribute is asked for
   * @param into where it goes
   * @throws IOException if it cannot be read
   */
  void readRoot(Path root, boolean attributes, RawEntry into) throws IOException;

  /**
   * Opens a directory to read its entries.
   *
   * @param open the calling worker's open directories ({@link #openDirectories()}), or {@code null}
   * @param directory the directory
   * @return its listing, to close
   * @throws IOException what {@code java.nio} would throw for the same error: {@code
   *     NoSuchFileException}, {@code AccessDeniedException}, {@code NotDirectoryException}, or a
   *     {@code FileSystemException} whose reason is the system's message
   */
  Listing open(OpenDirectories open, FileEntry directory) throws IOException;

  /**
   * One directory being read, entry after entry; {@code .} and {@code ..} are left out. Confined to
   * the thread that opened it. An error is what {@code java.nio} would throw for it.
   */
  interface Listing extends AutoCloseable {
    /**
     * The directory's device, in {@link DirectoryReader#device} numbering.
     *
     * @return its device
     * @throws IOException if it cannot be read
     */
    Object device() throws IOException;

    /**
     * How many subdirectories the directory has, from its link count, when this reader needs the
     * count (its listing does not tell types) and the filesystem is known to keep it; else -1.
     *
     * @return the count, or -1
     * @throws IOException if the directory cannot be read
     */
    int subdirectoryCount() throws IOException;

    /**
     * Starts the next entry in {@code into} ({@link RawEntry#reset}): its path, and its type if the
     * listing tells it, nothing else.
     *
     * @param into the entry to fill
     * @return {@code false} when the directory has no more entries
     * @throws IOException if the directory cannot be read
     */
    boolean next(RawEntry into) throws IOException;

    /**
     * Reads the entry {@link #next} just started: its type; with {@code followLinks} its identity
     * (what tells a loop); with {@code attributes} its size, time, and what this reader can tell of
     * disk usage, links and identity (what tells hard links). Following links, a link's target is
     * read instead ({@link RawEntry#followed}), and a link whose target cannot be read (dangling, a
     * loop of links, no permission) stays a link, as with {@code find -L}.
     *
     * @param entry the entry {@link #next} filled
     * @param attributes whether every attribute is asked for
     * @param followLinks whether links are followed
     * @return what came of it
     * @throws IOException if it cannot be read for another reason
     */
    Read read(RawEntry entry, boolean attributes, boolean followLinks) throws IOException;

    /** Closes the directory (or, with the native reader, keeps it open for its children). */
    @Override
    void close() throws IOException;
  }

  /** What came of {@link Listing#read}. */
  enum Read {
    /** The entry was read. */
    READ,
    /** The entry vanished since the listing. */
    VANISHED,
    /** The entry's path is too long for this reader to read ({@link #PATH_MAX}). */
    TOO_LONG
  }

  /**
   * The directories one worker keeps open, so that a directory too deep to open by its path is
   * opened relative to its parent: what {@link #openDirectories()} returns, and {@link #open} is
   * given. Confined to one thread, like the worker's session that holds it; closing it closes them.
   */
  interface OpenDirectories extends AutoCloseable {
    /** Closes every directory kept. */
    @Override
    void close();
  }
}
