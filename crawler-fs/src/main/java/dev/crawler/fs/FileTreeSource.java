package dev.crawler.fs;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import dev.crawler.core.spi.NodeCodec;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BranchSource} over a directory tree: a directory is a branch, anything else a leaf.
 * Thread-safe: every worker lists with the same instance. A worker's session ({@link
 * DirectorySession}) holds the few directories it keeps open to list below {@code PATH_MAX}.
 *
 * <pre>{@code
 * FileTreeSource files = FileTreeSource.over(Path.of("/data"), FileTreeOptions.defaults());
 * try (Crawl<FileEntry> crawl = Crawler.over(files).workers(8).start(files.root())) {
 *   crawl.visits().forEach(v -> System.out.println(v.node().path()));
 * }
 * }</pre>
 *
 * <p>On Java 22 or later on Linux, with native access enabled ({@code crawl} enables it),
 * directories are read by a {@link NativeDirectoryReader}: {@code getdents64} tells each entry's
 * type, so an entry costs no system call of its own unless its size and time are asked for ({@link
 * FileTreeOptions#readLeafAttributes()}) or links are followed, and names stay bytes. Wherever that
 * reader is not available, {@code java.nio} lists, as follows.
 *
 * <p>With {@code java.nio}, each entry costs one {@code lstat} (Java 17 cannot learn an entry's
 * type from the directory listing alone), unless {@link FileTreeOptions#readLeafAttributes()} is
 * off. Then the source uses the Unix convention that a directory's link count is 2 plus its number
 * of subdirectories (the "leaf optimization" of {@code find} and {@code fts}): once a listing has
 * met that many directories, its remaining entries cannot be directories and are not {@code
 * lstat}ed. A leaf directory, the most common kind, costs one {@code stat} for all its entries. The
 * count is trusted only on filesystems known to keep it ({@value #LINK_COUNT_FILESYSTEMS});
 * elsewhere (a link count below 2, as btrfs and overlayfs report, or any other filesystem) every
 * entry is read. A subdirectory created while its parent is being listed may be missed, as with any
 * walk.
 *
 * <p>A directory that cannot be listed (permission denied, vanished, a link loop) fails as a
 * branch: the crawl reports it with its path and reason, and goes on. An entry that vanishes
 * between the listing and its {@code lstat} is left out. Names are kept as the filesystem stores
 * them: see {@link PathBytes}.
 *
 * <p>Paths longer than the system opens by name ({@code PATH_MAX}, 4,096 bytes on Linux): the
 * native reader opens such a directory relative to an open ancestor, as {@code find} does, so any
 * depth is walked. {@code java.nio} cannot: an entry whose path reaches that length is visited with
 * type {@link FileType#UNKNOWN}, as a branch whose listing fails with a reason that names the
 * limit, so such a crawl ends {@code PARTIAL}, never {@code COMPLETE}.
 */
public final class FileTreeSource implements BranchSource<FileEntry, DirectorySession> {
  private static final Logger log = LoggerFactory.getLogger(FileTreeSource.class);

  /** Filesystem types whose directory link counts are 2 plus the number of subdirectories. */
  static final String LINK_COUNT_FILESYSTEMS = JavaNioDirectoryReader.LINK_COUNT_FILESYSTEMS;

  /**
   * The longest path, its terminating NUL included, that Linux opens by name: 4,096 bytes. The
   * native reader lists below it (see the class comment); code that opens an entry by its path
   * cannot.
   */
  public static final int PATH_MAX = DirectoryReader.PATH_MAX;

  private final FileTreeOptions options;

  /** The entries of the roots, in the order given. */
  private final List<FileEntry> roots;

  private final List<PathMatcher> nameExcludes = new ArrayList<>();
  private final List<PathMatcher> pathExcludes = new ArrayList<>();

  /** Whether any entry can be excluded: hidden ones skipped, or excludes given. */
  private final boolean filtering;

  /** Whether entries that cannot be directories are left unread (the leaf optimization). */
  private final boolean skipLeaves;

  /** Reads the directories; what their entries become is decided here. */
  private final DirectoryReader reader;

  private FileTreeSource(List<Path> rootPaths, FileTreeOptions options, DirectoryReader reader)
      throws IOException {
    this.options = options;
    this.reader = reader;
    for (String glob : options.excludes()) {
      PathMatcher matcher;
      try {
        matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      } catch (PatternSyntaxException e) { // getMessage() spans three lines
        throw new IllegalArgumentException(
            "bad exclude glob '"
                + glob
                + "': "
                + e.getDescription()
                + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""),
            e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad exclude glob '" + glob + "': " + e.getMessage(), e);
      }
      (glob.contains("/") ? pathExcludes : nameExcludes).add(matcher);
    }
    this.filtering = options.skipHidden() || !options.excludes().isEmpty();
    List<FileEntry> entries = new ArrayList<>(rootPaths.size());
    RawEntry raw = new RawEntry();
    for (Path path : rootPaths) {
      TreeRoot origin = new TreeRoot(path, options.oneFileSystem() ? reader.device(path) : null);
      reader.readRoot(path, options.readLeafAttributes(), raw);
      FileEntry root =
          options.followLinks()
              ? FileEntry.followedDirectory(raw, origin, null, false)
              : FileEntry.directory(raw, origin);
      if (options.ignoreFiles() != null) {
        root =
            root.withIgnoreRules(
                IgnoreRules.above(
                    path, IgnoreRules.text(root.sharedPathBytes()), options.ignoreFiles()));
      }
      entries.add(root);
    }
    this.roots = List.copyOf(entries);
    this.skipLeaves = !options.readLeafAttributes() && !options.followLinks();
  }

  /**
   * A source for the tree under {@code root}. The root itself is followed if it is a link.
   *
   * @param root an existing directory
   * @param options how to walk
   * @return the source; start a crawl at {@link #root()}
   * @throws NoSuchFileException if {@code root} does not exist
   * @throws NotDirectoryException if it is not a directory
   * @throws IOException if its attributes cannot be read
   * @throws IllegalArgumentException if an exclude glob is malformed
   */
  public static FileTreeSource over(Path root, FileTreeOptions options) throws IOException {
    return over(List.of(Objects.requireNonNull(root, "root")), options);
  }

  /**
   * A source for the trees under several roots, crawled as one ({@code
   * Crawler.startAll(source.roots())}), as {@code find a b c} walks each in turn. Each root is
   * followed if it is a link; excludes with a {@code /} and {@code oneFileSystem} apply to each
   * tree from its own root.
   *
   * @param roots existing directories, at least one
   * @param options how to walk
   * @return the source; start a crawl at {@link #roots()}
   * @throws NoSuchFileException if a root does not exist; {@link NoSuchFileException#getFile()}
   *     names it, as it does for the exceptions below
   * @throws NotDirectoryException if a root is not a directory
   * @throws IOException if a root's attributes cannot be read
   * @throws IllegalArgumentException if there is no root, or an exclude glob is malformed
   */
  public static FileTreeSource over(List<Path> roots, FileTreeOptions options) throws IOException {
    return over(roots, options, NativeDirectoryReader.SYSTEM);
  }

  /**
   * {@link #over(List, FileTreeOptions)} with the given reader; {@code null} for {@code java.nio}.
   */
  static FileTreeSource over(List<Path> roots, FileTreeOptions options, DirectoryReader reader)
      throws IOException {
    Objects.requireNonNull(roots, "roots");
    Objects.requireNonNull(options, "options");
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("no root directory given");
    }
    for (Path root : roots) {
      // java.nio's exceptions name the root: NoSuchFileException, AccessDeniedException, ...
      BasicFileAttributes a =
          Files.readAttributes(Objects.requireNonNull(root, "root"), BasicFileAttributes.class);
      if (!a.isDirectory()) {
        throw new NotDirectoryException(root.toString());
      }
    }
    return new FileTreeSource(
        List.copyOf(roots), options, reader != null ? reader : new JavaNioDirectoryReader());
  }

  /**
   * Whether sources built by {@link #over} learn every entry's type from its directory listing
   * (with the native reader, links followed or not), so that {@link
   * FileTreeOptions#readLeafAttributes()} can be off for a crawl that needs types but not sizes or
   * times.
   *
   * @return {@code true} if types cost no {@code lstat}
   */
  public static boolean listingTellsTypes() {
    return NativeDirectoryReader.SYSTEM
        != null; // following links, it reads links' targets, and only those
  }

  /**
   * Whether entries can tell their disk usage and hard links ({@link FileEntry#diskUsage()}, {@link
   * FileEntry#hardLinkKey()}) when attributes are read: only the native reader can, since {@code
   * java.nio} gives no {@code st_blocks}.
   *
   * @return whether the native reader is in use
   */
  public static boolean canReadDiskUsage() {
    return NativeDirectoryReader.SYSTEM != null;
  }

  /**
   * How this source reads directories, for a user who asks: {@code "getdents64"} (the native
   * reader) or {@code "java.nio"}.
   *
   * @return the reader's name
   */
  public String readerName() {
    return reader.name();
  }

  /**
   * Whether directories are read natively ({@link NativeDirectoryReader}) rather than with
   * java.nio.
   */
  boolean readsNatively() {
    return reader instanceof NativeDirectoryReader;
  }

  /**
   * The first root directory's entry: the branch to start a crawl at.
   *
   * @return the first root's entry
   */
  public FileEntry root() {
    return roots.get(0);
  }

  /**
   * Every root directory's entry, in the order given: the branches to start a crawl at.
   *
   * @return the roots' entries, unmodifiable
   */
  public List<FileEntry> roots() {
    return roots;
  }

  /**
   * A codec for this source's entries, for a crawl whose branches cross processes. Every process
   * must build its source with the same roots and options.
   *
   * @return the codec
   * @throws UnsupportedOperationException when following links or respecting ignore files: loop
   *     detection and ignore rules need each directory's ancestors, which do not cross processes
   */
  public NodeCodec<FileEntry> codec() {
    if (options.followLinks()) {
      throw new UnsupportedOperationException(
          "links cannot be followed in a crawl across processes: telling a loop needs every"
              + " ancestor of a directory, and only the directory crosses");
    }
    if (options.ignoreFiles() != null) {
      throw new UnsupportedOperationException(
          "ignore files cannot be respected in a crawl across processes: the rules a directory"
              + " obeys come from its ancestors, and only the directory crosses");
    }
    return new FileEntryCodec(roots);
  }

  /**
   * How this source walks.
   *
   * @return the options it was built with
   */
  public FileTreeOptions options() {
    return options;
  }

  /** A session for one worker: with the native reader, the directories it keeps open. */
  @Override
  public DirectorySession open() {
    return new DirectorySession(reader.openDirectories());
  }

  @Override
  public void close(DirectorySession session) {
    if (session != null) {
      session.close();
    }
  }

  /**
   * Lists a directory.
   *
   * @param session the calling worker's session from {@link #open()}, or {@code null} to keep no
   *     directory open (deep directories are then opened from the working directory each time)
   */
  @Override
  public void list(DirectorySession session, FileEntry dir, Children<FileEntry> out)
      throws IOException {
    if (dir.isLoop()) {
      throw new FileSystemLoopException(dir.path().toString());
    }
    if (dir.type() == FileType.UNKNOWN) { // java.nio met it past PATH_MAX: see listEntries
      throw beyondPathMax(dir.path());
    }
    DirectoryReader.OpenDirectories open = session == null ? null : session.openDirectories();
    if (dir.ignoreRules() == null) {
      listEntries(open, dir, new LeafGroups(out));
      return;
    }
    // The directory's own ignore files rule its entries, so they are all held until it is read.
    IgnoreListing listing = new IgnoreListing(dir.sharedPathBytes());
    listEntries(open, dir, listing);
    listing.emitUnignored(dir, out);
  }

  /** Why java.nio does not list a directory this deep, in one line that names the limit. */
  private static FileSystemException beyondPathMax(Path path) {
    int length = PathBytes.of(path).length;
    return new FileSystemException(
        path.toString(),
        null,
        String.format(
            Locale.ROOT,
            "File name too long: not listed, its path has %,d bytes, and java.nio opens only paths"
                + " under %,d (PATH_MAX); the native reader (Java 22+ on Linux) lists at any depth",
            length,
            PATH_MAX));
  }

  /**
   * Lists a directory's entries, those left out by options (not by ignore files) excepted: the one
   * place that decides, whichever reader reads, which directories are entered (the device), which
   * entries are left out (filters), which are read (attributes, links, the link count), and what
   * each becomes (a leaf, a branch, a loop, a branch past {@code PATH_MAX}).
   */
  private void listEntries(
      DirectoryReader.OpenDirectories open, FileEntry dir, Children<FileEntry> out)
      throws IOException {
    TreeRoot origin = dir.origin();
    boolean follow = options.followLinks();
    boolean attributes = options.readLeafAttributes();
    try (DirectoryReader.Listing listing = reader.open(open, dir)) {
      if (origin.device() != null && !origin.device().equals(listing.device())) {
        return; // another filesystem: visited, not entered (a root is on its own, links followed or
        // not)
      }
      int subdirectoriesLeft = skipLeaves ? listing.subdirectoryCount() : -1;
      RawEntry raw = new RawEntry(); // one per listing, refilled entry after entry
      while (listing.next(raw)) {
        if (filtering && excluded(raw, origin)) {
          continue; // even if it is a directory: the count then stays high, which is only slower
        }
        FileType told = raw.type;
        if (attributes
            || told == null
            || follow && (told == FileType.SYMLINK || told == FileType.DIRECTORY)) {
          if (subdirectoriesLeft == 0) {
            out.leaf(FileEntry.unread(raw)); // no directory is left: no need to read what it is
            continue;
          }
          DirectoryReader.Read read = listing.read(raw, attributes, follow);
          if (read == DirectoryReader.Read.VANISHED) {
            log.debug("{} vanished while listing {}", raw.path(), dir.path());
            continue;
          } else if (read == DirectoryReader.Read.TOO_LONG) {
            out.branch(
                FileEntry.beyondPathMax(raw)); // visited, and its listing fails saying so (list)
            continue;
          }
        }
        if (raw.type != FileType.DIRECTORY) {
          out.leaf(FileEntry.leaf(raw));
          continue;
        }
        if (subdirectoriesLeft > 0) {
          subdirectoriesLeft--;
        }
        if (!follow) {
          out.branch(FileEntry.directory(raw, origin));
        } else { // a followed link to an ancestor is a loop, listed as an error
          out.branch(
              FileEntry.followedDirectory(
                  raw, origin, dir, raw.followed && isAncestor(raw.fileKey(), dir)));
        }
      }
    }
  }

  /** Whether {@code key} is the file key of {@code dir} or of one of its ancestors. */
  private static boolean isAncestor(Object key, FileEntry dir) {
    for (FileEntry ancestor = dir;
        key != null && ancestor != null;
        ancestor = ancestor.parentDirectory()) {
      if (key.equals(ancestor.fileKey())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Commits a directory's leaves to the crawl in groups as they are read, so a directory of a
   * million files costs the memory of one group, not of a million entries (a failure after the
   * first group is then reported, not retried: {@link Children#commitLeaves()}). Confined to the
   * listing thread.
   */
  private static final class LeafGroups implements Children<FileEntry> {
    /** Leaves per group: large enough that most directories commit once, at the end. */
    static final int GROUP = 4096;

    private final Children<FileEntry> out;
    private int inGroup;

    LeafGroups(Children<FileEntry> out) {
      this.out = out;
    }

    @Override
    public void leaf(FileEntry entry) {
      out.leaf(entry);
      if (++inGroup == GROUP) {
        inGroup = 0;
        out.commitLeaves();
      }
    }

    @Override
    public void branch(FileEntry entry) {
      out.branch(entry);
    }
  }

  /**
   * A directory's entries, held until it is read whole: then its ignore files are known, and the
   * entries they and the directories above leave out are dropped. {@code .git} entries are always
   * dropped. Confined to the listing thread.
   */
  private static final class IgnoreListing implements Children<FileEntry> {
    private final byte[] dirPath;

    /** Where an entry's name starts in its path's bytes. */
    private final int nameStart;

    private final List<FileEntry> entries = new ArrayList<>();
    private final List<Boolean> branches = new ArrayList<>();
    private boolean hasDotIgnore;
    private boolean hasGitignore;
    private boolean hasGit;

    IgnoreListing(byte[] dirPath) {
      this.dirPath = dirPath;
      this.nameStart =
          dirPath.length + (dirPath.length > 0 && dirPath[dirPath.length - 1] == '/' ? 0 : 1);
    }

    @Override
    public void leaf(FileEntry entry) {
      add(entry, false);
    }

    @Override
    public void branch(FileEntry entry) {
      add(entry, true);
    }

    private void add(FileEntry entry, boolean branch) {
      byte[] path = entry.sharedPathBytes();
      if (isName(path, IgnoreRules.GIT)) {
        hasGit = true;
        return;
      }
      hasDotIgnore |= isName(path, IgnoreRules.DOT_IGNORE);
      hasGitignore |= isName(path, IgnoreRules.GITIGNORE);
      entries.add(entry);
      branches.add(branch);
    }

    private boolean isName(byte[] path, String name) {
      if (path.length - nameStart != name.length()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        if (path[nameStart + i] != name.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    void emitUnignored(FileEntry dir, Children<FileEntry> out) throws IOException {
      // Most directories hold no ignore file: they keep their parent's rules, with no path decoded.
      IgnoreRules rules =
          !hasDotIgnore && !hasGitignore && !hasGit
              ? dir.ignoreRules()
              : dir.ignoreRules()
                  .forEntriesOf(
                      dir.path(), IgnoreRules.text(dirPath), hasDotIgnore, hasGitignore, hasGit);
      for (int i = 0; i < entries.size(); i++) {
        FileEntry entry = entries.get(i);
        boolean branch = branches.get(i);
        if (!rules.isEmpty() && rules.ignores(IgnoreRules.text(entry.sharedPathBytes()), branch)) {
          continue;
        }
        if (branch) {
          out.branch(entry.withIgnoreRules(rules));
        } else {
          out.leaf(entry);
        }
      }
    }
  }

  /** Whether options leave an entry out (hidden, or matching an exclude), with its subtree. */
  private boolean excluded(RawEntry entry, TreeRoot origin) {
    if (options.skipHidden() && entry.isHidden()) {
      return true;
    }
    if (nameExcludes.isEmpty() && pathExcludes.isEmpty()) {
      return false; // no glob: the path need not be made (from the native reader's bytes)
    }
    Path path = entry.path();
    Path name = path.getFileName();
    for (PathMatcher matcher : nameExcludes) {
      if (matcher.matches(name)) {
        return true;
      }
    }
    if (!pathExcludes.isEmpty()) {
      Path relative = origin.path().relativize(path);
      for (PathMatcher matcher : pathExcludes) {
        if (matcher.matches(relative)) {
          return true;
        }
      }
    }
    return false;
  }
}
