package dev.crawler.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Takes the first branches of a poll and hands the rest back to the consumer, so that a transaction
 * holds only the branches it can list in its slice.
 *
 * <p>Within each partition the records taken are a prefix (a poll returns a partition's records in
 * offset order, and they are taken in that order), so what is left of a partition starts at one
 * offset: the consumer is moved back there ({@code seek}). Left records are in no transaction, and
 * their offsets are not committed: this consumer's next poll returns them, and if the partition
 * moves to another process first, that process starts from the committed offset, before them.
 * Either way each is taken once. Not thread-safe: called on the consumer's thread.
 */
final class PollTake {
  private PollTake() {}

  /**
   * The first {@code most} records of {@code records} (all of them if there are no more); moves
   * {@code consumer} back to the first record left of each partition.
   */
  static <K, V> List<ConsumerRecord<K, V>> first(
      ConsumerRecords<K, V> records, int most, Consumer<K, V> consumer) {
    List<ConsumerRecord<K, V>> taken = new ArrayList<>(Math.min(most, records.count()));
    Map<TopicPartition, Long> leftFrom = new HashMap<>();
    for (ConsumerRecord<K, V> record : records) {
      if (taken.size() < most) {
        taken.add(record);
      } else {
        leftFrom.putIfAbsent(
            new TopicPartition(record.topic(), record.partition()), record.offset());
      }
    }
    leftFrom.forEach(consumer::seek);
    return taken;
  }
}
