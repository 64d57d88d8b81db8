package dev.crawler.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * {@link NativeDirectoryReader} on Linux (x86-64 and AArch64) through the Foreign Function and
 * Memory API: {@code open(O_DIRECTORY)}, {@code getdents64} into a 64 KiB buffer each thread
 * reuses, {@code d_type} for each entry's type, and {@code statx} relative to the open directory
 * only for the attributes asked for. Compiled only by a JDK 22 or later (see the crawler-fs pom);
 * thread-safe: the only state is each thread's own buffers.
 */
@SuppressWarnings("restricted") // Linker.downcallHandle, MemorySegment.reinterpret: see
// NativeDirectoryReader.load
final class LinuxDirectoryReader implements NativeDirectoryReader {
  private static final int O_CLOEXEC = 0x80000;

  /** The same on x86-64 and AArch64: a descriptor that only names a directory, to open below it. */
  private static final int O_PATH = 0x200000;

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int AT_NO_AUTOMOUNT = 0x800;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_TYPE = 0x1;
  private static final int STATX_NLINK = 0x4;
  private static final int STATX_MTIME = 0x40;
  private static final int STATX_INO = 0x100;
  private static final int STATX_SIZE = 0x200;
  private static final int STATX_BLOCKS = 0x400;

  /** What an entry's attributes take: type, size, time, disk usage, links, identity. */
  private static final int STATX_ATTRIBUTES =
      STATX_TYPE | STATX_SIZE | STATX_MTIME | STATX_INO | STATX_BLOCKS | STATX_NLINK;

  private static final int ENOENT = 2;
  private static final int EPERM = 1;
  private static final int EACCES = 13;
  private static final int ENOTDIR = 20;
  private static final int ELOOP = 40;
  private static final int EINTR = 4;
  private static final int ENAMETOOLONG = 36;

  /**
   * A directory at least this long may have a child too long to open by path (its path, a slash and
   * a name of up to 255 bytes reaching {@code PATH_MAX}): such a directory is kept open.
   */
  private static final int KEEP_OPEN_FROM = PATH_MAX - 1 - 255;

  // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
  private static final long D_RECLEN = 16;
  private static final long D_TYPE = 18;
  private static final long D_NAME = 19;
  private static final byte DT_UNKNOWN = 0;
  private static final byte DT_DIR = 4;
  private static final byte DT_REG = 8;
  private static final byte DT_LNK = 10;

  // struct statx, the same on every architecture (linux/stat.h).
  private static final long STATX_SIZEOF = 256;
  private static final long STX_NLINK = 16;
  private static final long STX_MODE = 28;
  private static final long STX_INO = 32;
  private static final long STX_SIZE = 40;
  private static final long STX_BLOCKS = 48;
  private static final long STX_MTIME_SEC = 112;
  private static final long STX_MTIME_NSEC = 120;
  private static final long STX_DEV_MAJOR = 136;
  private static final long STX_DEV_MINOR = 140;
  private static final int S_IFMT = 0xF000;
  private static final int S_IFDIR = 0x4000;
  private static final int S_IFREG = 0x8000;
  private static final int S_IFLNK = 0xA000;

