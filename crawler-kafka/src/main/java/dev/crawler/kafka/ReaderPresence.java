package dev.crawler.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says to the broker that this process reads a crawl (follows its visits or events from outside its
 * engine group: the starter's watcher, an attach), so that no cleanup deletes the crawl under it:
 * while it is open, this process is a member of the crawl's readers group ({@link
 * Crawls#readersGroup}), which {@link Crawls} looks at before it deletes anything. A member that
 * dies stays one for the consumer's session timeout (45 s by default), which only delays a cleanup.
 *
 * <p>A thread of its own keeps the membership: it polls the events topic, every partition paused,
 * so it reads nothing. Thread-safe; {@link #close()} leaves the group and joins the thread.
 */
public final class ReaderPresence implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReaderPresence.class);
  private static final Duration POLL = Duration.ofSeconds(1);

  private final KafkaConsumer<String, byte[]> member;
  private final Thread thread;
  private final Duration brokerTimeout;
  private volatile boolean closing;

  /**
   * Counted down once the broker gave this member its share: from then on, it shows in the group.
   */
  private final CountDownLatch joined = new CountDownLatch(1);

  private ReaderPresence(KafkaCrawlSettings settings) {
    Map<String, Object> config = Clients.consumerConfig(settings);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, Crawls.readersGroup(settings.crawlId()));
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "crawler-reader-" + settings.crawlId());
    this.brokerTimeout = settings.brokerTimeout();
    this.member =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    member.subscribe(
        List.of(settings.eventsTopic()),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            member.pause(partitions); // a presence, not a reader: it never takes a record
            joined.countDown();
          }
        });
    this.thread = new Thread(this::keep, "crawler-kafka-reader-" + settings.crawlId());
    this.thread.setDaemon(true);
  }

  /**
   * Joins the crawl's readers group from a thread of its own, and returns at once: the membership
   * shows within a poll or two (and a group's first rebalance delay, 3 s on a broker by default).
   *
   * @param settings names the crawl and how to reach it
   * @return the presence: close it when this process stops reading
   */
  public static ReaderPresence start(KafkaCrawlSettings settings) {
    ReaderPresence presence = new ReaderPresence(settings);
    presence.thread.start();
    return presence;
  }

  private void keep() {
    try {
      while (!closing) {
        member.poll(POLL);
      }
    } catch (WakeupException closed) {
      // close() wants us gone
    } catch (KafkaException e) {
      // The crawl's readers are only the cleanup's business: losing the presence costs no output.
      log.warn(
          "cannot keep this process among the readers of a crawl (a cleanup may not see it): {}",
          e.toString());
    } finally {
      // Leaves the group at once; with the broker gone, after the broker timeout rather than the
      // client's 30 s.
      member.close(CloseOptions.timeout(brokerTimeout));
    }
  }

  /**
   * Waits until this process shows among the crawl's readers: a process that must not lose the
   * crawl to a cleanup calls it before it reads.
   *
   * @param timeout how long to wait at most
   * @return whether it joined within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitMember(Duration timeout) throws InterruptedException {
    return joined.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Leaves the readers group; returns once this process is no member. */
  @Override
  public void close() {
    closing = true;
    member.wakeup();
    EndWatch.joinUninterruptibly(thread);
  }
}
