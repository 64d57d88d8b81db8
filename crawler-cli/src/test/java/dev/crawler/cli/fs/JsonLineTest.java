package dev.crawler.cli.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link JsonLine}'s fast paths write what the JDK's general ones write. */
class JsonLineTest {
  @Test
  void instant_isInstantToString_overTheWholeRange() {
    long[] edges = {
      0,
      1,
      999,
      1000,
      86_399_999,
      86_400_000,
      951_782_400_000L /* 2000-02-29 */,
      4_107_542_399_999L /* 2100-02-28T23:59:59.999 */,
      253_402_300_799_999L,
      253_402_300_800_000L,
      -1,
      -86_400_001,
      Long.MAX_VALUE / 1000,
      Long.MIN_VALUE / 1000
    };
    for (long millis : edges) {
      assertInstant(millis);
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      long millis = random.nextLong(-10_000_000_000_000L, 300_000_000_000_000L);
      assertInstant(i % 3 == 0 ? millis / 1000 * 1000 : millis); // whole seconds print no fraction
    }
  }

  private static void assertInstant(long millis) {
    assertEquals(
        Instant.ofEpochMilli(millis).toString(),
        new JsonLine(4).instant(millis).toString(),
        "millis " + millis);
  }

  @Test
  void plainAscii_isWhatNeedsNoEscaping() {
    assertTrue(JsonLine.isPlainAscii("/data/a b/c-1.txt~".getBytes(StandardCharsets.US_ASCII)));
    for (String odd : new String[] {"a\"b", "a\\b", "a\nb", "a\tb", "a\u007fb", "caf\u00e9"}) {
      assertFalse(JsonLine.isPlainAscii(odd.getBytes(StandardCharsets.UTF_8)), odd);
    }
  }

  @Test
  void numbers_asLongToStringWritesThem() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(14);
    java.util.List<Long> values =
        new java.util.ArrayList<>(
            java.util.List.of(
                0L,
                -1L,
                9L,
                10L,
                -10L,
                99L,
                100L,
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                Long.MIN_VALUE + 1,
                999_999_999_999_999_999L,
                1_000_000_000_000_000_000L));
    for (int i = 0; i < 20_000; i++) {
      values.add(random.nextLong() >> random.nextInt(64)); // every width, both signs
    }
    for (long value : values) {
      assertEquals(
          Long.toString(value), new JsonLine(1).number(value).toString(), "value " + value);
    }
  }

  @Test
  void pieces_makeOneLine() {
    JsonLine line =
        new JsonLine(1)
            .ascii("{\"n\":")
            .number(-12)
            .ascii(",\"p\":\"")
            .bytes(new byte[] {'x', 'y'})
            .ascii("\"}");
    assertEquals("{\"n\":-12,\"p\":\"xy\"}", new String(line.toBytes(), StandardCharsets.UTF_8));
  }
}
