package dev.crawler.fs;

import java.util.List;
import java.util.Objects;

/**
 * How a {@link FileTreeSource} walks: links, filesystems, hidden entries, excludes. Immutable.
 *
 * @param followLinks follow symbolic links; a link back to an ancestor directory is reported once
 *     as a loop and not entered. Default off: links are entries of type {@code SYMLINK}.
 * @param oneFileSystem do not list directories on another filesystem than the root's (they are
 *     still visited), like {@code find -xdev}. Default off.
 * @param skipHidden leave out entries whose name starts with a dot, and their subtrees. Default
 *     off: an inventory includes everything, as {@code find} and {@code du} do.
 * @param excludes globs; a matching entry is left out with its whole subtree. A glob without {@code
 *     /} matches the entry's name, one with {@code /} its path relative to the root.
 * @param readLeafAttributes read the type, size and modification time of every entry. Default on.
 *     Off, for a crawl that needs only paths or types, entries are not {@code lstat}ed when that
 *     can be helped, and have size and modification time -1. With the native reader (see {@link
 *     FileTreeSource}) every entry still has its type, from the listing. With {@code java.nio},
 *     only entries that cannot be directories are left unread, with type {@link FileType#UNKNOWN},
 *     and the option is ignored when following links.
 * @param ignoreFiles leave out what git ignores and what {@code .ignore} files name, as {@link
 *     IgnoreFiles} says; {@code null} (the default) to ignore nothing, as {@code find} does
 */
public record FileTreeOptions(
    boolean followLinks,
    boolean oneFileSystem,
    boolean skipHidden,
    List<String> excludes,
    boolean readLeafAttributes,
    IgnoreFiles ignoreFiles) {

  /**
   * Validates and copies.
   *
   * @param followLinks see the class comment
   * @param oneFileSystem see the class comment
   * @param skipHidden see the class comment
   * @param excludes see the class comment; copied
   * @param readLeafAttributes see the class comment
   * @param ignoreFiles see the class comment; {@code null} for none
   */
  public FileTreeOptions {
    excludes = List.copyOf(Objects.requireNonNull(excludes, "excludes"));
  }

  /**
   * Options that respect no ignore file.
   *
   * @param followLinks see the class comment
   * @param oneFileSystem see the class comment
   * @param skipHidden see the class comment
   * @param excludes see the class comment; copied
   * @param readLeafAttributes see the class comment
   */
  public FileTreeOptions(
      boolean followLinks,
      boolean oneFileSystem,
      boolean skipHidden,
      List<String> excludes,
      boolean readLeafAttributes) {
    this(followLinks, oneFileSystem, skipHidden, excludes, readLeafAttributes, null);
  }

  /**
   * Options that read every entry's attributes and respect no ignore file.
   *
   * @param followLinks see the class comment
   * @param oneFileSystem see the class comment
   * @param skipHidden see the class comment
   * @param excludes see the class comment; copied
   */
  public FileTreeOptions(
      boolean followLinks, boolean oneFileSystem, boolean skipHidden, List<String> excludes) {
    this(followLinks, oneFileSystem, skipHidden, excludes, true);
  }

  /**
   * Everything off but {@code readLeafAttributes}, no excludes, no ignore files.
   *
   * @return the defaults
   */
  public static FileTreeOptions defaults() {
    return new FileTreeOptions(false, false, false, List.of(), true);
  }

  /**
   * These options with another {@link #followLinks()}.
   *
   * @param follow the new value
   * @return the options with it, the others unchanged
   */
  public FileTreeOptions withFollowLinks(boolean follow) {
    return new FileTreeOptions(
        follow, oneFileSystem, skipHidden, excludes, readLeafAttributes, ignoreFiles);
  }

  /**
   * These options with another {@link #oneFileSystem()}.
   *
   * @param one the new value
   * @return the options with it, the others unchanged
   */
  public FileTreeOptions withOneFileSystem(boolean one) {
    return new FileTreeOptions(
        followLinks, one, skipHidden, excludes, readLeafAttributes, ignoreFiles);
  }

  /**
   * These options with another {@link #skipHidden()}.
   *
   * @param skip the new value
   * @return the options with it, the others unchanged
   */
  public FileTreeOptions withSkipHidden(boolean skip) {
    return new FileTreeOptions(
        followLinks, oneFileSystem, skip, excludes, readLeafAttributes, ignoreFiles);
  }

  /**
   * These options with another {@link #excludes()}.
   *
   * @param globs the new value
   * @return the options with it, the others unchanged
   */
  public FileTreeOptions withExcludes(List<String> globs) {
    return new FileTreeOptions(
        followLinks, oneFileSystem, skipHidden, globs, readLeafAttributes, ignoreFiles);
  }

  /**
   * These options with another {@link #readLeafAttributes()}.
   *
   * @param read the new value
   * @return the options with it, the others unchanged
   */
  public FileTreeOptions withReadLeafAttributes(boolean read) {
    return new FileTreeOptions(followLinks, oneFileSystem, skipHidden, excludes, read, ignoreFiles);
  }

  /**
   * These options with the given ignore files respected.
   *
   * @param files the ignore files; {@code null} for none
   * @return the options with them, the others unchanged
   */
  public FileTreeOptions withIgnoreFiles(IgnoreFiles files) {
    return new FileTreeOptions(
        followLinks, oneFileSystem, skipHidden, excludes, readLeafAttributes, files);
  }
}
