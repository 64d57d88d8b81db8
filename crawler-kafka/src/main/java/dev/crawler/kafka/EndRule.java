package dev.crawler.kafka;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The one rule that says a distributed crawl has ended, summed over its events as a reader reads
 * them from offset 0: the starter's watcher ({@link DistributedCrawl}), every engine process's
 * {@link EndWatch}, and {@link DistributedCrawl#hasEnded}. Each feeds it every event record in
 * order ({@link #accept}) and asks {@link #ended()}, or, to tell its own zero from one it was told,
 * {@link #balanced()} and {@link #announced()}. Not thread-safe: confined to the reader's thread,
 * which may publish {@link #balance()} for others to read.
 *
 * <h2>Why the end is exact</h2>
 *
 * The events partition holds a delta per committed transaction: {@code +n} for the seed of {@code
 * n} roots, and for every batch the branches it sent less the branches it took. The sum of a
 * committed prefix is the number of branches sent and not yet taken, as far as that prefix knows.
 * It cannot reach 0 early: a branch is taken only after the transaction that sent it committed
 * (consumers read {@code read_committed}), so the delta that takes it ({@code -1}) is appended
 * after the delta that sent it ({@code +1}); every prefix counts a branch's {@code +1} before its
 * {@code -1}, and a prefix that sums to 0 has every branch it sent taken. A transaction after that
 * prefix would have to take a branch, and every branch sent is taken in the prefix, each once
 * (offsets commit with the transaction). So 0 means done, and no transaction commits after it. It
 * cannot stay above 0 for ever either: every branch sent is eventually taken by some live process
 * and its transaction committed. Deltas of aborted transactions are never read.
 *
 * <p>Three conditions of that proof are the readers' to keep, and this class keeps the first two:
 *
 * <ul>
 *   <li>The sum starts at offset 0: events whose head is gone (retention, deleted records) would
 *       sum a part, so a first record past offset 0 is refused ({@link #accept} throws).
 *   <li>A 0 before the seed means nothing was sent yet, not that all was taken: the rule holds only
 *       once the seed's delta was read.
 *   <li>A 0 summed over topics made again under the crawl's names means nothing: a reader that acts
 *       on its own 0 (announces it, or stops reading) first checks the topics are those the crawl
 *       started on ({@link TopicGuard#verify()}).
 * </ul>
 *
 * <p>Whoever sees the sum reach 0 first announces the end ({@link #announce}) on the events, so a
 * reader that joined late, or whose sum was not yet there, stops too. More than one end is
 * harmless, and an end that could not be written loses nothing: every reader sums the same
 * committed events.
 */
final class EndRule {
  private final KafkaCrawlSettings settings;
  private boolean first = true;
  private boolean seeded;
  private long balance;
  private boolean announced;

  /**
   * @param settings names the crawl in what {@link #accept} throws
   */
  EndRule(KafkaCrawlSettings settings) {
    this.settings = settings;
  }

  /**
   * Reads one record of the crawl's events, in offset order.
   *
   * @return the record's delta if it is one (for the reader's own counts), else {@code null}
   * @throws KafkaCrawlException if the first record read is not at offset 0: the head of the events
   *     is gone, and the sum would be of a part
   */
  Wire.Delta accept(ConsumerRecord<String, byte[]> record) throws KafkaCrawlException {
    if (first && record.offset() > 0) {
      throw new KafkaCrawlException(
          "the events of crawl "
              + settings.crawlId()
              + " at "
              + settings.bootstrap()
              + " were deleted up to offset "
              + record.offset()
              + " (retention, or deleted records): its end can"
              + " no longer be told, so it cannot be followed");
    }
    first = false;
    if (Wire.END.equals(record.key())) {
      announced = true;
      return null;
    }
    if (!Wire.DELTA.equals(record.key())) {
      return null;
    }
    Wire.Delta delta = Wire.delta(record.value());
    seeded |= delta.process().equals("seed");
    balance += delta.delta();
    return delta;
  }

  /**
   * Whether the events read so far sum to 0 after the seed: the crawl has ended (class comment).
   */
  boolean balanced() {
    return seeded && balance == 0;
  }

  /** Whether an end announced by some reader was read. */
  boolean announced() {
    return announced;
  }

  /** Whether the crawl has ended, by the events read so far: its end announced, or its sum 0. */
  boolean ended() {
    return announced || balanced();
  }

  /** The branches sent and not yet taken, as far as the events read so far tell. */
  long balance() {
    return balance;
  }

  /** Writes the end on the crawl's events (not in a transaction: it takes no branch). */
  static void announce(KafkaCrawlSettings settings)
      throws InterruptedException, ExecutionException {
    try (KafkaProducer<String, byte[]> producer = Clients.plain(settings)) {
      producer.send(new ProducerRecord<>(settings.eventsTopic(), Wire.END, new byte[0])).get();
    }
  }
}
