package dev.crawler.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating a crawl's topics, and finding a crawl that exists: what start and join need of the
 * admin.
 */
final class CrawlTopics {
  private static final Logger log = LoggerFactory.getLogger(CrawlTopics.class);

  private CrawlTopics() {}

  /**
   * Creates the topics of a new crawl, or takes those an operator created for it (for clusters
   * where clients may not create topics) if they fit: the partitions the crawl writes to, records
   * deleted only by age or size (never compacted), and nothing written yet.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, a crawl with this id exists, or a topic
   *     of its name exists and does not fit
   */
  static void create(KafkaCrawlSettings settings) throws KafkaCrawlException, InterruptedException {
    Map<String, Integer> partitions = new LinkedHashMap<>();
    partitions.put(settings.branchesTopic(), settings.partitions());
    partitions.put(settings.visitsTopic(), 1);
    partitions.put(settings.eventsTopic(), 1);
    long timeout = settings.brokerTimeout().toMillis();
    try (Admin admin = admin(settings)) {
      int brokers = reach(admin, settings);
      int replicas = settings.topics().replicasOn(brokers);
      if (replicas > brokers) {
        throw new KafkaCrawlException(
            "the crawl's topics need "
                + replicas
                + " replicas, and Kafka at "
                + settings.bootstrap()
                + " has "
                + brokers
                + (brokers == 1 ? " broker" : " brokers")
                + ": ask for "
                + brokers
                + " or fewer");
      }
      Set<String> names = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
      List<String> existing = partitions.keySet().stream().filter(names::contains).toList();
      if (!existing.isEmpty()) {
        checkFit(admin, settings, partitions, existing);
      }
      List<NewTopic> missing =
          partitions.entrySet().stream()
              .filter(t -> !names.contains(t.getKey()))
              .map(
                  t ->
                      new NewTopic(t.getKey(), t.getValue(), (short) replicas)
                          .configs(configs(settings, t.getKey(), replicas)))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(timeout, TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) { // another starter of this id, just now
        throw existsAlready(settings, e);
      }
      throw refused(settings, e.getCause())
          .orElseGet(
              () ->
                  new KafkaCrawlException(
                      "cannot create the crawl's topics at "
                          + settings.bootstrap()
                          + ": "
                          + e.getCause().getMessage(),
                      e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /**
   * What a topic of the crawl is made with: records deleted by age alone, never compacted; the
   * events kept whole (the end is their sum from the first), the branches and visits as long as the
   * settings say; a majority of the replicas in sync for a write to count.
   */
  static Map<String, String> configs(KafkaCrawlSettings settings, String topic, int replicas) {
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retentionMillis(settings, topic)));
    configs.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
    configs.put(
        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(TopicSettings.minInSync(replicas)));
    return configs;
  }

  /** The retention a topic of the crawl needs: -1 (for ever) for the events. */
  private static long retentionMillis(KafkaCrawlSettings settings, String topic) {
    return topic.equals(settings.eventsTopic()) ? -1 : settings.topics().retentionMillis();
  }

  /** Refuses topics that exist and do not fit a new crawl: a used crawl's above all. */
  private static void checkFit(
      Admin admin,
      KafkaCrawlSettings settings,
      Map<String, Integer> partitions,
      List<String> existing)
      throws KafkaCrawlException, ExecutionException, TimeoutException, InterruptedException {
    long timeout = settings.brokerTimeout().toMillis();
    if (existing.contains(settings.eventsTopic())
        && !unused(admin, settings, settings.eventsTopic(), 1)) {
      throw existsAlready(settings, null);
    }
    Map<String, TopicDescription> described =
        admin.describeTopics(existing).allTopicNames().get(timeout, TimeUnit.MILLISECONDS);
    for (String topic : existing) {
      int have = described.get(topic).partitions().size();
      if (have != partitions.get(topic)) {
        throw new KafkaCrawlException(
            "the topic "
                + topic
                + " exists with "
                + have
                + " partitions; the crawl needs "
                + partitions.get(topic)
                + ": create it so, or delete it");
      }
    }
    List<ConfigResource> resources =
        existing.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(resources).all().get(timeout, TimeUnit.MILLISECONDS);
    for (ConfigResource resource : resources) {
      ConfigEntry policy = configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG);
      if (policy != null && !TopicConfig.CLEANUP_POLICY_DELETE.equals(policy.value())) {
        throw new KafkaCrawlException(
            "the topic "
                + resource.name()
                + " has "
                + TopicConfig.CLEANUP_POLICY_CONFIG
                + "="
                + policy.value()
                + "; the crawl needs "
                + TopicConfig.CLEANUP_POLICY_DELETE
                + " (compaction would drop its records)");
      }
      ConfigEntry bytes = configs.get(resource).get(TopicConfig.RETENTION_BYTES_CONFIG);
      if (bytes != null && bytes.value() != null && Long.parseLong(bytes.value()) >= 0) {
        throw new KafkaCrawlException(
            "the topic "
                + resource.name()
                + " has "
                + TopicConfig.RETENTION_BYTES_CONFIG
                + "="
                + bytes.value()
                + "; the crawl needs -1 (records deleted by size would be lost to it): set it so");
      }
      long want = retentionMillis(settings, resource.name());
      ConfigEntry ms = configs.get(resource).get(TopicConfig.RETENTION_MS_CONFIG);
      long have = ms == null || ms.value() == null ? -1 : Long.parseLong(ms.value());
      if (have >= 0 && (want < 0 || have < want)) {
        boolean events = resource.name().equals(settings.eventsTopic());
        throw new KafkaCrawlException(
            "the topic "
                + resource.name()
                + " has "
                + TopicConfig.RETENTION_MS_CONFIG
                + "="
                + have
                + "; the crawl needs "
                + (events
                    ? "-1 (its end is the sum of every event since the first)"
                    : want < 0
                        ? "-1 (it keeps them as long as the topic lives, unless asked for less)"
                        : want + " or more, or -1")
                + ": set it so");
      }
    }
    for (String topic : existing) {
      if (!unused(admin, settings, topic, partitions.get(topic))) {
        throw new KafkaCrawlException(
            "the topic " + topic + " holds records already; a new crawl needs it empty");
      }
    }
  }

  /**
   * Refuses to seed a crawl whose events were written since {@link #create} looked. Called by the
   * starter after its transactional producer's {@code initTransactions}, which fences (and rolls
   * back) any other starter of the same id: whoever seeds second sees the first's records, or its
   * aborted transaction's marker, and stops here; whoever was fenced fails to commit. So two
   * starters of one id, with topics that existed before, never both seed.
   *
   * @return the topics the crawl is seeded on, to be recorded with its spec
   * @throws KafkaCrawlException if anything was ever written to the crawl's events
   */
  static TopicIds checkUnseeded(KafkaCrawlSettings settings)
      throws KafkaCrawlException, InterruptedException {
    try (Admin admin = admin(settings)) {
      if (!unused(admin, settings, settings.eventsTopic(), 1)) {
        throw existsAlready(settings, null);
      }
      return ids(admin, settings);
    } catch (ExecutionException e) {
      throw refused(settings, e.getCause()).orElseGet(() -> unreachable(settings, e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /** The crawl's topics as they are now: ids and partitions. */
  private static TopicIds ids(Admin admin, KafkaCrawlSettings settings)
      throws ExecutionException, TimeoutException, InterruptedException {
    List<String> names =
        List.of(settings.branchesTopic(), settings.visitsTopic(), settings.eventsTopic());
    Map<String, TopicDescription> described =
        admin
            .describeTopics(names)
            .allTopicNames()
            .get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS);
    Map<String, TopicIds.Topic> topics = new LinkedHashMap<>();
    for (String name : names) {
      TopicDescription d = described.get(name);
      topics.put(name, new TopicIds.Topic(d.topicId(), d.partitions().size()));
    }
    return new TopicIds(topics);
  }

  /**
   * Whether nothing was ever written to the first {@code partitions} partitions of {@code topic}.
   */
  private static boolean unused(
      Admin admin, KafkaCrawlSettings settings, String topic, int partitions)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    // The latest offset counts every record and transaction marker ever written, committed or not.
    return admin
        .listOffsets(latest)
        .all()
        .get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .values()
        .stream()
        .allMatch(offset -> offset.offset() == 0);
  }

  static KafkaCrawlException existsAlready(KafkaCrawlSettings settings, Exception cause) {
    return new KafkaCrawlException(
        "a crawl with id "
            + settings.crawlId()
            + " exists already at "
            + settings.bootstrap()
            + ": pick another id",
        cause);
  }

  /**
   * The spec of an existing crawl, from the head of its events.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, or there is no crawl with this id
   */
  static CrawlSpec spec(KafkaCrawlSettings settings)
      throws KafkaCrawlException, InterruptedException {
    long started = System.nanoTime();
    try (Admin admin = admin(settings)) {
      // No describeCluster first, as create() does: listing the topics fails in the same ways, as
      // clearly (unreachable, refused), and a joiner's start-up waits for every round trip.
      Set<String> names =
          admin
              .listTopics()
              .names()
              .get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!names.contains(settings.eventsTopic()) || !names.contains(settings.branchesTopic())) {
        throw new KafkaCrawlException(
            "no crawl with id "
                + settings.crawlId()
                + " at "
                + settings.bootstrap()
                + " (crawl fs ... --kafka starts one and prints its id)");
      }
      CrawlSpec spec = readSpec(settings, admin);
      log.debug(
          "read the spec of crawl {} in {} ms",
          settings.crawlId(),
          (System.nanoTime() - started) / 1_000_000);
      return spec;
    } catch (ExecutionException e) {
      throw refused(settings, e.getCause()).orElseGet(() -> unreachable(settings, e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /**
   * The spec at the head of the events, once its topics' ids (right after it) are checked against
   * {@code admin}'s.
   */
  private static CrawlSpec readSpec(KafkaCrawlSettings settings, Admin admin)
      throws KafkaCrawlException, InterruptedException {
    TopicPartition events = new TopicPartition(settings.eventsTopic(), 0);
    CrawlSpec spec = null;
    try (KafkaConsumer<String, byte[]> reader = Clients.reader(settings)) {
      reader.assign(List.of(events));
      checkEventsHead(reader, settings);
      reader.seekToBeginning(List.of(events));
      long deadline = System.nanoTime() + settings.brokerTimeout().toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
          if (Wire.SPEC.equals(record.key())) {
            spec = Wire.spec(record.value());
          } else if (Wire.TOPICS.equals(record.key())) {
            // The seed's transaction wrote the topics right after the spec: are they still those?
            TopicGuard.verify(admin, settings, TopicIds.fromBytes(record.value()));
            return spec;
          } else if (spec != null) {
            return spec; // a crawl seeded before its topics were recorded
          }
        }
      }
    }
    if (spec != null) {
      return spec;
    }
    throw new KafkaCrawlException(
        "the crawl " + settings.crawlId() + " has no spec yet: is it still starting?");
  }

  /**
   * Refuses events whose head is gone: the end is the sum of every delta from offset 0, and the
   * spec and the topics' ids are at the head, so a crawl whose events lost their head (retention,
   * or records deleted) can no longer be followed.
   *
   * @param reader assigned the events' partition
   * @throws KafkaCrawlException if the events no longer begin at offset 0
   */
  static void checkEventsHead(KafkaConsumer<String, byte[]> reader, KafkaCrawlSettings settings)
      throws KafkaCrawlException {
    TopicPartition events = new TopicPartition(settings.eventsTopic(), 0);
    long start = reader.beginningOffsets(List.of(events)).get(events);
    if (start > 0) {
      throw new KafkaCrawlException(
          "the events of crawl "
              + settings.crawlId()
              + " at "
              + settings.bootstrap()
              + " were deleted up to offset "
              + start
              + " (retention, or deleted records): its end can no longer be"
              + " told, so it cannot be followed");
    }
  }

  /**
   * The crawl's first client, which is where bad client settings show (a missing truststore, a JAAS
   * line that does not parse): such a failure is the settings' fault, said in one line.
   */
  static Admin admin(KafkaCrawlSettings settings) throws KafkaCrawlException {
    try {
      return Clients.admin(settings);
    } catch (KafkaException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new KafkaCrawlException(
          "cannot make a Kafka client with "
              + settings.client().source()
              + ": "
              + cause.getMessage(),
          e);
    }
  }

  /**
   * Fails fast and clearly when no broker answers at the bootstrap address, or it refuses this
   * client (a wrong password, a certificate not trusted).
   *
   * @return how many brokers the cluster has
   */
  static int reach(Admin admin, KafkaCrawlSettings settings)
      throws KafkaCrawlException, InterruptedException {
    try {
      return admin
          .describeCluster()
          .nodes()
          .get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .size();
    } catch (ExecutionException e) {
      throw refused(settings, e.getCause()).orElseGet(() -> unreachable(settings, e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /** A broker's refusal of this client, said as such, if {@code cause} is one. */
  static Optional<KafkaCrawlException> refused(KafkaCrawlSettings settings, Throwable cause) {
    if (cause instanceof AuthenticationException) {
      return Optional.of(
          new KafkaCrawlException(
              "Kafka at "
                  + settings.bootstrap()
                  + " refused this client"
                  + (settings.client().isEmpty()
                      ? ""
                      : " (check " + settings.client().source() + ")")
                  + ": "
                  + cause.getMessage(),
              cause));
    }
    if (cause instanceof AuthorizationException) {
      return Optional.of(
          new KafkaCrawlException(
              "Kafka at "
                  + settings.bootstrap()
                  + " does not allow this client: "
                  + cause.getMessage(),
              cause));
    }
    return Optional.empty();
  }

  static KafkaCrawlException unreachable(KafkaCrawlSettings settings, Exception e) {
    return new KafkaCrawlException(
        "cannot reach Kafka at "
            + settings.bootstrap()
            + " within "
            + settings.brokerTimeout().toSeconds()
            + " s (is the broker running, and on that port?)",
        e);
  }
}
