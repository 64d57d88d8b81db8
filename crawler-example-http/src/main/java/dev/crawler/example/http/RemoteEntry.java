package dev.crawler.example.http;

import java.util.Objects;

/**
 * A file or a directory on a listing server: what {@link HttpListingSource} crawls. A directory is
 * a branch, a file a leaf. Immutable and thread-safe.
 *
 * @param path the absolute path on the server, from {@code /}; a directory's path, and only a
 *     directory's, ends with {@code /}
 * @param directory whether the entry is a directory
 * @param size a file's size in bytes as the listing gave it; 0 for a directory
 */
public record RemoteEntry(String path, boolean directory, long size) {

  /** Validates the components. */
  public RemoteEntry {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a path starts with /: " + path);
    }
    if (directory != path.endsWith("/")) {
      throw new IllegalArgumentException(
          "a directory's path, and only a directory's, ends with /: " + path);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size (" + size + ") must not be negative: " + path);
    }
  }

  /**
   * The server's top directory.
   *
   * @return the directory {@code /}
   */
  public static RemoteEntry root() {
    return new RemoteEntry("/", true, 0);
  }

  /** A child of this directory, named {@code name}. */
  RemoteEntry child(String name, boolean isDirectory, long childSize) {
    return new RemoteEntry(path + name + (isDirectory ? "/" : ""), isDirectory, childSize);
  }
}
