package dev.crawler.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creating a crawl's topics, and finding a crawl that exists: what start and join need of the admin. */
final class CrawlTopics {
  private CrawlTopics() {}

  /**
   * Creates the topics of a new crawl.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, or a crawl with this id exists
   */
  static void create(KafkaCrawlSettings settings) throws KafkaCrawlException, InterruptedException {
    try (Admin admin = admin(settings)) {
      reach(admin, settings);
      List<NewTopic> topics = List.of(
          new NewTopic(settings.branchesTopic(), settings.partitions(), (short) -1),
          new NewTopic(settings.visitsTopic(), 1, (short) -1),
          new NewTopic(settings.eventsTopic(), 1, (short) -1));
      admin.createTopics(topics).all().get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        throw new KafkaCrawlException("a crawl with id " + settings.crawlId() + " exists already at "
            + settings.bootstrap() + ": pick another id", e);
      }
      throw refused(settings, e.getCause()).orElseGet(() -> new KafkaCrawlException(
          "cannot create the crawl's topics at " + settings.bootstrap() + ": " + e.getCause().getMessage(), e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
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
  private static Admin admin(KafkaCrawlSettings settings) throws KafkaCrawlException {
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
  private static void reach(Admin admin, KafkaCrawlSettings settings) throws KafkaCrawlException, InterruptedException {
    try {
      admin.describeCluster().nodes().get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw refused(settings, e.getCause()).orElseGet(() -> unreachable(settings, e));
    } catch (TimeoutException e) {
      throw unreachable(settings, e);
    }
  }

  /** A broker's refusal of this client, said as such, if {@code cause} is one. */
  private static Optional<KafkaCrawlException> refused(KafkaCrawlSettings settings, Throwable cause) {
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

  private static KafkaCrawlException unreachable(KafkaCrawlSettings settings, Exception e) {
    return new KafkaCrawlException("cannot reach Kafka at " + settings.bootstrap() + " within "
        + settings.brokerTimeout().toSeconds() + " s (is the broker running, and on that port?)", e);
  }
}
