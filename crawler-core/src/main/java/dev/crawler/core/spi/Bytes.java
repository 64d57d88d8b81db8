package dev.crawler.core.spi;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a record as bytes through a {@link DataOutputStream}, for a {@link NodeCodec} and for
 * whatever else a crawl sends across processes: the stream and its checked exception, which writing
 * to memory never throws, handled once. Stateless and thread-safe.
 */
public final class Bytes {
  private Bytes() {}

  /** What writes one record. */
  @FunctionalInterface
  public interface Body {
    /**
     * Writes the record.
     *
     * @param out the stream, over memory
     * @throws IOException never from the stream itself; passed on if the body throws it
     */
    void write(DataOutputStream out) throws IOException;
  }

  /**
   * The bytes {@code body} writes.
   *
   * @param sizeHint the bytes expected, to size the buffer; it grows as needed
   * @param body writes the record
   * @return a new array holding exactly what was written
   * @throws UncheckedIOException if {@code body} throws an {@link IOException}
   */
  public static byte[] write(int sizeHint, Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw: the body did
    }
    return bytes.toByteArray();
  }
}
