package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every {@code with} method keeps what it does not change: the client settings above all. */
class KafkaCrawlSettingsTest {
  /**
   * A key the crawl sets on any client is refused in a --kafka-config file, never silently
   * overridden: the refused list must hold every key the clients' configurations set (the member's
   * max.poll.interval.ms came in later and was missing).
   */
  @Test
  void crawlKeys_holdEveryKeyAnyClientSets() {
    KafkaCrawlSettings settings = KafkaCrawlSettings.of("127.0.0.1:9092", "c1");
    java.util.Set<String> set = new java.util.TreeSet<>();
    set.addAll(Clients.adminConfig(settings).keySet());
    set.addAll(Clients.transactionalConfig(settings, "t").keySet());
    set.addAll(Clients.memberConfig(settings, "p").keySet());
    set.removeAll(Clients.CRAWL_KEYS);
    assertEquals(java.util.Set.of(), set, "set by the crawl, yet a --kafka-config file may give them");
  }

  @Test
  void withMethods_keepEveryOtherSetting_theClientPropertiesIncluded() {
    ClientProperties secured = ClientProperties.of(Map.of("security.protocol", "SASL_SSL"), "test");
    KafkaCrawlSettings base = KafkaCrawlSettings.of("127.0.0.1:9092", "c1").withClient(secured);
    KafkaCrawlSettings changed = base.withWorkers(3).withPartitions(5).withBatch(7)
        .withTransactionTimeout(Duration.ofSeconds(30)).withSessionTimeout(Duration.ofSeconds(12))
        .withSlice(Duration.ofSeconds(2));
    assertSame(secured, changed.client());
    assertEquals(3, changed.workers());
    assertEquals(5, changed.partitions());
    assertEquals(7, changed.batch());
    assertEquals(Duration.ofSeconds(30), changed.transactionTimeout());
    assertEquals(Duration.ofSeconds(12), changed.sessionTimeout());
    assertEquals(Duration.ofSeconds(2), changed.slice());
    assertEquals(base.brokerTimeout(), changed.brokerTimeout());
    assertEquals(base.localPending(), changed.localPending());
  }
}
