package dev.crawler.fs;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import dev.crawler.core.spi.NodeCodec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>On Java 22 or later on Linux, with native access enabled ({@code crawl} enables it), directories
 * are read by a {@link NativeDirectoryReader}: {@code getdents64} tells each entry's type, so an
 * entry costs no system call of its own unless its size and time are asked for ({@link
 * FileTreeOptions#readLeafAttributes()}) or links are followed, and names stay bytes. Wherever
 * that reader is not available, {@code java.nio} lists, as follows.
 *
 * <p>With {@code java.nio}, each entry costs one {@code lstat} (Java 17 cannot learn an entry's
 * type from the directory listing alone), unless {@link FileTreeOptions#readLeafAttributes()} is
 * off. Then the source uses the Unix convention that a directory's link count is 2 plus its number
 * of subdirectories (the "leaf optimization" of {@code find} and {@code fts}): once a listing has
 * met that many directories, its remaining entries cannot be directories and are not {@code
 * lstat}ed. A leaf directory, the most common kind, costs one {@code stat} for all its entries. The
 * count is trusted only on filesystems known to keep it ({@value #LINK_COUNT_FILESYSTEMS});
 * elsewhere (a link count below 2, as btrfs and overlayfs report, or any other filesystem) every
 * entry is read. A subdirectory created while its parent is being listed may be missed, as with any walk.
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
  static final String LINK_COUNT_FILESYSTEMS = "ext2, ext3, ext4, xfs, tmpfs";
  private static final Set<String> LINK_COUNT_TYPES = Set.of(LINK_COUNT_FILESYSTEMS.split(", "));
  /**
   * The longest path, its terminating NUL included, that Linux opens by name: 4,096 bytes. The
   * native reader lists below it (see the class comment); code that opens an entry by its path
   * cannot.
   */
  public static final int PATH_MAX = NativeDirectoryReader.PATH_MAX;
  /** A listing's subdirectory count when it is not known: every entry is read. */
  private static final int UNKNOWN_COUNT = -1;

  private final FileTreeOptions options;
  /** The entries of the roots, in the order given. */
  private final List<FileEntry> roots;
  private final List<PathMatcher> nameExcludes = new ArrayList<>();
  private final List<PathMatcher> pathExcludes = new ArrayList<>();
  /** Whether any entry can be excluded: hidden ones skipped, or excludes given. */
  private final boolean filtering;
  /** Whether entries that cannot be directories are left unread (the leaf optimization). */
  private final boolean skipLeaves;
  /** Per device ({@code unix:dev}): whether its filesystem keeps directory link counts. */
  private final Map<Object, Boolean> keepsLinkCounts = new ConcurrentHashMap<>();
  /** Lists directories when not {@code null}; else {@code java.nio} does. */
  private final NativeDirectoryReader nativeReader;

  private FileTreeSource(List<Path> rootPaths, FileTreeOptions options, List<BasicFileAttributes> rootAttributes,
      NativeDirectoryReader reader) throws IOException {
    this.options = options;
    this.nativeReader = reader;
    for (String glob : options.excludes()) {
      PathMatcher matcher;
      try {
        matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      } catch (PatternSyntaxException e) { // getMessage() spans three lines
        throw new IllegalArgumentException("bad exclude glob '" + glob + "': " + e.getDescription()
            + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad exclude glob '" + glob + "': " + e.getMessage(), e);
      }
      (glob.contains("/") ? pathExcludes : nameExcludes).add(matcher);
    }
    this.filtering = options.skipHidden() || !options.excludes().isEmpty();
    List<FileEntry> entries = new ArrayList<>(rootPaths.size());
    for (int i = 0; i < rootPaths.size(); i++) {
      Path path = rootPaths.get(i);
      Object device = !options.oneFileSystem() ? null
          : nativeReader != null ? (Object) nativeReader.device(PathBytes.of(path)) : device(path);
      TreeRoot origin = new TreeRoot(path, device);
      FileEntry root = directory(path, rootAttributes.get(i), null, origin);
      if (nativeReader != null && (options.followLinks() || options.readLeafAttributes())) {
        // Loops are told by the reader's keys, and disk usage comes from it alone.
        long[] key = nativeReader.fileKey(PathBytes.of(path));
        root = new FileEntry(PathBytes.of(path), FileType.DIRECTORY, root.size(), root.lastModifiedMillis(),
            options.readLeafAttributes() ? key[2] : -1, null,
            options.followLinks() ? new NativeFileKey(key[0], key[1]) : null, null, false, origin);
      }
      if (options.ignoreFiles() != null) {
        root = root.withIgnoreRules(IgnoreRules.above(path, IgnoreRules.text(root.sharedPathBytes()),
            options.ignoreFiles()));
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
   * A source for the trees under several roots, crawled as one ({@code Crawler.startAll(source.roots())}),
   * as {@code find a b c} walks each in turn. Each root is followed if it is a link; excludes with
   * a {@code /} and {@code oneFileSystem} apply to each tree from its own root.
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

  /** {@link #over(List, FileTreeOptions)} with the given reader; {@code null} for {@code java.nio}. */
  static FileTreeSource over(List<Path> roots, FileTreeOptions options, NativeDirectoryReader reader)
      throws IOException {
    Objects.requireNonNull(roots, "roots");
    Objects.requireNonNull(options, "options");
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("no root directory given");
    }
    List<BasicFileAttributes> attributes = new ArrayList<>(roots.size());
    for (Path root : roots) {
      BasicFileAttributes a = Files.readAttributes(Objects.requireNonNull(root, "root"), BasicFileAttributes.class);
      if (!a.isDirectory()) {
        throw new NotDirectoryException(root.toString());
      }
      attributes.add(a);
    }
    return new FileTreeSource(List.copyOf(roots), options, attributes, reader);
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
    return NativeDirectoryReader.SYSTEM != null; // following links, it reads links' targets, and only those
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
    return nativeReader != null ? "getdents64" : "java.nio";
  }

  /** Whether directories are read natively ({@link NativeDirectoryReader}) rather than with java.nio. */
  boolean readsNatively() {
    return nativeReader != null;
  }

  /** The first root directory's entry: the branch to start a crawl at. */
  public FileEntry root() {
    return roots.get(0);
  }

  /** Every root directory's entry, in the order given: the branches to start a crawl at. */
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
      throw new UnsupportedOperationException("links cannot be followed in a crawl across processes: "
          + "telling a loop needs every ancestor of a directory, and only the directory crosses");
    }
    if (options.ignoreFiles() != null) {
      throw new UnsupportedOperationException("ignore files cannot be respected in a crawl across processes: "
          + "the rules a directory obeys come from its ancestors, and only the directory crosses");
    }
    return new FileEntryCodec(roots);
  }

  public FileTreeOptions options() {
    return options;
  }

  /** A session for one worker: with the native reader, the directories it keeps open. */
  @Override
  public DirectorySession open() {
    return new DirectorySession(nativeReader == null ? null : nativeReader.openDirectories());
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
  public void list(DirectorySession session, FileEntry dir, Children<FileEntry> out) throws IOException {
    if (dir.isLoop()) {
      throw new FileSystemLoopException(dir.path().toString());
    }
    if (dir.type() == FileType.UNKNOWN) { // java.nio met it past PATH_MAX: see listEntries
      throw beyondPathMax(dir.path());
    }
    NativeDirectoryReader.OpenDirectories open = session == null ? null : session.openDirectories();
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
    return new FileSystemException(path.toString(), null, String.format(Locale.ROOT,
        "File name too long: not listed, its path has %,d bytes, and java.nio opens only paths under %,d "
            + "(PATH_MAX); the native reader (Java 22+ on Linux) lists at any depth", length,
        NativeDirectoryReader.PATH_MAX));
  }

  /** Lists a directory's entries, those left out by options (not by ignore files) excepted. */
  private void listEntries(NativeDirectoryReader.OpenDirectories open, FileEntry dir, Children<FileEntry> out)
      throws IOException {
    if (nativeReader != null) {
      listNatively(open, dir, out);
      return;
    }
    TreeRoot origin = dir.origin();
    Object rootDevice = origin.device();
    // One stat of the directory serves both the filesystem check and the link count.
    Map<String, Object> unix = skipLeaves || rootDevice != null ? unixAttributes(dir.path()) : null;
    if (rootDevice != null && !dir.path().equals(origin.path())
        && !rootDevice.equals(unix != null ? unix.get("dev") : device(dir.path()))) {
      return; // another filesystem: visited, not entered
    }
    int subdirectoriesLeft = skipLeaves && unix != null ? subdirectoryCount(dir.path(), unix) : UNKNOWN_COUNT;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.path())) {
      for (Path path : entries) {
        if (excluded(path, origin)) {
          continue; // even if it is a directory: the count then stays high, which is only slower
        }
        if (subdirectoriesLeft == 0) {
          out.leaf(FileEntry.unread(path));
          continue;
        }
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException vanished) {
          log.debug("{} vanished while listing {}", path, dir.path());
          continue;
        } catch (FileSystemException e) {
          if (PathBytes.of(path).length < NativeDirectoryReader.PATH_MAX) {
            throw e;
          }
          // Too long to read by path: visited, and its listing fails saying so (list, above).
          out.branch(FileEntry.beyondPathMax(path));
          continue;
        }
        if (attributes.isSymbolicLink() && options.followLinks()) {
          addFollowed(dir, path, attributes, out);
        } else if (attributes.isDirectory()) {
          if (subdirectoriesLeft > 0) {
            subdirectoriesLeft--;
          }
          out.branch(directory(path, attributes, dir, dir.origin()));
        } else {
          out.leaf(leaf(path, attributes));
        }
      }
    }
  }

  private void listNatively(NativeDirectoryReader.OpenDirectories open, FileEntry dir, Children<FileEntry> out)
      throws IOException {
    TreeRoot origin = dir.origin();
    // A root is on its own device, so the check can include it: the listing follows a root link too.
    long device = origin.device() == null ? NativeDirectoryReader.ANY_DEVICE : (Long) origin.device();
    boolean follow = options.followLinks();
    nativeReader.list(open, dir.sharedPathBytes(), options.readLeafAttributes(), follow, device,
        (path, nameStart, type, size, modified, diskBytes, links, fileDevice, inode, followed) -> {
          if (filtering && excluded(path, nameStart, origin)) {
            return;
          }
          if (type != FileType.DIRECTORY) {
            Object hardLink = links > 1 ? new NativeFileKey(fileDevice, inode) : null;
            out.leaf(new FileEntry(path, type, size, modified, diskBytes, hardLink, null, null, false, null));
          } else if (!follow) {
            out.branch(new FileEntry(path, type, size, modified, diskBytes, null, null, null, false, origin));
          } else { // as addFollowed: a followed link to an ancestor is a loop, listed as an error
            Object key = new NativeFileKey(fileDevice, inode);
            boolean loop = false;
            for (FileEntry ancestor = dir; followed && ancestor != null; ancestor = ancestor.parentDirectory()) {
              loop |= key.equals(ancestor.fileKey());
            }
            out.branch(new FileEntry(path, type, size, modified, diskBytes, null, key, dir, loop, origin));
          }
        });
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
   * entries they and the directories above leave out are dropped. {@code .git} entries are
   * always dropped. Confined to the listing thread.
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
      this.nameStart = dirPath.length + (dirPath.length > 0 && dirPath[dirPath.length - 1] == '/' ? 0 : 1);
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
      IgnoreRules rules = !hasDotIgnore && !hasGitignore && !hasGit ? dir.ignoreRules()
          : dir.ignoreRules().forEntriesOf(dir.path(), IgnoreRules.text(dirPath), hasDotIgnore, hasGitignore, hasGit);
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

  /** A directory's identity for the native reader: device and inode, as {@code find -L} tells loops. */
  private record NativeFileKey(long device, long inode) {}

  /** {@link #excluded(Path, TreeRoot)} for a path in bytes, made a Path only for globs. */
  private boolean excluded(byte[] path, int nameStart, TreeRoot origin) {
    if (options.skipHidden() && path[nameStart] == '.') {
      return true;
    }
    return (!nameExcludes.isEmpty() || !pathExcludes.isEmpty()) && excluded(PathBytes.toPath(path), origin);
  }

  /** A followed link: the target's type and attributes; a loop if it is an ancestor. */
  private void addFollowed(FileEntry dir, Path link, BasicFileAttributes linkAttributes, Children<FileEntry> out) {
    BasicFileAttributes target;
    try {
      target = Files.readAttributes(link, BasicFileAttributes.class);
    } catch (IOException dangling) {
      out.leaf(leaf(link, linkAttributes)); // a broken link stays a link, as with find -L
      return;
    }
    if (!target.isDirectory()) {
      out.leaf(leaf(link, target));
      return;
    }
    Object key = target.fileKey();
    for (FileEntry ancestor = dir; ancestor != null; ancestor = ancestor.parentDirectory()) {
      if (key != null && key.equals(ancestor.fileKey())) {
        out.branch(new FileEntry(link, FileType.DIRECTORY, target.size(),
            target.lastModifiedTime().toMillis(), key, dir, true, dir.origin()));
        return;
      }
    }
    out.branch(directory(link, target, dir, dir.origin()));
  }

  private boolean excluded(Path path, TreeRoot origin) {
    if (!filtering) {
      return false; // the common case: no name is looked at (getFileName parses the whole path)
    }
    Path name = path.getFileName();
    if (options.skipHidden() && name.toString().startsWith(".")) {
      return true;
    }
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

  private FileEntry directory(Path path, BasicFileAttributes attributes, FileEntry parent, TreeRoot origin) {
    boolean follow = options.followLinks();
    return new FileEntry(path, FileType.DIRECTORY, attributes.size(), attributes.lastModifiedTime().toMillis(),
        follow ? attributes.fileKey() : null, follow ? parent : null, false, origin);
  }

  private static FileEntry leaf(Path path, BasicFileAttributes attributes) {
    FileType type = attributes.isRegularFile() ? FileType.FILE
        : attributes.isSymbolicLink() ? FileType.SYMLINK
        : attributes.isDirectory() ? FileType.DIRECTORY
        : FileType.OTHER;
    return new FileEntry(path, type, attributes.size(), attributes.lastModifiedTime().toMillis(), null, null, false,
        null);
  }

  /** The directory's {@code unix:nlink} and {@code unix:dev}, or {@code null} without a unix view. */
  private static Map<String, Object> unixAttributes(Path dir) throws IOException {
    try {
      return Files.readAttributes(dir, "unix:nlink,dev");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * How many subdirectories a directory has, from its link count, or {@link #UNKNOWN_COUNT} when
   * its filesystem is not known to keep that count.
   */
  private int subdirectoryCount(Path dir, Map<String, Object> unix) throws IOException {
    int links = (Integer) unix.get("nlink");
    if (links < 2) {
      return UNKNOWN_COUNT;
    }
    Boolean kept = keepsLinkCounts.get(unix.get("dev"));
    if (kept == null) {
      String type = Files.getFileStore(dir).type();
      kept = LINK_COUNT_TYPES.contains(type);
      log.debug("{} is on {}: link counts {}", dir, type, kept ? "trusted" : "not trusted");
      keepsLinkCounts.put(unix.get("dev"), kept);
    }
    return kept ? links - 2 : UNKNOWN_COUNT;
  }

  /** The device a path lives on: {@code unix:dev} where supported, else its file store. */
  private static Object device(Path path) throws IOException {
    try {
      return Files.getAttribute(path, "unix:dev");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.getFileStore(path);
    }
  }
}
