package dev.crawler.core.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The byte writer the codecs share: exactly what was written, past the size hint too; a body's
 * failure passed on.
 */
class BytesTest {
  @Test
  void exactlyWhatWasWritten_evenPastTheHint() {
    assertArrayEquals(
        new byte[] {0, 0, 1, 2, 'a', 7},
        Bytes.write(
            1,
            out -> {
              out.writeShort(0);
              out.writeShort(0x0102);
              out.writeByte('a');
              out.write(7);
            }));
    assertArrayEquals(new byte[0], Bytes.write(0, out -> {}));
  }

  @Test
  void aBodysIoException_isPassedOnUnchecked() {
    IOException cause = new IOException("from the body");
    UncheckedIOException thrown =
        assertThrows(
            UncheckedIOException.class,
            () ->
                Bytes.write(
                    8,
                    out -> {
                      throw cause;
                    }));
    assertSame(cause, thrown.getCause());
  }
}
