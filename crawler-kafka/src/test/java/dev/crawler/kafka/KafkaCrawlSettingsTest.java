package dev.crawler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
    Set<String> set = new TreeSet<>();
    set.addAll(Clients.adminConfig(settings).keySet());
    set.addAll(Clients.transactionalConfig(settings, "t").keySet());
    set.addAll(Clients.memberConfig(settings, "p").keySet());
    set.removeAll(Clients.CRAWL_KEYS);
    set.removeAll(Clients.DEFAULT_KEYS);
    assertEquals(Set.of(), set, "set by the crawl, yet a --kafka-config file may give them");
  }

  /** Producers compress (lz4) unless the client file chooses another codec, or none. */
  @Test
  void producersCompress_unlessTheFileSaysOtherwise() {
    KafkaCrawlSettings settings = KafkaCrawlSettings.of("127.0.0.1:9092", "c1");
    assertEquals("lz4", Clients.transactionalConfig(settings, "t").get("compression.type"));
    assertEquals("lz4", Clients.producerConfig(settings).get("compression.type"));
    KafkaCrawlSettings zstd =
        settings.withClient(ClientProperties.of(Map.of("compression.type", "zstd"), "test"));
    assertEquals("zstd", Clients.transactionalConfig(zstd, "t").get("compression.type"));
  }

  /**
   * The transaction timeout is the one key the crawl sets that a file may give: it becomes the
   * crawl's own (listings slower than the default allows), never a client setting beside it.
   */
  @Test
  void aFileGivesTheTransactionTimeout_theCrawlTakesIt() {
    ClientProperties file =
        ClientProperties.of(
            Map.of("transaction.timeout.ms", "120000", "security.protocol", "SASL_SSL"),
            "client.properties");
    assertEquals(Optional.of(Duration.ofMinutes(2)), file.transactionTimeout());
    assertEquals(Map.of("security.protocol", "SASL_SSL"), file.values());
    KafkaCrawlSettings settings = KafkaCrawlSettings.of("127.0.0.1:9092", "c1").withClient(file);
    assertEquals(Duration.ofMinutes(2), settings.transactionTimeout());
    assertEquals(120_000, Clients.transactionalConfig(settings, "t").get("transaction.timeout.ms"));
    assertEquals(
        KafkaCrawlSettings.of("127.0.0.1:9092", "c1").transactionTimeout(),
        KafkaCrawlSettings.of("127.0.0.1:9092", "c1")
            .withClient(ClientProperties.NONE)
            .transactionTimeout());
    for (String bad : List.of("0", "-5", "2999", "ten", "99999999999")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ClientProperties.of(Map.of("transaction.timeout.ms", bad), "client.properties"));
      assertTrue(e.getMessage().contains("milliseconds"), e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> ClientProperties.of(Map.of("session.timeout.ms", "60000"), "client.properties"));
  }

  @Test
  void withMethods_keepEveryOtherSetting_theClientPropertiesIncluded() {
    ClientProperties secured = ClientProperties.of(Map.of("security.protocol", "SASL_SSL"), "test");
    KafkaCrawlSettings base = KafkaCrawlSettings.of("127.0.0.1:9092", "c1").withClient(secured);
    KafkaCrawlSettings changed =
        base.withWorkers(3)
            .withPartitions(5)
            .withBatch(7)
            .withTransactionTimeout(Duration.ofSeconds(30))
            .withSessionTimeout(Duration.ofSeconds(12))
            .withSlice(Duration.ofSeconds(2))
            .withTopics(new TopicSettings(2, Duration.ofHours(5)))
            .withClient(secured);
    assertSame(secured, changed.client());
    assertEquals(
        new TopicSettings(2, Duration.ofHours(5)),
        changed
            .withWorkers(4)
            .withPartitions(6)
            .withBatch(8)
            .withTransactionTimeout(Duration.ofSeconds(31))
            .withSessionTimeout(Duration.ofSeconds(13))
            .withSlice(Duration.ofSeconds(3))
            .withClient(secured)
            .topics());
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
