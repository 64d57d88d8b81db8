package dev.crawler.fs;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The bookkeeping of {@link DirectoryReader.OpenDirectories}: at most {@link #CAPACITY}
 * directories, by their path's bytes, with their open descriptors, the least recently used closed
 * first. Not thread-safe: confined to one worker, as its session is.
 *
 * <p>Why so few: the engine walks depth first, and a worker's next branch is almost always a child
 * of the directory it just listed, so the parent is what a deep listing needs; a branch another
 * worker stole, or a sibling popped long after its parent was evicted, is opened from the nearest
 * ancestor still here, or else from the working directory, one piece of its path shorter than
 * {@code PATH_MAX} at a time. So descriptors stay bounded (this many per worker) whatever the
 * depth, and only directories deeper than about {@code PATH_MAX} ever come here.
 */
final class OpenDirectoryCache implements DirectoryReader.OpenDirectories {
  /** Directories kept per worker. */
  static final int CAPACITY = 8;

  private final IntConsumer closer;

  /** Index 0 is the least recently used; {@code size} entries are valid. */
  private final byte[][] paths = new byte[CAPACITY][];

  private final int[] descriptors = new int[CAPACITY];
  private int size;

  /**
   * @param closer closes a descriptor this cache lets go
   */
  OpenDirectoryCache(IntConsumer closer) {
    this.closer = closer;
  }

  /**
   * The nearest ancestor of {@code path} kept here, made the most recently used.
   *
   * @return its index for {@link #descriptor} and {@link #remainderStart}, or -1 if none is here
   */
  int nearestAncestor(byte[] path) {
    int best = -1;
    for (int i = 0; i < size; i++) {
      byte[] candidate = paths[i];
      int n = candidate.length;
      if (n < path.length
          && (best < 0 || n > paths[best].length)
          && (candidate[n - 1] == '/' || path[n] == '/')
          && Arrays.equals(candidate, 0, n, path, 0, n)) {
        best = i;
      }
    }
    return best < 0 ? -1 : touch(best);
  }

  /** The open descriptor at {@code index}. */
  int descriptor(int index) {
    return descriptors[index];
  }

  /** Where {@code path}'s part below the ancestor at {@code index} starts: past its slashes. */
  int remainderStart(int index, byte[] path) {
    int at = paths[index].length;
    while (at < path.length && path[at] == '/') {
      at++;
    }
    return at;
  }

  /**
   * Keeps {@code descriptor} open for {@code path}, as the most recently used; the least recently
   * used is closed if there is no room, and an older descriptor for the same path too.
   */
  void keep(byte[] path, int descriptor) {
    for (int i = 0; i < size; i++) {
      if (Arrays.equals(paths[i], path)) {
        closer.accept(descriptors[i]);
        remove(i);
        break;
      }
    }
    if (size == CAPACITY) {
      closer.accept(descriptors[0]);
      remove(0);
    }
    paths[size] = path;
    descriptors[size] = descriptor;
    size++;
  }

  /** How many directories are kept open. */
  int size() {
    return size;
  }

  @Override
  public void close() {
    for (int i = 0; i < size; i++) {
      closer.accept(descriptors[i]);
      paths[i] = null;
    }
    size = 0;
  }

  /** Moves the entry at {@code index} to the end (most recently used); returns its new index. */
  private int touch(int index) {
    byte[] path = paths[index];
    int descriptor = descriptors[index];
    remove(index);
    paths[size] = path;
    descriptors[size] = descriptor;
    return size++;
  }

  private void remove(int index) {
    System.arraycopy(paths, index + 1, paths, index, size - index - 1);
    System.arraycopy(descriptors, index + 1, descriptors, index, size - index - 1);
    size--;
    paths[size] = null;
  }
}