  private static final int BUFFER_SIZE = 64 * 1024;
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private final int openFlags;
  private final MethodHandle open;
  private final MethodHandle openat;
  private final MethodHandle getdents64;
  private final MethodHandle statx;
  private final MethodHandle close;
  private final MethodHandle strerror;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  private LinuxDirectoryReader(int oDirectory) {
    Linker linker = Linker.nativeLinker();
    SymbolLookup libc = linker.defaultLookup();
    Linker.Option errno = Linker.Option.captureCallState("errno");
    this.openFlags = oDirectory | O_CLOEXEC; // O_RDONLY is 0; O_DIRECTORY fails at once on a FIFO
    // open is variadic (the mode): called with the fixed arguments only, as for O_RDONLY.
    this.open =
        linker.downcallHandle(
            libc.find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            errno);
    this.openat =
        linker.downcallHandle(
            libc.find("openat").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            errno);
    this.getdents64 =
        linker.downcallHandle(
            libc.find("getdents64").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
            errno);
    this.statx =
        linker.downcallHandle(
            libc.find("statx").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
            errno);
    this.close =
        linker.downcallHandle(
            libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    this.strerror =
        linker.downcallHandle(
            libc.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
  }

  /**
   * The reader for this machine, called by {@link NativeDirectoryReader#load()}.
   *
   * @return the reader
   * @throws UnsupportedOperationException on an architecture whose {@code O_DIRECTORY} it does not
   *     know
   * @throws java.util.NoSuchElementException if the C library lacks a function (glibc before 2.30)
   */
  static NativeDirectoryReader create() {
    String arch = System.getProperty("os.arch");
    int oDirectory =
        switch (arch) {
          case "amd64", "x86_64" -> 0x10000;
          case "aarch64" -> 0x4000;
          default -> throw new UnsupportedOperationException("no O_DIRECTORY known for " + arch);
        };
    LinuxDirectoryReader reader = new LinuxDirectoryReader(oDirectory);
    try {
      reader.device(Path.of("/")); // every call works here, or the JDK path is used
    } catch (IOException e) {
      throw new UnsupportedOperationException("statx fails: " + e.getMessage(), e);
    }
    return reader;
  }

  /** One thread's buffers: the listing, a statx result, a C string, the call's errno. */
  private static final class Buffers {
    final Arena arena =
        Arena.ofAuto(); // freed with the thread's buffers, when they are unreachable
    final MemorySegment callState = arena.allocate(CALL_STATE);
    final MemorySegment dirents = arena.allocate(BUFFER_SIZE, 8);
    final MemorySegment stat = arena.allocate(STATX_SIZEOF, 8);

    /** "": with AT_EMPTY_PATH, statx of the open descriptor itself. */
    final MemorySegment empty = arena.allocate(1);

    MemorySegment path = arena.allocate(4096);

    /** {@code bytes} with a terminating NUL, in this thread's path buffer. */
    MemorySegment cString(byte[] bytes) {
      return cString(bytes, 0, bytes.length);
    }

    /** {@code bytes[from, to)} with a terminating NUL, in this thread's path buffer. */
    MemorySegment cString(byte[] bytes, int from, int to) {
      int length = to - from;
      if (length + 1 > path.byteSize()) {
        path = arena.allocate(length + 1L);
      }
      MemorySegment.copy(bytes, from, path, JAVA_BYTE, 0, length);
      path.set(JAVA_BYTE, length, (byte) 0);
      return path;
    }

    int errno() {
      return (int) ERRNO.get(callState, 0L);
    }
  }

  @Override
  public String name() {
    return "getdents64";
  }

  @Override
  public OpenDirectories openDirectories() {
    return new OpenDirectoryCache(this::closeQuietly);
  }

  @Override
  public Listing open(OpenDirectories open, FileEntry directory) throws IOException {
    Buffers b = buffers.get();
    OpenDirectoryCache cache = (OpenDirectoryCache) open;
    byte[] path = directory.sharedPathBytes();
    int fd = path.length < PATH_MAX ? openDirectory(b, path) : openBelow(b, cache, path);
    return new NativeListing(b, cache, path, fd);
  }

  /**
   * One open directory, read a buffer of {@code getdents64} at a time into the thread's buffer.
   * Confined to the thread that opened it: the buffer is that thread's.
   */
  private final class NativeListing implements Listing {
    private final Buffers b;
    private final OpenDirectoryCache cache;
    private final byte[] directory;
    private final int fd;

    /**
     * Where an entry's name starts in its path: after the directory and a slash unless it ends with
     * one.
     */
    private final int nameStart;

    /** Bytes of the buffer that {@code getdents64} filled, and where the next record starts. */
    private long filled;

    private long at;

    /** Where the current entry's record starts: its name is NUL-terminated there, for statx. */
    private long record;

    private boolean hasDirectories;

    /** Set once listed whole: only then may the directory be kept open. */
    private boolean listedWhole;

    NativeListing(Buffers b, OpenDirectoryCache cache, byte[] directory, int fd) {
      this.b = b;
      this.cache = cache;
      this.directory = directory;
      this.fd = fd;
      boolean endsWithSlash = directory.length > 0 && directory[directory.length - 1] == '/';
      this.nameStart = directory.length + (endsWithSlash ? 0 : 1);
    }

    @Override
    public Object device() throws IOException {
      stat(b, fd, b.empty, AT_EMPTY_PATH, STATX_TYPE, directory);
      return deviceOf(b.stat);
    }

    @Override
    public int subdirectoryCount() {
      return -1; // the listing tells types
    }

    @Override
    public boolean next(RawEntry into) throws IOException {
      MemorySegment dirents = b.dirents;
      while (true) {
        if (at >= filled) {
          filled = getdents(b, fd, directory);
          at = 0;
          if (filled == 0) {
            listedWhole = true;
            return false;
          }
        }
        int length = Short.toUnsignedInt(dirents.get(JAVA_SHORT, at + D_RECLEN));
        byte dType = dirents.get(JAVA_BYTE, at + D_TYPE);
        // The name ends at its NUL (the padding after it is not zeroed: whatever the buffer held).
        long name = at + D_NAME;
        long nameEnd = name;
        while (dirents.get(JAVA_BYTE, nameEnd) != 0) {
          nameEnd++;
        }
        int nameLength = (int) (nameEnd - name);
        record = at;
        at += length;
        if (isDotOrDotDot(dirents, name, nameLength)) {
          continue;
        }
        byte[] path = new byte[nameStart + nameLength];
        System.arraycopy(directory, 0, path, 0, directory.length);
        if (nameStart > directory.length) {
          path[directory.length] = '/';
        }
        MemorySegment.copy(dirents, JAVA_BYTE, name, path, nameStart, nameLength);
        FileType type = typeOf(dType);
        hasDirectories |= type == FileType.DIRECTORY;
        into.reset(path, nameStart, type);
        return true;
      }
    }

    @Override
    public Read read(RawEntry entry, boolean attributes, boolean followLinks) throws IOException {
      // Following links, a link's target and a directory's identity (for loops) need every field.
      int mask = attributes || followLinks ? STATX_ATTRIBUTES : STATX_TYPE;
      // The name is NUL-terminated in the listing buffer: statx reads it there.
      MemorySegment entryName = b.dirents.asSlice(record + D_NAME);
      byte[] path = entry.bytesOrNull();
      if (!stat(b, fd, entryName, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, mask, path)) {
        return Read.VANISHED;
      }
      FileType type = typeOfMode(Short.toUnsignedInt(b.stat.get(JAVA_SHORT, STX_MODE)));
      if (followLinks && type == FileType.SYMLINK) {
        // The target's attributes; a link whose target cannot be read stays a link.
        if (statTarget(b, fd, entryName, mask)) {
          type = typeOfMode(Short.toUnsignedInt(b.stat.get(JAVA_SHORT, STX_MODE)));
          entry.followed = true;
        } else if (!stat(b, fd, entryName, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, mask, path)) {
          return Read.VANISHED;
        }
      }
      entry.type = type;
      hasDirectories |= type == FileType.DIRECTORY;
      if (attributes) {
        entry.size = b.stat.get(JAVA_LONG, STX_SIZE);
        entry.lastModifiedMillis = modifiedMillis(b.stat);
        entry.diskBytes =
            b.stat.get(JAVA_LONG, STX_BLOCKS) * 512; // st_blocks counts 512-byte units
        entry.links = Integer.toUnsignedLong(b.stat.get(JAVA_INT, STX_NLINK));
      }
      if (attributes || followLinks) {
        entry.device = deviceOf(b.stat);
        entry.inode = b.stat.get(JAVA_LONG, STX_INO);
      }
      return Read.READ;
    }

    @Override
    public void close() {
      if (listedWhole && hasDirectories && cache != null && directory.length >= KEEP_OPEN_FROM) {
        cache.keep(directory, fd); // a child's path may reach PATH_MAX: opened relative to this one
      } else {
        closeQuietly(fd);
      }
    }
  }

  /**
   * Opens a directory whose path is too long to open by name: relative to its nearest ancestor in
   * {@code cache}, or else to the working directory; one piece of the path shorter than {@code
   * PATH_MAX} after another, each piece but the last opened {@code O_PATH} (which, like a path
   * walk, needs search permission only) and closed once the next is open.
   */
  private int openBelow(Buffers b, OpenDirectoryCache cache, byte[] directory) throws IOException {
    int ancestor = cache == null ? -1 : cache.nearestAncestor(directory);
    int base = ancestor < 0 ? AT_FDCWD : cache.descriptor(ancestor);
    int from = ancestor < 0 ? 0 : cache.remainderStart(ancestor, directory);
    boolean ownBase = false; // the cache's descriptor is never closed here
    try {
      while (directory.length - from >= PATH_MAX) {
        int slash = from + PATH_MAX - 1; // the piece [from, slash) has at most PATH_MAX - 1 bytes
        while (slash > from && directory[slash] != '/') {
          slash--;
        }
        if (slash == from) {
          throw exception(ENAMETOOLONG, directory); // a name longer than any filesystem allows
        }
        int next = openAt(b, base, directory, from, slash, O_PATH | openFlags, directory);
        if (ownBase) {
          closeQuietly(base);
        }
        base = next;
        ownBase = true;
        from = slash;
        while (from < directory.length && directory[from] == '/') {
          from++; // a piece that starts with a slash would be opened from the root, not from base
        }
      }
      return openAt(b, base, directory, from, directory.length, openFlags, directory);
    } finally {
      if (ownBase) {
        closeQuietly(base);
      }
    }
  }

  private int openAt(
      Buffers b, int base, byte[] path, int from, int to, int flags, byte[] pathForErrors)
      throws IOException {
    MemorySegment name = from == to ? b.cString(new byte[] {'.'}) : b.cString(path, from, to);
    return (int)
        retryingInterrupted(
            b, pathForErrors, () -> (int) openat.invokeExact(b.callState, base, name, flags));
  }

  @Override
  public Object device(Path path) throws IOException {
    byte[] bytes = PathBytes.of(path);
    Buffers b = buffers.get();
    if (!stat(b, AT_FDCWD, b.cString(bytes), 0, STATX_TYPE, bytes)) {
      throw new NoSuchFileException(path.toString());
    }
    return deviceOf(b.stat);
  }

  @Override
  public void readRoot(Path root, boolean attributes, RawEntry into) throws IOException {
    byte[] bytes = PathBytes.of(root);
    Buffers b = buffers.get();
    if (!stat(b, AT_FDCWD, b.cString(bytes), 0, STATX_ATTRIBUTES, bytes)) {
      throw new NoSuchFileException(root.toString());
    }
    into.reset(
        bytes, bytes.length, typeOfMode(Short.toUnsignedInt(b.stat.get(JAVA_SHORT, STX_MODE))));
    into.size = b.stat.get(JAVA_LONG, STX_SIZE);
    into.lastModifiedMillis = modifiedMillis(b.stat);
    if (attributes) {
      into.diskBytes = b.stat.get(JAVA_LONG, STX_BLOCKS) * 512;
    }
    into.device = deviceOf(b.stat);
    into.inode = b.stat.get(JAVA_LONG, STX_INO);
  }

  private static long modifiedMillis(MemorySegment stat) {
    return stat.get(JAVA_LONG, STX_MTIME_SEC) * 1000
        + Integer.toUnsignedLong(stat.get(JAVA_INT, STX_MTIME_NSEC)) / 1_000_000;
  }

  /**
   * statx of a link's target into {@code b.stat}; {@code false} if it cannot be read, for any
   * reason.
   */
  private boolean statTarget(Buffers b, int dirFd, MemorySegment name, int mask) {
    int result;
    try {
      result = (int) statx.invokeExact(b.callState, dirFd, name, AT_NO_AUTOMOUNT, mask, b.stat);
    } catch (Throwable t) {
      throw rethrown(t);
    }
    return result == 0;
  }

  private int openDirectory(Buffers b, byte[] directory) throws IOException {
    MemorySegment name = b.cString(directory);
    return (int)
        retryingInterrupted(
            b, directory, () -> (int) open.invokeExact(b.callState, name, openFlags));
  }

  private long getdents(Buffers b, int fd, byte[] directory) throws IOException {
    return retryingInterrupted(
        b,
        directory,
        () -> (long) getdents64.invokeExact(b.callState, fd, b.dirents, (long) BUFFER_SIZE));
  }

  /** A system call that returns -1 with errno on failure, as the C library calls it. */
  @FunctionalInterface
  private interface Call {
    long invoke() throws Throwable;
  }

  /**
   * {@code call}'s result, called again while it fails with EINTR; java.nio's exception otherwise.
   */
  private long retryingInterrupted(Buffers b, byte[] path, Call call) throws IOException {
    while (true) {
      long result;
      try {
        result = call.invoke();
      } catch (Throwable t) {
        throw rethrown(t);
      }
      if (result >= 0) {
        return result;
      }
      if (b.errno() != EINTR) {
        throw exception(b.errno(), path);
      }
    }
  }

  /** statx into {@code b.stat}; {@code false} if the entry does not exist (any more). */
  private boolean stat(
      Buffers b, int dirFd, MemorySegment name, int flags, int mask, byte[] pathForErrors)
      throws IOException {
    int result;
    try {
      result = (int) statx.invokeExact(b.callState, dirFd, name, flags, mask, b.stat);
    } catch (Throwable t) {
      throw rethrown(t);
    }
    if (result == 0) {
      return true;
    }
    if (b.errno() == ENOENT) {
      return false;
    }
    throw exception(b.errno(), pathForErrors);
  }

  private void closeQuietly(int fd) {
    try {
      int ignored = (int) close.invokeExact(fd); // Linux frees the descriptor even when close fails
    } catch (Throwable t) {
      throw rethrown(t);
    }
  }

  private static boolean isDotOrDotDot(MemorySegment dirents, long name, int length) {
    return dirents.get(JAVA_BYTE, name) == '.'
        && (length == 1 || length == 2 && dirents.get(JAVA_BYTE, name + 1) == '.');
  }

  /** The type d_type tells, or {@code null} when it does not. */
  private static FileType typeOf(byte dType) {
    return switch (dType) {
      case DT_DIR -> FileType.DIRECTORY;
      case DT_REG -> FileType.FILE;
      case DT_LNK -> FileType.SYMLINK;
      case DT_UNKNOWN -> null;
      default -> FileType.OTHER;
    };
  }

  private static FileType typeOfMode(int mode) {
    return switch (mode & S_IFMT) {
      case S_IFDIR -> FileType.DIRECTORY;
      case S_IFREG -> FileType.FILE;
      case S_IFLNK -> FileType.SYMLINK;
      default -> FileType.OTHER;
    };
  }

  /**
   * The device as glibc's {@code makedev} numbers it: the {@code st_dev} that {@code stat} gives.
   */
  private static long deviceOf(MemorySegment stat) {
    long major = Integer.toUnsignedLong(stat.get(JAVA_INT, STX_DEV_MAJOR));
    long minor = Integer.toUnsignedLong(stat.get(JAVA_INT, STX_DEV_MINOR));
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }

  /** The exception java.nio throws for {@code errno} on {@code path} (sun.nio.fs.UnixException). */
  private IOException exception(int errno, byte[] path) {
    String file = text(path);
    return switch (errno) {
      case EACCES, EPERM -> new AccessDeniedException(file);
      case ENOENT -> new NoSuchFileException(file);
      case ENOTDIR -> new NotDirectoryException(file);
      case ELOOP ->
          new FileSystemException(
              file, null, message(errno) + " or unable to access attributes of symbolic link");
      default -> new FileSystemException(file, null, message(errno));
    };
  }

  private String message(int errno) {
    try {
      MemorySegment text = (MemorySegment) strerror.invokeExact(errno);
      return text.reinterpret(1024).getString(0);
    } catch (Throwable t) {
      throw rethrown(t);
    }
  }

  private static String text(byte[] path) {
    return PathBytes.toPath(path).toString();
  }

  /** A downcall throws nothing checked; anything else is a bug to surface as it is. */
  private static RuntimeException rethrown(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }
}
