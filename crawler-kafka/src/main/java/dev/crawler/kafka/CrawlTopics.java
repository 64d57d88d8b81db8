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

/** Creating a crawl's topics, and finding a crawl that exists: what start and join need of the admin. */
final class CrawlTopics {
  private CrawlTopics() {}

  /**
   * Creates the topics of a new crawl, or takes those an operator created for it (for clusters
   * where clients may not create topics) if they fit: the partitions the crawl writes to, records
   * deleted only by age or size (never compacted), and nothing written yet.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, a crawl with this id exists, or a
   *     topic of its name exists and does not fit
   */
  static void create(KafkaCrawlSettings settings) throws KafkaCrawlException, InterruptedException {
    Map<String, Integer> partitions = new LinkedHashMap<>();
    partitions.put(settings.branchesTopic(), settings.partitions());
    partitions.put(settings.visitsTopic(), 1);
    partitions.put(settings.eventsTopic(), 1);
    long timeout = settings.brokerTimeout().toMillis();
    try (Admin admin = admin(settings)) {
      reach(admin, settings);
      Set<String> names = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
      List<String> existing = partitions.keySet().stream().filter(names::contains).toList();
      if (!existing.isEmpty()) {
        checkFit(admin, settings, partitions, existing);
      }
      List<NewTopic> missing = partitions.entrySet().stream().filter(t -> !names.contains(t.getKey()))
          .map(t -> new NewTopic(t.getKey(), t.getValue(), (short) -1)).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(timeout, TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) { // another starter of this id, just now
        throw existsAlready(settings, e);
      }
      throw refused(settings, e.getCause()).orElseGet(() -> new KafkaCrawlException(
          "cannot create the crawl's topics at " + settings.bootstrap() + ": " + e.getCause().getMessage(), e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /** Refuses topics that exist and do not fit a new crawl: a used crawl's above all. */
  private static void checkFit(Admin admin, KafkaCrawlSettings settings, Map<String, Integer> partitions,
      List<String> existing) throws KafkaCrawlException, ExecutionException, TimeoutException, InterruptedException {
    long timeout = settings.brokerTimeout().toMillis();
    if (existing.contains(settings.eventsTopic()) && !unused(admin, settings, settings.eventsTopic(), 1)) {
      throw existsAlready(settings, null);
    }
    Map<String, TopicDescription> described = admin.describeTopics(existing).allTopicNames()
        .get(timeout, TimeUnit.MILLISECONDS);
    for (String topic : existing) {
      int have = described.get(topic).partitions().size();
      if (have != partitions.get(topic)) {
        throw new KafkaCrawlException("the topic " + topic + " exists with " + have + " partitions; the crawl needs "
            + partitions.get(topic) + ": create it so, or delete it");
      }
    }
    List<ConfigResource> resources = existing.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
        .toList();
    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(timeout, TimeUnit.MILLISECONDS);
    for (ConfigResource resource : resources) {
      ConfigEntry policy = configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG);
      if (policy != null && !TopicConfig.CLEANUP_POLICY_DELETE.equals(policy.value())) {
        throw new KafkaCrawlException("the topic " + resource.name() + " has " + TopicConfig.CLEANUP_POLICY_CONFIG
            + "=" + policy.value() + "; the crawl needs " + TopicConfig.CLEANUP_POLICY_DELETE
            + " (compaction would drop its records)");
      }
    }
    for (String topic : existing) {
      if (!unused(admin, settings, topic, partitions.get(topic))) {
        throw new KafkaCrawlException("the topic " + topic + " holds records already; a new crawl needs it empty");
      }
    }
  }

  /**
   * Refuses to seed a crawl whose events were written since {@link #create} looked. Called by the
   * starter after its transactional producer's {@code initTransactions}, which fences (and rolls
   * back) any other starter of the same id: whoever seeds second sees the first's records, or
   * its aborted transaction's marker, and stops here; whoever was fenced fails to commit. So two
   * starters of one id, with topics that existed before, never both seed.
   *
   * @throws KafkaCrawlException if anything was ever written to the crawl's events
   */
  static void checkUnseeded(KafkaCrawlSettings settings) throws KafkaCrawlException, InterruptedException {
    try (Admin admin = admin(settings)) {
      if (!unused(admin, settings, settings.eventsTopic(), 1)) {
        throw existsAlready(settings, null);
      }
    } catch (ExecutionException e) {
      throw refused(settings, e.getCause()).orElseGet(() -> unreachable(settings, e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /** Whether nothing was ever written to the first {@code partitions} partitions of {@code topic}. */
  private static boolean unused(Admin admin, KafkaCrawlSettings settings, String topic, int partitions)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    // The latest offset counts every record and transaction marker ever written, committed or not.
    return admin.listOffsets(latest).all().get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .values().stream().allMatch(offset -> offset.offset() == 0);
  }

  static KafkaCrawlException existsAlready(KafkaCrawlSettings settings, Exception cause) {
    return new KafkaCrawlException("a crawl with id " + settings.crawlId() + " exists already at "
        + settings.bootstrap() + ": pick another id", cause);
  }

  /**
   * The spec of an existing crawl, from the head of its events.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, or there is no crawl with this id
   */
  static CrawlSpec spec(KafkaCrawlSettings settings) throws KafkaCrawlException, InterruptedException {
    try (Admin admin = admin(settings)) {
      reach(admin, settings);
      Set<String> names = admin.listTopics().names().get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!names.contains(settings.eventsTopic()) || !names.contains(settings.branchesTopic())) {
        throw new KafkaCrawlException("no crawl with id " + settings.crawlId() + " at " + settings.bootstrap()
            + " (crawl fs ... --kafka starts one and prints its id)");
      }
    } catch (ExecutionException e) {
      throw refused(settings, e.getCause()).orElseGet(() -> unreachable(settings, e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
    TopicPartition events = new TopicPartition(settings.eventsTopic(), 0);
    try (KafkaConsumer<String, byte[]> reader = Clients.reader(settings)) {
      reader.assign(List.of(events));
      reader.seekToBeginning(List.of(events));
      long deadline = System.nanoTime() + settings.brokerTimeout().toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
          if (Wire.SPEC.equals(record.key())) {
            return Wire.spec(record.value());
          }
        }
      }
    }
    throw new KafkaCrawlException("the crawl " + settings.crawlId() + " has no spec yet: is it still starting?");
  }

  /**
   * The crawl's first client, which is where bad client settings show (a missing truststore, a
   * JAAS line that does not parse): such a failure is the settings' fault, said in one line.
   */
  static Admin admin(KafkaCrawlSettings settings) throws KafkaCrawlException {
    try {
      return Clients.admin(settings);
    } catch (KafkaException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new KafkaCrawlException("cannot make a Kafka client with " + settings.client().source() + ": "
          + cause.getMessage(), e);
    }
  }

  /**
   * Fails fast and clearly when no broker answers at the bootstrap address, or it refuses this
   * client (a wrong password, a certificate not trusted).
   */
  static void reach(Admin admin, KafkaCrawlSettings settings) throws KafkaCrawlException, InterruptedException {
    try {
      admin.describeCluster().nodes().get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw refused(settings, e.getCause()).orElseGet(() -> unreachable(settings, e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /** A broker's refusal of this client, said as such, if {@code cause} is one. */
  static Optional<KafkaCrawlException> refused(KafkaCrawlSettings settings, Throwable cause) {
    if (cause instanceof AuthenticationException) {
      return Optional.of(new KafkaCrawlException("Kafka at " + settings.bootstrap()
          + " refused this client" + (settings.client().isEmpty() ? "" : " (check " + settings.client().source() + ")")
          + ": " + cause.getMessage(), cause));
    }
    if (cause instanceof AuthorizationException) {
      return Optional.of(new KafkaCrawlException("Kafka at " + settings.bootstrap()
          + " does not allow this client: " + cause.getMessage(), cause));
    }
    return Optional.empty();
  }

  static KafkaCrawlException unreachable(KafkaCrawlSettings settings, Exception e) {
    return new KafkaCrawlException("cannot reach Kafka at " + settings.bootstrap() + " within "
        + settings.brokerTimeout().toSeconds() + " s (is the broker running, and on that port?)", e);
  }
}
