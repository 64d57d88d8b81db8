package dev.crawler.cli.fs;

import dev.crawler.cli.common.UserError;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileType;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which types {@code -t} prints, with fd's letters and names: {@code f d l o} as find's {@code
 * -type}, {@code s p b c} for the kinds of "other" (socket, pipe, block and character device), and
 * fd's two restrictions: {@code x} (executable, as find's {@code -executable}: by the user running
 * crawl; it implies files) and {@code e} (empty files and directories, as find's {@code -empty};
 * alone it means both). As in fd, a restriction holds for every type shown: {@code -t x,d} shows
 * executable files and directories the user may enter. Immutable and thread-safe.
 *
 * <p>Costs: the listing tells {@code f d l o}; a kind of "other" costs one {@code lstat} of the
 * entries that are "other" (rare), {@code x} one {@code access} per entry of a type shown, and
 * {@code e} one look into each directory (files need their size, which the crawl then reads).
 */
final class TypeFilter {
  /** {@code S_IFMT} and the kinds of "other" a listing does not tell apart. */
  private static final int S_IFMT = 0xF000;

  private static final int S_IFSOCK = 0xC000;
  private static final int S_IFIFO = 0x1000;
  private static final int S_IFBLK = 0x6000;
  private static final int S_IFCHR = 0x2000;

  /** The names {@code -t} takes, for completion and for the message of a bad one. */
  static final List<String> NAMES =
      List.of(
          "f",
          "d",
          "l",
          "o",
          "x",
          "e",
          "s",
          "p",
          "b",
          "c",
          "file",
          "directory",
          "dir",
          "symlink",
          "other",
          "executable",
          "empty",
          "socket",
          "pipe",
          "block-device",
          "char-device");

  private static final TypeFilter ALL =
      new TypeFilter(EnumSet.allOf(FileType.class), List.of(), false, false);

  private final Set<FileType> types;

  /** With OTHER in {@link #types}: the kinds wanted ({@code S_IF*}); empty for every kind. */
  private final List<Integer> otherKinds;

  private final boolean executableOnly;
  private final boolean emptyOnly;

  private TypeFilter(
      Set<FileType> types, List<Integer> otherKinds, boolean executableOnly, boolean emptyOnly) {
    this.types = types;
    this.otherKinds = otherKinds;
    this.executableOnly = executableOnly;
    this.emptyOnly = emptyOnly;
  }

  /**
   * The filter for the values of {@code -t}, each a letter or a name.
   *
   * @throws UserError for any other value
   */
  static TypeFilter of(List<String> values) throws UserError {
    if (values.isEmpty()) {
      return ALL;
    }
    Set<FileType> types = EnumSet.noneOf(FileType.class);
    List<Integer> kinds = new java.util.ArrayList<>();
    boolean anyOther = false;
    boolean executable = false;
    boolean empty = false;
    for (String value : values) {
      switch (value) {
        case "f", "file" -> types.add(FileType.FILE);
        case "d", "directory", "dir" -> types.add(FileType.DIRECTORY);
        case "l", "symlink" -> types.add(FileType.SYMLINK);
        case "o", "other" -> anyOther = true;
        case "s", "socket" -> kinds.add(S_IFSOCK);
        case "p", "pipe" -> kinds.add(S_IFIFO);
        case "b", "block-device" -> kinds.add(S_IFBLK);
        case "c", "char-device" -> kinds.add(S_IFCHR);
        case "x", "executable" -> {
          executable = true;
          types.add(FileType.FILE);
        }
        case "e", "empty" -> empty = true;
        default ->
            throw new UserError(
                "--type takes f (file), d (directory), l (symlink), o (other), s (socket), p"
                    + " (pipe), b (block-device), c (char-device), x (executable) or e (empty), not"
                    + " '"
                    + value
                    + "'");
      }
    }
    if (anyOther || !kinds.isEmpty()) {
      types.add(FileType.OTHER);
    }
    if (empty && !types.contains(FileType.FILE) && !types.contains(FileType.DIRECTORY)) {
      types.add(FileType.FILE); // fd: -t e alone is empty files and directories
      types.add(FileType.DIRECTORY);
    }
    return new TypeFilter(types, anyOther ? List.of() : List.copyOf(kinds), executable, empty);
  }

  /** Whether -t was given: then an entry's type must be read, from the listing or by lstat. */
  boolean restricts() {
    return this != ALL;
  }

  /** Whether entries' sizes must be read: for empty files. */
  boolean needsSizes() {
    return emptyOnly;
  }

  /** Whether a value of -t makes {@link #test} ask the system about entries, by their paths. */
  static boolean asksTheSystem(String value) {
    return List.of(
            "x",
            "e",
            "s",
            "p",
            "b",
            "c",
            "executable",
            "empty",
            "socket",
            "pipe",
            "block-device",
            "char-device")
        .contains(value);
  }

  /** Whether {@link #test} asks the system about this entry, by its path. */
  boolean asksTheSystem(FileEntry entry) {
    FileType type = entry.type();
    return types.contains(type)
        && (executableOnly
            || emptyOnly && type == FileType.DIRECTORY
            || type == FileType.OTHER && !otherKinds.isEmpty());
  }

  /**
   * Whether the entry is of a type shown.
   *
   * @param followLinks whether links are followed: a kind of "other" is then its target's
   */
  boolean test(FileEntry entry, boolean followLinks) {
    FileType type = entry.type();
    if (!types.contains(type)) {
      return false;
    }
    if (type == FileType.OTHER
        && !otherKinds.isEmpty()
        && !otherKinds.contains(kind(entry.path(), followLinks))) {
      return false;
    }
    if (executableOnly && !Files.isExecutable(entry.path())) {
      return false;
    }
    return !emptyOnly || isEmpty(entry);
  }

  /** The entry's {@code S_IFMT} bits; 0 when they cannot be read (it vanished). */
  private static int kind(Path path, boolean followLinks) {
    try {
      LinkOption[] options =
          followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
      return (Integer) Files.getAttribute(path, "unix:mode", options) & S_IFMT;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return 0;
    }
  }

  /** As find's -empty and fd's: a file of 0 bytes, a directory with no entry; nothing else. */
  private static boolean isEmpty(FileEntry entry) {
    if (entry.type() == FileType.FILE) {
      return entry.size() == 0;
    }
    if (entry.type() != FileType.DIRECTORY) {
      return false;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(entry.path())) {
      return !entries.iterator().hasNext();
    } catch (IOException e) {
      return false; // unreadable: find says nothing either, and the crawl reports it when it lists
      // it
    }
  }
}
