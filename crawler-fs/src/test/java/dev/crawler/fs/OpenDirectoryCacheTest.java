package dev.crawler.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping of the native reader's open directories, with numbers for descriptors: which
 * ancestor a deep directory is opened from, and that every descriptor let go is closed once. The
 * real descriptors are tested on a 10,000-deep tree in {@link FileTreeSourceTest}.
 */
class OpenDirectoryCacheTest {
  private final List<Integer> closed = new ArrayList<>();
  private final OpenDirectoryCache cache = new OpenDirectoryCache(closed::add);

  private static byte[] b(String path) {
    return path.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void nearestAncestor_isTheLongestWholePrefix() {
    cache.keep(b("/a"), 10);
    cache.keep(b("/a/bb/c"), 11);
    cache.keep(b("/a/b"), 12);
    cache.keep(b("/"), 13);
    int at = cache.nearestAncestor(b("/a/bb/c/d"));
    assertEquals(11, cache.descriptor(at));
    assertEquals("/a/bb/c/".length(), cache.remainderStart(at, b("/a/bb/c/d")));
    assertEquals(
        10,
        cache.descriptor(cache.nearestAncestor(b("/a/bbb/x")))); // /a/b is no ancestor of /a/bbb
    at = cache.nearestAncestor(b("/z/y"));
    assertEquals(13, cache.descriptor(at));
    assertEquals(1, cache.remainderStart(at, b("/z/y")));
    assertEquals(
        13, cache.descriptor(cache.nearestAncestor(b("/a")))); // itself is not its ancestor; / is
    OpenDirectoryCache relative = new OpenDirectoryCache(closed::add);
    assertEquals(-1, relative.nearestAncestor(b("a/b")));
    relative.keep(b("a"), 20);
    assertEquals(-1, relative.nearestAncestor(b("a")));
    assertEquals(-1, relative.nearestAncestor(b("ab/c")));
    assertEquals(20, relative.descriptor(relative.nearestAncestor(b("a//b"))));
    assertEquals(3, relative.remainderStart(relative.nearestAncestor(b("a//b")), b("a//b")));
    assertEquals(List.of(), closed);
  }

  @Test
  void full_closesTheLeastRecentlyUsed_andCloseClosesTheRest() {
    for (int i = 0; i < OpenDirectoryCache.CAPACITY; i++) {
      cache.keep(b("/d" + i), 100 + i);
    }
    cache.nearestAncestor(b("/d0/x")); // used: now the most recent
    cache.keep(b("/new"), 200);
    assertEquals(List.of(101), closed);
    cache.keep(b("/new"), 201); // the same directory again: the older descriptor goes
    assertEquals(List.of(101, 200), closed);
    assertEquals(OpenDirectoryCache.CAPACITY, cache.size());
    cache.close();
    assertEquals(OpenDirectoryCache.CAPACITY + 2, closed.size());
    assertEquals(0, cache.size());
    assertEquals(closed.size(), closed.stream().distinct().count(), "each closed once: " + closed);
  }
}
