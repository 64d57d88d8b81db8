package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every {@code with} method keeps what it does not change: the client settings above all. */
class KafkaCrawlSettingsTest {
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
