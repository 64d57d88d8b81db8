package dev.crawler.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.ignore.IgnoreNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ignore rules that apply to the entries of one directory, as {@link IgnoreFiles} describes
 * them. Immutable: a directory's entries share it with their parent's unless the directory has
 * ignore files of its own, so a tree without them costs one object in all.
 *
 * <p>Paths are matched as text: decoded as UTF-8, with what is not UTF-8 replaced, which no rule
 * can name but a wildcard still matches.
 */
final class IgnoreRules {
  private static final Logger log = LoggerFactory.getLogger(IgnoreRules.class);
  static final String GIT = ".git";
  static final String GITIGNORE = ".gitignore";
  static final String DOT_IGNORE = ".ignore";

  /**
   * One ignore file's rules, and how an entry's path becomes a path relative to that file's
   * directory: {@code prefix} + the path after its first {@code strip} characters.
   */
  private record Layer(IgnoreNode rules, String prefix, int strip, Layer next) {
    /**
     * The first rule that decides for {@code path}, here or in the layers after: {@code null} if
     * none.
     */
    Boolean decide(String path, boolean directory) {
      for (Layer layer = this; layer != null; layer = layer.next) {
        Boolean ignored =
            layer.rules.checkIgnored(layer.prefix + path.substring(layer.strip), directory);
        if (ignored != null) {
          return ignored;
        }
      }
      return null;
    }
  }

  /** {@code .ignore} files, the nearest first. */
  private final Layer dotIgnores;

  /** {@code .gitignore} files, the nearest first, then the work tree's exclude and global files. */
  private final Layer gitignores;

  /** Whether the directory is inside a git work tree. */
  private final boolean inWorkTree;

  /** The global excludes file's rules; {@code null} if there are none. */
  private final IgnoreNode globalExcludes;

  /** Whether the directory itself is ignored, as a root can be: then so is every entry under it. */
  private final boolean ignoresAll;

  private IgnoreRules(
      Layer dotIgnores,
      Layer gitignores,
      boolean inWorkTree,
      IgnoreNode globalExcludes,
      boolean ignoresAll) {
    this.dotIgnores = dotIgnores;
    this.gitignores = gitignores;
    this.inWorkTree = inWorkTree;
    this.globalExcludes = globalExcludes;
    this.ignoresAll = ignoresAll;
  }

  /**
   * The rules for the entries of a crawl's root: those of the ignore files in the directories above
   * it. A walk from inside a work tree obeys the {@code .gitignore} files up to the work tree's
   * root, and finds nothing at all if the root itself, or a directory between it and the work
   * tree's root, is ignored: {@code git status} run there shows nothing either. The root's own
   * ignore files are read when it is listed.
   *
   * @param root the root as the crawl was given it
   * @param rootText the root's path as its entries' paths begin with it, decoded as UTF-8
   * @param files which files
   * @throws IOException if an ignore file's path is too long to read
   */
  static IgnoreRules above(Path root, String rootText, IgnoreFiles files) throws IOException {
    IgnoreNode global = files.globalExcludes() == null ? null : read(files.globalExcludes());
    Path absolute = root.toAbsolutePath().normalize();
    List<Path> ancestors =
        new ArrayList<>(); // from the filesystem's root down to the root's parent
    for (Path dir = absolute.getParent(); dir != null; dir = dir.getParent()) {
      ancestors.add(0, dir);
    }
    // Walked down in absolute paths, as a crawl from the filesystem's root would list them.
    IgnoreRules rules = new IgnoreRules(null, null, false, global, false);
    for (int i = 0; i < ancestors.size() && !rules.ignoresAll; i++) {
      Path dir = ancestors.get(i);
      rules =
          rules.forEntriesOf(
              dir,
              dir.toString(),
              true,
              true,
              Files.exists(dir.resolve(GIT), LinkOption.NOFOLLOW_LINKS));
      Path next = i + 1 < ancestors.size() ? ancestors.get(i + 1) : absolute;
      if (rules.ignores(next.toString(), true)) {
        rules = new IgnoreRules(null, null, rules.inWorkTree, global, true);
      }
    }
    String absoluteText = absolute.toString();
    int strip = childStrip(rootText);
    return new IgnoreRules(
        rebase(rules.dotIgnores, absoluteText, strip),
        rebase(rules.gitignores, absoluteText, strip),
        rules.inWorkTree,
        global,
        rules.ignoresAll);
  }

