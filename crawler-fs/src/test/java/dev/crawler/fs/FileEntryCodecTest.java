package dev.crawler.fs;

import static dev.crawler.testing.CrawlInvariants.assertCrawlInvariants;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.testing.VisitLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries cross processes as bytes: every name, type, size, time and root survives the trip. */
class FileEntryCodecTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    root = TestTrees.populate(tmp.resolve("tree"));
  }

  @Test
  void everyEntry_roundTrips_exactBytesTypeSizeTimeAndRoot() throws Exception {
    FileTreeSource source =
        FileTreeSource.over(List.of(root.resolve("d1"), root), FileTreeOptions.defaults());
    NodeCodec<FileEntry> codec = source.codec();
    Set<String> checked = ConcurrentHashMap.newKeySet();
    try (Crawl<FileEntry> crawl =
        Crawler.over(source)
            .workers(2)
            .startAll(
                source.roots(),
                v -> {
                  FileEntry entry = v.node();
                  FileEntry back = codec.decode(codec.encode(entry));
                  assertArrayEquals(
                      PathBytes.of(entry.path()), PathBytes.of(back.path()), entry.toString());
                  assertEquals(entry.type(), back.type());
                  assertEquals(entry.size(), back.size());
                  assertEquals(entry.lastModifiedMillis(), back.lastModifiedMillis());
                  assertEquals(
                      entry.origin(),
                      back.origin(),
                      "the same root: relative excludes and -x keep working");
                  checked.add(TestTrees.bytesOf(entry.path()));
                })) {
      crawl.await();
    }
    assertEquals(
        TestTrees.find(root), Set.copyOf(checked), "every entry checked (d1's are under root too)");
    assertEquals(
        true,
        checked.contains(root + "/odd/bad\u00ffbyte"),
        "a name that is not UTF-8 was checked");
  }

  @Test
  void aDecodedDirectory_listsWhatTheOriginalLists() throws Exception {
    FileTreeSource source = FileTreeSource.over(root, FileTreeOptions.defaults());
    assertEquals(source.root(), codecTrip(source, source.root()));
    VisitLog<FileEntry, String> log = new VisitLog<>(entry -> TestTrees.bytesOf(entry.path()));
    FileEntry decoded = source.codec().decode(source.codec().encode(source.root()));
    CrawlReport<FileEntry> report;
    try (Crawl<FileEntry> crawl = Crawler.over(source).workers(1).start(decoded, log)) {
      report = crawl.await();
    }
    assertCrawlInvariants(
        report,
        log,
        TestTrees.parentsOf(TestTrees.find(root), Set.of(TestTrees.bytesOf(root))),
        Set.of());
  }

  @Test
  void pathsOfAnyBytes_relativeOrAbsolute_comeBack() throws Exception {
    Files.createDirectories(tmp.resolve("rel"));
    for (String name : new String[] {"plain", "with space", "caf\u00e9", "per%cent", "q?h#"}) {
      Path p = tmp.resolve(name);
      assertArrayEquals(PathBytes.of(p), PathBytes.of(PathBytes.toPath(PathBytes.of(p))), name);
      Path relative = Path.of("rel", name);
      assertArrayEquals(
          PathBytes.of(relative), PathBytes.of(PathBytes.toPath(PathBytes.of(relative))), name);
    }
    byte[] raw = PathBytes.of(root.resolve("odd")).clone();
    byte[] name = {'/', 'b', 'a', 'd', (byte) 0xff, 'b', 'y', 't', 'e'};
    byte[] full = Arrays.copyOf(raw, raw.length + name.length);
    System.arraycopy(name, 0, full, raw.length, name.length);
    Path decoded = PathBytes.toPath(full);
    assertArrayEquals(full, PathBytes.of(decoded));
    assertEquals(true, Files.exists(decoded), "the decoded path names the file on disk");
  }

  @Test
  void followingLinks_hasNoCodec_andForeignBytesAreRefused() throws Exception {
    FileTreeSource following =
        FileTreeSource.over(root, FileTreeOptions.defaults().withFollowLinks(true));
    assertThrows(UnsupportedOperationException.class, following::codec);
    NodeCodec<FileEntry> codec = FileTreeSource.over(root, FileTreeOptions.defaults()).codec();
    assertThrows(IllegalArgumentException.class, () -> codec.decode(new byte[] {1}));
  }

  private static FileEntry codecTrip(FileTreeSource source, FileEntry entry) {
    return source.codec().decode(source.codec().encode(entry));
  }
}
