package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A transaction's records are held until released or over the limit, then sent in order. */
class HeldSendsTest {
  private final List<String> sent = new ArrayList<>();

  private HeldSends held(long limit) {
    return new HeldSends(
        record -> sent.add(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)),
        limit);
  }

  private static ProducerRecord<String, byte[]> record(String value) {
    return new ProducerRecord<>("t", value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void recordsAreHeld_untilReleased_thenSentInOrder_andTheRestAtOnce() {
    HeldSends sends = held(1_000);
    sends.send(record("a"));
    sends.send(record("b"));
    assertEquals(List.of(), sent, "nothing reaches the broker: its clock has not started");
    assertTrue(sends.holding());
    assertEquals(2, sends.heldBytes());
    sends.release();
    assertEquals(List.of("a", "b"), sent);
    assertFalse(sends.holding());
    sends.send(record("c"));
    assertEquals(List.of("a", "b", "c"), sent);
  }

  @Test
  void pastTheLimit_everythingHeldIsSent_andHoldingIsOver() {
    HeldSends sends = held(5);
    sends.send(record("abc"));
    assertTrue(sends.holding());
    sends.send(record("def"));
    assertEquals(List.of("abc", "def"), sent);
    assertFalse(sends.holding(), "the clock has started: a slice must not be held open any more");
    assertEquals(0, sends.heldBytes());
  }
}
