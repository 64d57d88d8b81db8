package dev.crawler.fs;

/** What kind of filesystem entry a {@link FileEntry} is. */
public enum FileType {
  /** A regular file. */
  FILE,
  /** A directory: the only type that is listed. */
  DIRECTORY,
  /** A symbolic link that is not followed (or, when following, one whose target is missing). */
  SYMLINK,
  /** Anything else: a device, a socket, a named pipe. */
  OTHER,
  /**
   * Not read: an entry known not to be a directory, when {@link
   * FileTreeOptions#readLeafAttributes()} is off; or, with {@code java.nio}, an entry whose path is
   * too long to read ({@code PATH_MAX}), visited as a branch whose listing fails. Its letter is
   * {@code ?}, which {@link #ofLetter} does not accept.
   */
  UNKNOWN;

  /**
   * The one-letter code used by {@code find -type}.
   *
   * @return f, d, l or o; {@code ?} for {@link #UNKNOWN}
   */
  public char letter() {
    return switch (this) {
      case FILE -> 'f';
      case DIRECTORY -> 'd';
      case SYMLINK -> 'l';
      case OTHER -> 'o';
      case UNKNOWN -> '?';
    };
  }

  /**
   * The type for a one-letter code.
   *
   * @param letter f, d, l or o
   * @return the type
   * @throws IllegalArgumentException for any other letter
   */
  public static FileType ofLetter(char letter) {
    for (FileType type : values()) {
      if (type != UNKNOWN && type.letter() == letter) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown file type '" + letter + "': use f, d, l or o");
  }
}
