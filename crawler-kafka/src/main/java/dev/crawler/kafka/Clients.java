package dev.crawler.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients a crawl uses, configured in one place: every wait bounded by the settings'
 * broker timeout, every consumer {@code read_committed}, every producer idempotent. Keys are
 * strings (event kinds, or nothing), values bytes. The settings' {@link ClientProperties}
 * (security, mostly) are added to every client's configuration; they never set a key of {@link
 * #CRAWL_KEYS}.
 */
final class Clients {
  /**
   * Every key some client of a crawl sets itself, which {@link ClientProperties} refuses: exactly
   * once rests on isolation, idempotence, transactions, acks and the group's offsets committed only
   * in transactions; every wait's bound on the timeouts; the rest are settings.
   */
  static final Set<String> CRAWL_KEYS =
      Set.of(
          CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
          CommonClientConfigs.CLIENT_ID_CONFIG,
          CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
          CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
          CommonClientConfigs.GROUP_ID_CONFIG,
          CommonClientConfigs.GROUP_INSTANCE_ID_CONFIG,
          CommonClientConfigs.SESSION_TIMEOUT_MS_CONFIG,
          ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
          CommonClientConfigs.HEARTBEAT_INTERVAL_MS_CONFIG,
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
          ProducerConfig.MAX_BLOCK_MS_CONFIG,
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
          ProducerConfig.LINGER_MS_CONFIG,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG,
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
          ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

  /**
   * Keys the crawl sets only when the client settings do not: defaults, which a file may change.
   */
  static final Set<String> DEFAULT_KEYS = Set.of(ProducerConfig.COMPRESSION_TYPE_CONFIG);

  private Clients() {}

  static Admin admin(KafkaCrawlSettings settings) {
    return Admin.create(adminConfig(settings));
  }

  /**
   * Checks that Kafka's clients accept {@code properties} beside the crawl's own settings (types,
   * values, and the producer's idempotence constraints), without connecting anywhere.
   *
   * @throws org.apache.kafka.common.config.ConfigException if a client would refuse them
   */
  static void check(ClientProperties properties) {
    if (properties.isEmpty()) {
      return;
    }
    KafkaCrawlSettings settings =
        KafkaCrawlSettings.of("localhost:9092", "check").withClient(properties);
    Map<String, Object> producer = producerConfig(settings);
    producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "check");
    producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    new ProducerConfig(producer);
    Map<String, Object> consumer = consumerConfig(settings);
    consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    new ConsumerConfig(consumer);
    new AdminClientConfig(adminConfig(settings));
  }

  static Map<String, Object> adminConfig(KafkaCrawlSettings settings) {
    int timeout = millis(settings);
    Map<String, Object> config = new HashMap<>(settings.client().values());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 10_000));
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "crawler-admin-" + settings.crawlId());
    return config;
  }

  /**
   * A transactional producer: everything one transaction sends becomes visible together, or not at
   * all.
   */
  static KafkaProducer<String, byte[]> transactional(
      KafkaCrawlSettings settings, String transactionalId) {
    return new KafkaProducer<>(
        transactionalConfig(settings, transactionalId),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  static Map<String, Object> transactionalConfig(
      KafkaCrawlSettings settings, String transactionalId) {
    Map<String, Object> config = producerConfig(settings);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis());
    return config;
  }

  /** A plain idempotent producer, for the end of the crawl. */
  static KafkaProducer<String, byte[]> plain(KafkaCrawlSettings settings) {
    return new KafkaProducer<>(
        producerConfig(settings), new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * A consumer outside any group that follows partitions from where it sought: a position past a
   * partition's end (the topic was made again under its name) fails its poll rather than starting
   * over silently from the new topic's first record.
   */
  static KafkaConsumer<String, byte[]> follower(KafkaCrawlSettings settings) {
    Map<String, Object> config = consumerConfig(settings);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** A consumer outside any group, for reading a topic from the start. */
  static KafkaConsumer<String, byte[]> reader(KafkaCrawlSettings settings) {
    return new KafkaConsumer<>(
        consumerConfig(settings), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** A member of the crawl's consumer group, committing its offsets only inside transactions. */
  static KafkaConsumer<String, byte[]> member(KafkaCrawlSettings settings, String process) {
    return new KafkaConsumer<>(
        memberConfig(settings, process), new StringDeserializer(), new ByteArrayDeserializer());
  }

  static Map<String, Object> memberConfig(KafkaCrawlSettings settings, String process) {
    Map<String, Object> config = consumerConfig(settings);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "crawler-" + process);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batch());
    config.put(
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
    // A member polls at least once a transaction: within the transaction timeout, then its commit
    // or
    // abort and rewind, each waiting for the broker at most the broker timeout. But the broker
    // times
    // a transaction from its first record, and one listing call may outlast the timeout (a slow
    // source, before the pace is known): the client's default 5 minutes stays the floor.
    config.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int)
            Math.min(
                Integer.MAX_VALUE,
                Math.max(
                    300_000,
                    settings.transactionTimeout().toMillis()
                        + 2 * settings.brokerTimeout().toMillis())));
    // A member learns of a rebalance from a heartbeat's answer, and every member waits for the
    // last one to rejoin: with the usual quarter of the session (2.5 s), a process joining a
    // running crawl stalled the others for seconds. Half a second costs two small requests a
    // second.
    config.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.min(500, settings.sessionTimeout().toMillis() / 3));
    return config;
  }

  static Map<String, Object> producerConfig(KafkaCrawlSettings settings) {
    int timeout = millis(settings);
    Map<String, Object> config = new HashMap<>(settings.client().values());
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 10_000));
    config.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        Math.max(timeout, Math.min(timeout, 10_000) + 1));
    config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    // Paths and DNs compress well, and every branch and visit crosses the network and the disk
    // (times the replicas): lz4 costs little CPU. A client file may choose another.
    config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return config;
  }

  static Map<String, Object> consumerConfig(KafkaCrawlSettings settings) {
    int timeout = millis(settings);
    Map<String, Object> config = new HashMap<>(settings.client().values());
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A crawl's topics are made by its start, never by a consumer asking for a lost one.
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 10_000));
    return config;
  }

  private static int millis(KafkaCrawlSettings settings) {
    return (int) Math.min(Integer.MAX_VALUE, settings.brokerTimeout().toMillis());
  }
}
