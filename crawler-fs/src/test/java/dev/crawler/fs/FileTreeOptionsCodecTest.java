package dev.crawler.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The walk's options cross processes as arguments: every option survives, and older forms still
 * read.
 */
class FileTreeOptionsCodecTest {
  /** Every option away from its default; a name that is not UTF-8 in the ignore file's path. */
  private static final FileTreeOptions ALL_CHANGED =
      new FileTreeOptions(
          true,
          true,
          true,
          List.of("*.o", "build/**", "with=equals"),
          false,
          new IgnoreFiles(
              PathBytes.toPath(new byte[] {'/', 't', 'm', 'p', '/', 'x', (byte) 0xff})));

  @Test
  void everyOption_roundTrips() throws Exception {
    FileTreeOptions defaults = FileTreeOptions.defaults();
    for (RecordComponent component : FileTreeOptions.class.getRecordComponents()) {
      // A new option without a changed value here (and so, maybe, without a key) fails this test.
      assertNotEquals(
          component.getAccessor().invoke(defaults),
          component.getAccessor().invoke(ALL_CHANGED),
          component.getName()
              + " is not changed from its default, so its round trip is not tested");
    }
    assertEquals(
        ALL_CHANGED, FileTreeOptionsCodec.decode(FileTreeOptionsCodec.encode(ALL_CHANGED)));
    assertEquals(defaults, FileTreeOptionsCodec.decode(FileTreeOptionsCodec.encode(defaults)));
    FileTreeOptions noGlobalExcludes = defaults.withIgnoreFiles(new IgnoreFiles(null));
    assertEquals(
        noGlobalExcludes,
        FileTreeOptionsCodec.decode(FileTreeOptionsCodec.encode(noGlobalExcludes)));
  }

  @Test
  void defaults_areWrittenAsEveryEarlierVersionWroteThem() {
    // What crawl fs --kafka wrote before this codec, so older and newer processes join each other.
    List<String> older =
        List.of(
            "one-file-system=false",
            "skip-hidden=true",
            "read-leaf-attributes=false",
            "exclude=*.o",
            "exclude=a/b");
    FileTreeOptions options = new FileTreeOptions(false, false, true, List.of("*.o", "a/b"), false);
    assertEquals(older, FileTreeOptionsCodec.encode(options));
    assertEquals(options, FileTreeOptionsCodec.decode(older));
  }

  @Test
  void otherArguments_arePassedOver_andAbsentOptionsAreDefaults() {
    List<String> arguments =
        new ArrayList<>(List.of("root=Lw==", "starter-host=h", "exclude=*.tmp"));
    assertFalse(FileTreeOptionsCodec.isOption("root=Lw=="));
    assertTrue(FileTreeOptionsCodec.isOption("exclude=*.tmp"));
    assertEquals(
        FileTreeOptions.defaults().withExcludes(List.of("*.tmp")),
        FileTreeOptionsCodec.decode(arguments));
  }

  @Test
  void aMalformedValue_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FileTreeOptionsCodec.decode(List.of("skip-hidden=yes")));
    assertEquals("not a boolean: skip-hidden=yes", e.getMessage());
    assertEquals(
        Path.of("/tmp/a"),
        FileTreeOptionsCodec.decode(
                FileTreeOptionsCodec.encode(
                    FileTreeOptions.defaults().withIgnoreFiles(new IgnoreFiles(Path.of("/tmp/a")))))
            .ignoreFiles()
            .globalExcludes());
  }
}
