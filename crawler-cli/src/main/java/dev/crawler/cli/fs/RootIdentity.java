package dev.crawler.cli.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which directory a root of {@code crawl fs} is, as one process sees it: the path as given, made
 * absolute against this process's working directory, its real path, and its device and inode where
 * the platform tells them. A joiner of a crawl over Kafka lists the paths the starter found (the
 * root as given, and below it), so it must resolve the root to the very directory the starter did:
 * a relative root from another working directory, or another disk mounted at the same path, would
 * have it list a foreign tree into the crawl, which would still end {@code COMPLETE}.
 *
 * <p>Immutable.
 *
 * @param absolute the root as given, against the working directory (not normalized: {@code a/..}
 *     resolves as the kernel resolves it)
 * @param real its real path (links resolved), or {@code null} if it does not exist
 * @param directory whether it is a directory
 * @param device its {@code st_dev}, or {@code -1} where the platform does not tell it
 * @param inode its {@code st_ino}, or {@code -1} where the platform does not tell it
 */
record RootIdentity(Path absolute, Path real, boolean directory, long device, long inode) {

  /** The root {@code root} (as given, relative or not) is here. */
  static RootIdentity of(Path root) {
    Path absolute = root.toAbsolutePath();
    try {
      BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
      Path real = absolute.toRealPath();
      long device = -1;
      long inode = -1;
      try {
        device = ((Number) Files.getAttribute(absolute, "unix:dev")).longValue();
        inode = ((Number) Files.getAttribute(absolute, "unix:ino")).longValue();
      } catch (UnsupportedOperationException
          | IllegalArgumentException
          | ClassCastException notUnix) {
        // real paths alone, then
      }
      return new RootIdentity(absolute, real, attributes.isDirectory(), device, inode);
    } catch (
        IOException e) { // missing, or not readable: not the starter's directory, whatever it is
      return new RootIdentity(absolute, null, false, -1, -1);
    }
  }

  /**
   * How this root, as a joiner sees it, differs from the starter's {@code there}; {@code null} if
   * it is the same directory. On the starter's machine the device and inode decide (a link or a
   * bind mount to the same directory is the same); on another machine device numbers differ for the
   * same network filesystem, so the real path and the inode must both match.
   *
   * @param sameMachine whether this process runs on the starter's machine
   * @return what differs, as a phrase that follows "here it is ..."; or {@code null}
   */
  String differenceFrom(RootIdentity there, boolean sameMachine) {
    if (real == null) {
      return absolute + ", which does not exist";
    }
    if (!directory) {
      return absolute + ", which is not a directory";
    }
    boolean keys = inode >= 0 && there.inode >= 0;
    if (sameMachine && keys && there.device >= 0 && device >= 0) {
      return device == there.device && inode == there.inode
          ? null
          : absolute
              + " ("
              + key(this)
              + "), another directory than the starter's ("
              + key(there)
              + ")";
    }
    if (there.real != null && !real.equals(there.real)) {
      return absolute
          + (real.equals(absolute) ? "" : " (really " + real + ")")
          + ", another directory than the "
          + "starter's "
          + there.real;
    }
    if (keys && inode != there.inode) {
      return absolute
          + " (inode "
          + inode
          + "), another directory than the starter's (inode "
          + there.inode
          + ") at the same path: is the same filesystem mounted there?";
    }
    return null;
  }

  private static String key(RootIdentity r) {
    return "device " + r.device + ", inode " + r.inode;
  }
}
