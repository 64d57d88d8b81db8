package dev.crawler.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DirectoryReader} of any JVM: {@code Files.newDirectoryStream}, and one {@code lstat}
 * per entry read (Java 17 cannot learn an entry's type from the listing alone). It tells a
 * directory's subdirectory count from its link count (2 plus its subdirectories, the "leaf
 * optimization" of {@code find} and {@code fts}) on filesystems known to keep it ({@value
 * #LINK_COUNT_FILESYSTEMS}), so the source can leave entries unread that cannot be directories. It
 * cannot open a path of {@link #PATH_MAX} bytes or more, nor tell disk usage or hard links.
 * Thread-safe: its one shared state is a concurrent map of which devices keep link counts.
 */
final class JavaNioDirectoryReader implements DirectoryReader {
  private static final Logger log = LoggerFactory.getLogger(JavaNioDirectoryReader.class);

  /** Filesystem types whose directory link counts are 2 plus the number of subdirectories. */
  static final String LINK_COUNT_FILESYSTEMS = "ext2, ext3, ext4, xfs, tmpfs";

  private static final Set<String> LINK_COUNT_TYPES = Set.of(LINK_COUNT_FILESYSTEMS.split(", "));

  /** Per device ({@code unix:dev}): whether its filesystem keeps directory link counts. */
  private final Map<Object, Boolean> keepsLinkCounts = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "java.nio";
  }

  /** Keeps none: java.nio opens every directory by its path. */
  @Override
  public OpenDirectories openDirectories() {
    return null;
  }

  /** The device a path lives on: {@code unix:dev} where supported, else its file store. */
  @Override
  public Object device(Path path) throws IOException {
    try {
      return Files.getAttribute(path, "unix:dev");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.getFileStore(path);
    }
  }

  @Override
  public void readRoot(Path root, boolean attributes, RawEntry into) throws IOException {
    BasicFileAttributes a = Files.readAttributes(root, BasicFileAttributes.class);
    into.reset(root);
    fill(into, a, true);
  }

  @Override
  public Listing open(OpenDirectories open, FileEntry directory) {
    return new NioListing(directory.path());
  }

  /**
   * The attributes, and with {@code identity} the file key (an allocation: only when links are
   * followed).
   */
  private static void fill(RawEntry entry, BasicFileAttributes a, boolean identity) {
    entry.type =
        a.isRegularFile()
            ? FileType.FILE
            : a.isSymbolicLink()
                ? FileType.SYMLINK
                : a.isDirectory() ? FileType.DIRECTORY : FileType.OTHER;
    entry.size = a.size();
    entry.lastModifiedMillis = a.lastModifiedTime().toMillis();
    entry.javaFileKey = identity ? a.fileKey() : null;
  }

  /**
   * One directory: its stream is opened at the first entry, so that a directory the source does not
   * enter (another device) is never opened. Confined to the listing thread.
   */
  private final class NioListing implements Listing {
    private final Path dir;

    /** The directory's {@code unix:nlink} and {@code unix:dev}; read once, for both. */
    private Map<String, Object> unix;

    private boolean unixRead;
    private DirectoryStream<Path> stream;
    private Iterator<Path> entries;

    NioListing(Path dir) {
      this.dir = dir;
    }

    @Override
    public Object device() throws IOException {
      Map<String, Object> u = unix();
      return u != null ? u.get("dev") : JavaNioDirectoryReader.this.device(dir);
    }

    @Override
    public int subdirectoryCount() throws IOException {
      Map<String, Object> u = unix();
      if (u == null) {
        return -1;
      }
      int links = (Integer) u.get("nlink");
      if (links < 2) {
        return -1; // btrfs and overlayfs report 1
      }
      Boolean kept = keepsLinkCounts.get(u.get("dev"));
      if (kept == null) {
        String type = Files.getFileStore(dir).type();
        kept = LINK_COUNT_TYPES.contains(type);
        log.debug("{} is on {}: link counts {}", dir, type, kept ? "trusted" : "not trusted");
        keepsLinkCounts.put(u.get("dev"), kept);
      }
      return kept ? links - 2 : -1;
    }

    /**
     * The directory's {@code unix:nlink} and {@code unix:dev}, or {@code null} without a unix view.
     */
    private Map<String, Object> unix() throws IOException {
      if (!unixRead) {
        unixRead = true;
        try {
          unix = Files.readAttributes(dir, "unix:nlink,dev");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
          unix = null;
        }
      }
      return unix;
    }

    @Override
    public boolean next(RawEntry into) throws IOException {
      if (entries == null) {
        stream = Files.newDirectoryStream(dir);
        entries = stream.iterator();
      }
      if (!entries.hasNext()) {
        return false;
      }
      into.reset(entries.next());
      return true;
    }

    @Override
    public Read read(RawEntry entry, boolean attributes, boolean followLinks) throws IOException {
      Path path = entry.path();
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException vanished) {
        return Read.VANISHED;
      } catch (FileSystemException e) {
        if (PathBytes.of(path).length < PATH_MAX) {
          throw e;
        }
        return Read.TOO_LONG;
      }
      fill(entry, a, followLinks);
      if (followLinks && a.isSymbolicLink()) {
        try {
          fill(entry, Files.readAttributes(path, BasicFileAttributes.class), true);
          entry.followed = true;
        } catch (IOException dangling) {
          // a broken link stays a link, as with find -L
        }
      }
      return Read.READ;
    }

    @Override
    public void close() throws IOException {
      if (stream != null) {
        stream.close();
      }
    }
  }
}