  /**
   * Layers that matched absolute paths, made to match the paths of a crawl from {@code root}: an
   * entry's path relative to a layer's directory is the root's path relative to it, then the
   * entry's path after the root's.
   */
  private static Layer rebase(Layer layers, String absoluteRoot, int rootStrip) {
    if (layers == null) {
      return null;
    }
    String rootFromLayer =
        absoluteRoot.length() <= layers.strip ? "" : absoluteRoot.substring(layers.strip) + "/";
    return new Layer(
        layers.rules, rootFromLayer, rootStrip, rebase(layers.next, absoluteRoot, rootStrip));
  }

  /**
   * The rules for the entries of {@code dir}, a directory these rules apply to (as one of their own
   * entries), given which ignore files and {@code .git} its listing held.
   *
   * @param dir the directory
   * @param dirText its path, decoded as {@link #ignores} is given paths
   * @param hasDotIgnore whether it holds a {@code .ignore}
   * @param hasGitignore whether it holds a {@code .gitignore}
   * @param hasGit whether it holds {@code .git}: the root of a work tree
   * @throws IOException if an ignore file's path is too long to read
   */
  IgnoreRules forEntriesOf(
      Path dir, String dirText, boolean hasDotIgnore, boolean hasGitignore, boolean hasGit)
      throws IOException {
    if (ignoresAll || !hasDotIgnore && !hasGit && !(hasGitignore && inWorkTree)) {
      return this;
    }
    int strip = childStrip(dirText);
    Layer dot = dotIgnores;
    if (hasDotIgnore) {
      dot = push(dir.resolve(DOT_IGNORE), strip, dot);
    }
    Layer git = gitignores;
    if (hasGit) { // a work tree of its own: the outer tree's .gitignore files stop here
      git = globalExcludes == null ? null : new Layer(globalExcludes, "", strip, null);
      git = push(dir.resolve(GIT).resolve("info").resolve("exclude"), strip, git);
    }
    if (hasGitignore && (inWorkTree || hasGit)) {
      git = push(dir.resolve(GITIGNORE), strip, git);
    }
    return new IgnoreRules(dot, git, inWorkTree || hasGit, globalExcludes, false);
  }

  /** Whether no rule applies here, so that no entry needs to be matched. */
  boolean isEmpty() {
    return dotIgnores == null && gitignores == null && !ignoresAll;
  }

  /**
   * Whether an entry is ignored.
   *
   * @param path the entry's path, decoded as the directory's in {@link #forEntriesOf}
   * @param directory whether the entry is a directory
   */
  boolean ignores(String path, boolean directory) {
    if (ignoresAll) {
      return true;
    }
    Boolean ignored = dotIgnores == null ? null : dotIgnores.decide(path, directory);
    if (ignored == null && gitignores != null) {
      ignored = gitignores.decide(path, directory);
    }
    return ignored != null && ignored;
  }

  /** A path's bytes as rules see them. */
  static String text(byte[] path) {
    return new String(path, StandardCharsets.UTF_8);
  }

  /** Where a directory's entries' names start in their paths, in characters. */
  private static int childStrip(String dirText) {
    return dirText.length() + (dirText.endsWith("/") ? 0 : 1);
  }

  private static Layer push(Path file, int strip, Layer next) throws IOException {
    IgnoreNode rules = read(file);
    return rules == null ? next : new Layer(rules, "", strip, next);
  }

  /**
   * An ignore file's rules; {@code null} if it does not exist, cannot be read, is not a regular
   * file (git reads no ignore file through a symbolic link), or has no rules.
   *
   * @throws IOException if its path is too long to open ({@code PATH_MAX}): its rules would be left
   *     out silently, and what it ignores printed, so its directory's listing fails instead
   */
  private static IgnoreNode read(Path file) throws IOException {
    if (PathBytes.of(file).length >= NativeDirectoryReader.PATH_MAX) {
      throw new FileSystemException(
          file.toString(),
          null,
          "File name too long: an ignore file whose path reaches PATH_MAX (4,096 bytes) cannot be"
              + " read, so its directory is not listed");
    }
    try (InputStream in =
        Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      IgnoreNode rules = new IgnoreNode();
      rules.parse(file.toString(), in);
      return rules.getRules().isEmpty() ? null : rules;
    } catch (IOException e) {
      if (!(e instanceof NoSuchFileException)) {
        log.debug("{} not read: {}", file, e.toString());
      }
      return null;
    }
  }
}
