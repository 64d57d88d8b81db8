package dev.crawler.fs;

/**
 * One worker's session with a {@link FileTreeSource}: the few directories it keeps open, so that a
 * directory deeper than the system opens by path ({@code PATH_MAX}, 4,096 bytes on Linux) is opened
 * relative to an open ancestor, as {@code find} does. Holds nothing with {@code java.nio}, and
 * never more than a few descriptors (see {@code OpenDirectoryCache}).
 *
 * <p>Not thread-safe: the engine confines a session to the worker that opened it, and closes it on
 * that thread ({@link FileTreeSource#close}). A source's {@code list} may also be given {@code
 * null}: directories are then opened by their path, or in pieces when it is too long.
 */
public final class DirectorySession implements AutoCloseable {
  /** {@code null} when the source lists with {@code java.nio}. */
  private final DirectoryReader.OpenDirectories open;

  DirectorySession(DirectoryReader.OpenDirectories open) {
    this.open = open;
  }

  /** The directories kept open, for the native reader; {@code null} with {@code java.nio}. */
  DirectoryReader.OpenDirectories openDirectories() {
    return open;
  }

  /** Closes every directory kept open. */
  @Override
  public void close() {
    if (open != null) {
      open.close();
    }
  }
}
