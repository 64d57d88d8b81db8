package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The end rule on events as a reader reads them: the sum after the seed, from offset 0. */
class EndRuleTest {
  private final KafkaCrawlSettings settings = KafkaCrawlSettings.of("localhost:9092", "c1");
  private long offset;

  private ConsumerRecord<String, byte[]> delta(String process, long delta) {
    return new ConsumerRecord<>(
        settings.eventsTopic(),
        0,
        offset++,
        Wire.DELTA,
        Wire.delta(new Wire.Delta(process, delta, 0, 0, 0)));
  }

  private ConsumerRecord<String, byte[]> record(String key) {
    return new ConsumerRecord<>(settings.eventsTopic(), 0, offset++, key, new byte[0]);
  }

  @Test
  void endsWhenTheSumAfterTheSeedIsZero_notBefore() throws Exception {
    EndRule rule = new EndRule(settings);
    rule.accept(record(Wire.SPEC));
    rule.accept(delta("p", 0)); // a process's delta before the seed is read: 0 means nothing yet
    assertFalse(rule.ended(), "a 0 before the seed");
    assertEquals(2, rule.accept(delta("seed", 2)).delta());
    rule.accept(delta("p", 3));
    rule.accept(delta("q", -4));
    assertEquals(1, rule.balance());
    assertFalse(rule.ended());
    rule.accept(delta("p", -1));
    assertTrue(rule.balanced() && rule.ended() && !rule.announced());
  }

  @Test
  void anAnnouncedEnd_endsIt() throws Exception {
    EndRule rule = new EndRule(settings);
    rule.accept(record(Wire.SPEC));
    rule.accept(delta("seed", 1));
    rule.accept(record(Wire.END));
    assertTrue(rule.announced() && rule.ended() && !rule.balanced());
  }

  @Test
  void eventsWhoseHeadIsGone_areRefused() {
    offset = 7;
    EndRule rule = new EndRule(settings);
    KafkaCrawlException e =
        assertThrows(KafkaCrawlException.class, () -> rule.accept(delta("p", -1)));
    assertTrue(
        e.getMessage()
            .startsWith("the events of crawl c1 at localhost:9092 were deleted up to offset 7"),
        e.getMessage());
  }
}
