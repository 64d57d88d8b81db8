package dev.crawler.kafka;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Packs one transaction's visits into records of about {@code limit} bytes each, and hands each
 * full pack to {@code send}; {@link #flush()} sends the last, partial one. One record per pack
 * instead of one per visit is what makes a distributed crawl's cost per node small: Kafka's cost
 * (client, broker, reader) is mostly per record. Memory is bounded by one pack.
 *
 * <p>Thread-safe: the local engine's workers add visits concurrently. A visit is in exactly one
 * pack; packs go to {@code send} in the order they fill, under the packer's lock.
 */
final class VisitPacker {
  private final Consumer<byte[]> send;
  private final int limit;
  private final ByteArrayOutputStream buffer;
  private final DataOutputStream out;
  private long visits;

  VisitPacker(Consumer<byte[]> send, int limit) {
    this.send = send;
    this.limit = limit;
    this.buffer = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
    this.out = new DataOutputStream(buffer);
  }

  synchronized void add(Wire.VisitRecord visit) {
    try {
      Wire.appendVisit(out, visit);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    visits++;
    if (buffer.size() >= limit) {
      flush();
    }
  }

  /** Sends what is packed, if anything. */
  synchronized void flush() {
    if (buffer.size() > 0) {
      send.accept(buffer.toByteArray());
      buffer.reset();
    }
  }

  /** Visits added so far. */
  synchronized long visits() {
    return visits;
  }
}
