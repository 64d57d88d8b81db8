package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every record the crawl writes reads back as it was written. */
class WireTest {

  @Test
  void branchesReadBackWithTheirDepthAndBytes() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      byte[] node = new byte[random.nextInt(0, 300)];
      for (int j = 0; j < node.length; j++) {
        node[j] = (byte) random.nextInt(256);
      }
      int depth = i % 2 == 0 ? random.nextInt(0, 100) : random.nextInt();
      Wire.Branch back = Wire.branch(Wire.branch(new Wire.Branch(depth, node)));
      assertEquals(depth, back.depth());
      assertArrayEquals(node, back.node());
    }
  }

  @Test
  void aBranchTooShortToHoldItsDepthIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Wire.branch(new byte[3]));
  }

  @Test
  void aPackOfVisitsReadsBackInOrder() {
    List<Wire.VisitRecord> written =
        List.of(
            new Wire.VisitRecord(true, 0, new byte[] {1, 2}, null),
            new Wire.VisitRecord(false, 1, new byte[0], new byte[] {1, 2}),
            new Wire.VisitRecord(true, 7, new byte[] {(byte) 0xff}, new byte[] {9}));
    List<Wire.VisitRecord> read = new ArrayList<>();
    Wire.visits(Wire.visits(written), read::add);
    assertEquals(written.size(), read.size());
    for (int i = 0; i < written.size(); i++) {
      assertEquals(written.get(i).branch(), read.get(i).branch());
      assertEquals(written.get(i).depth(), read.get(i).depth());
      assertArrayEquals(written.get(i).node(), read.get(i).node());
      assertArrayEquals(written.get(i).parent(), read.get(i).parent());
    }
    assertNull(read.get(0).parent());
  }

  @Test
  void aCutOrForeignPackIsRefused_notReadPastItsEnd() {
    byte[] pack =
        Wire.visits(List.of(new Wire.VisitRecord(true, 3, new byte[] {1, 2, 3}, new byte[] {4})));
    for (int length = 1; length < pack.length; length++) {
      byte[] cut = Arrays.copyOf(pack, length);
      assertThrows(
          IllegalArgumentException.class, () -> Wire.visits(cut, v -> {}), "cut at " + length);
    }
    byte[] hugeLength = pack.clone();
    hugeLength[5] = 0x7f; // the node's length, now far past the pack's end
    assertThrows(IllegalArgumentException.class, () -> Wire.visits(hugeLength, v -> {}));
  }

  @Test
  void thePackerSendsEveryVisitOnceInPacksNearItsLimit() {
    List<byte[]> packs = new ArrayList<>();
    VisitPacker packer = new VisitPacker(packs::add, 1000);
    for (int i = 0; i < 1000; i++) {
      packer.add(
          new Wire.VisitRecord(
              i % 3 == 0, i, new byte[] {(byte) i, (byte) (i >> 8)}, new byte[] {1}));
    }
    packer.flush();
    packer.flush(); // nothing left: no empty pack
    List<Wire.VisitRecord> read = new ArrayList<>();
    for (byte[] pack : packs) {
      Wire.visits(pack, read::add);
      assertEquals(true, pack.length < 1000 + 30, "a pack of " + pack.length + " bytes");
    }
    assertEquals(1000, read.size());
    assertEquals(1000, packer.visits());
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, read.get(i).depth());
    }
    assertEquals(true, packs.size() > 1 && packs.size() < 40, packs.size() + " packs");
  }

  @Test
  void eventsReadBack() {
    assertEquals(
        new Wire.Delta("p1", -3, 10, 40, 1),
        Wire.delta(Wire.delta(new Wire.Delta("p1", -3, 10, 40, 1))));
    Wire.Failure f =
        Wire.failure(Wire.failure(new Wire.Failure("p2", 4, new byte[] {5}, "gone", 3)));
    assertEquals("p2", f.process());
    assertEquals(4, f.depth());
    assertArrayEquals(new byte[] {5}, f.node());
    assertEquals("gone", f.message());
    assertEquals(3, f.attempts());
    assertEquals(
        new CrawlSpec("fs", List.of("/data", "-x")),
        Wire.spec(Wire.spec(new CrawlSpec("fs", List.of("/data", "-x")))));
  }
}
