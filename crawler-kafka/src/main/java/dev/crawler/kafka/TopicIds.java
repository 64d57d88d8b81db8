package dev.crawler.kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * Which topics a crawl runs on: each topic's id, which Kafka gives a topic when it is created and
 * never again to another of the same name, and its partition count. Written by the starter in the
 * seed's transaction, right after the spec ({@link Wire#TOPICS}), so that every process can tell
 * its crawl's topics from ones deleted and made again under the same names (by hand, or by a broker
 * that lost its log and auto-created them on the next request): those hold none of the crawl's
 * records, and a crawl that went on over them would wait for ever, or end wrongly. Immutable.
 *
 * @param topics per topic name, in the order written: its id and partition count
 */
record TopicIds(Map<String, Topic> topics) {
  /** One topic: its id and partitions. */
  record Topic(Uuid id, int partitions) {}

  TopicIds {
    topics = Collections.unmodifiableMap(new LinkedHashMap<>(topics));
  }

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(topics.size());
      for (Map.Entry<String, Topic> t : topics.entrySet()) {
        out.writeUTF(t.getKey());
        out.writeLong(t.getValue().id().getMostSignificantBits());
        out.writeLong(t.getValue().id().getLeastSignificantBits());
        out.writeInt(t.getValue().partitions());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static TopicIds fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int n = in.readInt();
      Map<String, Topic> topics = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        topics.put(in.readUTF(), new Topic(new Uuid(in.readLong(), in.readLong()), in.readInt()));
      }
      return new TopicIds(topics);
    } catch (IOException e) {
      throw new IllegalArgumentException("a record this crawl did not write", e);
    }
  }
}
