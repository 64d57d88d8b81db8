package dev.crawler.example.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.crawler.core.spi.NodeCodec;
import java.nio.ByteBuffer;

/**
 * {@link RemoteEntry} as bytes: a byte for the kind (0 a file, 1 a directory), the size as 8 bytes,
 * then the path in UTF-8. The path alone lists a directory, so the visit's bytes are the same.
 * Stateless and thread-safe.
 */
final class RemoteEntryCodec implements NodeCodec<RemoteEntry> {
  static final RemoteEntryCodec INSTANCE = new RemoteEntryCodec();

  private RemoteEntryCodec() {}

  @Override
  public byte[] encode(RemoteEntry entry) {
    byte[] path = entry.path().getBytes(UTF_8);
    return ByteBuffer.allocate(9 + path.length)
        .put((byte) (entry.directory() ? 1 : 0))
        .putLong(entry.size())
        .put(path)
        .array();
  }

  @Override
  public RemoteEntry decode(byte[] bytes) {
    if (bytes.length < 10 || bytes[0] > 1 || bytes[0] < 0) {
      throw new IllegalArgumentException("not an encoded entry: " + bytes.length + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    boolean directory = in.get() == 1;
    long size = in.getLong();
    String path = UTF_8.decode(in).toString();
    return new RemoteEntry(path, directory, size); // refuses a path that does not fit the kind
  }
}
