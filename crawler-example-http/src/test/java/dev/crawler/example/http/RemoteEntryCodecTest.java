package dev.crawler.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crawler.core.spi.NodeCodec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteEntryCodecTest {
  private final NodeCodec<RemoteEntry> codec =
      HttpListingSource.of(URI.create("http://localhost/"), Duration.ofSeconds(1)).codec();

  @Test
  void decode_encoded_sameEntry() {
    for (RemoteEntry entry :
        List.of(
            RemoteEntry.root(),
            new RemoteEntry("/a b/répertoire/", true, 0),
            new RemoteEntry("/a b/file.txt", false, Long.MAX_VALUE),
            new RemoteEntry("/x", false, 0))) {
      assertEquals(entry, codec.decode(codec.encode(entry)));
      assertEquals(entry, codec.decode(codec.encodeForVisit(entry)));
    }
  }

  @Test
  void decode_notAnEntry_illegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> codec.decode(new byte[3]));
    byte[] fileWithDirectorysPath = codec.encode(new RemoteEntry("/d/", true, 0));
    fileWithDirectorysPath[0] = 0;
    assertThrows(IllegalArgumentException.class, () -> codec.decode(fileWithDirectorysPath));
  }
}
