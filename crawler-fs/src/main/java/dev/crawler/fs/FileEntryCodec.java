package dev.crawler.fs;

import dev.crawler.core.spi.NodeCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Entries of one {@link FileTreeSource} as bytes: the path's exact bytes (any name survives, as in
 * {@code crawl fs}'s output), type, size, modification time, and which of the source's roots it
 * lies under. Decoding in another process needs a source built with the same roots and options.
 * Links are not followed across processes: loop detection needs every ancestor's file key, which an
 * entry does not carry (see {@link FileTreeSource#codec()}). Immutable and thread-safe.
 */
final class FileEntryCodec implements NodeCodec<FileEntry> {
  private final List<FileEntry> roots;

  FileEntryCodec(List<FileEntry> roots) {
    this.roots = roots;
  }

  @Override
  public byte[] encode(FileEntry entry) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      int root = -1;
      if (entry.origin() != null) {
        for (int i = 0; i < roots.size(); i++) {
          if (roots.get(i).origin() == entry.origin()) {
            root = i;
            break;
          }
        }
      }
      out.writeByte(entry.type().ordinal());
      out.writeShort(root);
      out.writeLong(entry.size());
      out.writeLong(entry.lastModifiedMillis());
      out.write(entry.sharedPathBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public FileEntry decode(byte[] bytes) {
    // By hand, not with a DataInputStream: its readAllBytes allocated 8 KB a call, and that was
    // 70% of the CPU of a process printing a crawl's visits (every visit and branch comes here).
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      FileType type = FileType.values()[Byte.toUnsignedInt(in.get())];
      int root = in.getShort();
      long size = in.getLong();
      long mtime = in.getLong();
      byte[] path = Arrays.copyOfRange(bytes, in.position(), bytes.length);
      if (root >= roots.size()) {
        throw new IllegalArgumentException(
            "an entry under root " + root + ", and this source has " + roots.size());
      }
      TreeRoot origin = root < 0 ? null : roots.get(root).origin();
      RawEntry raw = new RawEntry();
      raw.reset(PathBytes.toPath(path));
      raw.type = type;
      raw.size = size;
      raw.lastModifiedMillis = mtime;
      return FileEntry.decoded(raw, origin);
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not an encoded file entry", e);
    }
  }
}
