package dev.crawler.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one transaction sends, held in memory until {@link #release()} or until it holds more than
 * its limit, then sent in order and from there on sent at once. The broker times a transaction from
 * its first record, not from its begin: while nothing is sent, a transaction waiting for one slow
 * listing call (a minute, against a timeout of seconds) cannot time out, so its other workers may
 * go on listing into it ({@link LocalDescent}'s held slices). Memory is bounded by the limit and
 * one record.
 *
 * <p>Thread-safe: the local engine's workers send visits and errors concurrently; records reach
 * {@code send} in the order they came, under this object's lock.
 */
final class HeldSends {
  private final Consumer<ProducerRecord<String, byte[]>> send;
  private final long limitBytes;

  /** Guarded by this: held, in order; empty once released. */
  private final List<ProducerRecord<String, byte[]>> held = new ArrayList<>();

  /** Guarded by this: the bytes of the held records' values and keys. */
  private long heldBytes;

  /** Guarded by this: set once, by {@link #release()}; every record is then sent at once. */
  private boolean released;

  /**
   * @param send where records go (the transaction's producer)
   * @param limitBytes the most bytes held: past it, everything held is sent and the rest at once
   */
  HeldSends(Consumer<ProducerRecord<String, byte[]>> send, long limitBytes) {
    this.send = send;
    this.limitBytes = limitBytes;
  }

  /** Holds {@code record}, or sends it if this was released; releases all if now over the limit. */
  synchronized void send(ProducerRecord<String, byte[]> record) {
    if (released) {
      send.accept(record);
      return;
    }
    held.add(record);
    heldBytes +=
        (record.value() == null ? 0 : record.value().length)
            + (record.key() == null ? 0 : record.key().length());
    if (heldBytes > limitBytes) {
      release();
    }
  }

  /** Sends everything held, in order; from now on every record is sent at once. */
  synchronized void release() {
    released = true;
    for (ProducerRecord<String, byte[]> record : held) {
      send.accept(record);
    }
    held.clear();
    heldBytes = 0;
  }

  /** Whether nothing was sent yet: the broker's clock for this transaction has not started. */
  synchronized boolean holding() {
    return !released;
  }

  /** The bytes held now. */
  synchronized long heldBytes() {
    return heldBytes;
  }
}
