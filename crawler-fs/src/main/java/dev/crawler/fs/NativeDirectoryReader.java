package dev.crawler.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DirectoryReader} that lists straight from the operating system, by paths' bytes: the
 * fast path of {@link FileTreeSource}. The implementation, {@code LinuxDirectoryReader}, uses the
 * Foreign Function and Memory API of Java 22, so it is compiled only by a JDK 22 or later and
 * chosen at run time by {@link #load()}: on Java 17, on another system, or without native access,
 * the source lists with {@link JavaNioDirectoryReader} instead. Implementations are thread-safe.
 *
 * <p>What it saves over {@code java.nio}: the listing tells each entry's type ({@code d_type}), so
 * no entry is {@code lstat}ed unless its size or time is asked for or its filesystem does not say
 * the type; names stay bytes from the kernel to the output; and one system call returns many
 * entries ({@code getdents64} into a reused buffer). A directory of {@link #PATH_MAX} bytes or more
 * is opened relative to the nearest ancestor kept in the worker's {@link OpenDirectories}, or else
 * one piece of its path shorter than {@code PATH_MAX} after another from the working directory; a
 * directory whose children may reach the limit is then kept there. Its {@link
 * Listing#subdirectoryCount()} is always -1: the listing tells types. Its devices are {@code
 * Long}s, numbered as {@code stat}'s {@code st_dev}; a read entry's identity is its device and
 * inode.
 */
interface NativeDirectoryReader extends DirectoryReader {
  /** What {@link FileTreeSource} uses unless told otherwise: {@link #load()}, once. */
  NativeDirectoryReader SYSTEM = load();

  /**
   * The native reader, when this JVM can use it: Java 22 or later, Linux, native access enabled for
   * this code ({@code --enable-native-access=ALL-UNNAMED}, or {@code Enable-Native-Access} in an
   * executable jar's manifest: without it Java prints a warning, and a library must not cause one),
   * its class compiled into this build, and the system property {@code crawler.fs.reader} not set
   * to {@code java}.
   *
   * @return the reader, or {@code null} to list with {@code java.nio}
   */
  static NativeDirectoryReader load() {
    Logger log = LoggerFactory.getLogger(NativeDirectoryReader.class);
    String why;
    if ("java".equals(System.getProperty("crawler.fs.reader"))) {
      why = "crawler.fs.reader=java";
    } else if (Runtime.version().feature() < 22) {
      why = "Java " + Runtime.version().feature() + " has no Foreign Function and Memory API";
    } else if (!"Linux".equals(System.getProperty("os.name"))) {
      why = "not Linux";
    } else {
      try {
        boolean enabled =
            (Boolean)
                Module.class
                    .getMethod("isNativeAccessEnabled")
                    .invoke(NativeDirectoryReader.class.getModule());
        if (!enabled) {
          why = "native access is not enabled (--enable-native-access=ALL-UNNAMED)";
        } else {
          Object reader =
              Class.forName("dev.crawler.fs.LinuxDirectoryReader")
                  .getDeclaredMethod("create")
                  .invoke(null);
          log.debug(
              "directories are listed with getdents64 (Java {})", Runtime.version().feature());
          return (NativeDirectoryReader) reader;
        }
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        why = "the native reader is not available: " + e; // e.g. built by a JDK older than 22
      }
    }
    log.debug("directories are listed with java.nio: {}", why);
    return null;
  }
}
