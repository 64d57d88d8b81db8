package dev.crawler.kafka;

import dev.crawler.core.spi.Bytes;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The records a distributed crawl writes, as bytes: branches waiting to be listed, visits, and the
 * events (spec, balance deltas with counts, branch errors, the end). Nodes are opaque here: a
 * {@code NodeCodec} made their bytes. Stateless.
 */
final class Wire {
  private Wire() {}

  /** Event keys, in the events topic. */
  static final String SPEC = "spec";

  static final String DELTA = "delta";
  static final String ERROR = "error";
  static final String END = "end";

  /**
   * How long the crawl is kept once finished ({@link CrawlLifetime}); the last one written counts.
   */
  static final String LIFETIME = "lifetime";

  /** The crawl's topics' ids and partitions ({@link TopicIds}), in the seed, after the spec. */
  static final String TOPICS = "topics";

  /** A branch to list, at its depth in the whole crawl. */
  record Branch(int depth, byte[] node) {}

  /**
   * A visit: the node, whether it is a branch, its depth, its parent's bytes (none for the root).
   */
  record VisitRecord(boolean branch, int depth, byte[] node, byte[] parent) {}

  /**
   * One transaction's effect on the balance (branches produced less branches consumed) and what its
   * process did in it.
   */
  record Delta(String process, long delta, long listings, long visits, long errors) {}

  /** A branch that failed for good, once. */
  record Failure(String process, int depth, byte[] node, String message, int attempts) {}

  static byte[] branch(Branch b) {
    return write(
        out -> {
          out.writeInt(b.depth());
          out.write(b.node());
        });
  }

  static Branch branch(byte[] bytes) {
    // By hand: a stream's readAllBytes allocates 8 KB a call, and every branch taken comes here.
    if (bytes.length < 4) {
      throw new IllegalArgumentException(
          "a record this crawl did not write: " + bytes.length + " bytes");
    }
    return new Branch(ByteBuffer.wrap(bytes).getInt(), Arrays.copyOfRange(bytes, 4, bytes.length));
  }

  /**
   * Appends {@code v} to a pack of visits: a visits record holds many, one after another, so the
   * crawl pays Kafka's per-record cost per pack rather than per node.
   */
  static void appendVisit(DataOutputStream out, VisitRecord v) throws IOException {
    out.writeBoolean(v.branch());
    out.writeInt(v.depth());
    out.writeInt(v.node().length);
    out.write(v.node());
    out.writeInt(v.parent() == null ? -1 : v.parent().length);
    if (v.parent() != null) {
      out.write(v.parent());
    }
  }

  /** A pack of the given visits. */
  static byte[] visits(List<VisitRecord> visits) {
    return write(
        out -> {
          for (VisitRecord v : visits) {
            appendVisit(out, v);
          }
        });
  }

  /** Hands each visit of a pack to {@code each}, in the order they were packed. */
  static void visits(byte[] pack, Consumer<VisitRecord> each) {
    // By hand, as branch(): a DataInputStream's readNBytes allocates 8 KB a call, twice a visit.
    ByteBuffer in = ByteBuffer.wrap(pack);
    while (in.hasRemaining()) {
      VisitRecord visit;
      try {
        boolean branch = in.get() != 0;
        int depth = in.getInt();
        byte[] node = bytes(in, in.getInt());
        int parentLength = in.getInt();
        visit =
            new VisitRecord(branch, depth, node, parentLength < 0 ? null : bytes(in, parentLength));
      } catch (BufferUnderflowException | IllegalArgumentException e) {
        throw new IllegalArgumentException("a record this crawl did not write", e);
      }
      each.accept(visit);
    }
  }

  /** The next {@code n} bytes of {@code in}. */
  private static byte[] bytes(ByteBuffer in, int n) {
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException(
          "a length of " + n + " with " + in.remaining() + " bytes left");
    }
    byte[] out = new byte[n];
    in.get(out);
    return out;
  }

  static byte[] delta(Delta d) {
    return write(
        out -> {
          out.writeUTF(d.process());
          out.writeLong(d.delta());
          out.writeLong(d.listings());
          out.writeLong(d.visits());
          out.writeLong(d.errors());
        });
  }

  static Delta delta(byte[] bytes) {
    return read(
        bytes,
        in -> new Delta(in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readLong()));
  }

  static byte[] failure(Failure f) {
    return write(
        out -> {
          out.writeUTF(f.process());
          out.writeInt(f.depth());
          out.writeInt(f.node().length);
          out.write(f.node());
          out.writeUTF(
              f.message().length() > 10_000 ? f.message().substring(0, 10_000) : f.message());
          out.writeInt(f.attempts());
        });
  }

  static Failure failure(byte[] bytes) {
    return read(
        bytes,
        in ->
            new Failure(
                in.readUTF(),
                in.readInt(),
                in.readNBytes(in.readInt()),
                in.readUTF(),
                in.readInt()));
  }

  static byte[] spec(CrawlSpec spec) {
    return write(
        out -> {
          out.writeUTF(spec.kind());
          out.writeInt(spec.arguments().size());
          for (String argument : spec.arguments()) {
            out.writeUTF(argument);
          }
        });
  }

  static CrawlSpec spec(byte[] bytes) {
    return read(
        bytes,
        in -> {
          String kind = in.readUTF();
          int n = in.readInt();
          List<String> arguments = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            arguments.add(in.readUTF());
          }
          return new CrawlSpec(kind, arguments);
        });
  }

  static byte[] lifetime(CrawlLifetime lifetime) {
    return write(out -> out.writeLong(lifetime.kept() ? -1 : lifetime.grace().toMillis()));
  }

  static CrawlLifetime lifetime(byte[] bytes) {
    return read(
        bytes,
        in -> {
          long millis = in.readLong();
          return millis < 0
              ? CrawlLifetime.KEEP
              : CrawlLifetime.cleanedAfter(Duration.ofMillis(millis));
        });
  }

  private interface Reader<R> {
    R read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Bytes.Body body) {
    return Bytes.write(64, body);
  }

  private static <R> R read(byte[] bytes, Reader<R> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return reader.read(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("a record this crawl did not write", e);
    }
  }
}
