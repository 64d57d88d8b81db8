package dev.crawler.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches that a crawl's topics are still those it started on ({@link TopicIds}): every {@link
 * #EVERY} it asks the admin for their ids and partitions, and tells {@code onLoss}, once, when a
 * topic is gone (twice in a row, since a broker may not know a new topic yet), was made again under
 * its name (its id changed: a broker that lost its log auto-creates topics on the next request), or
 * has other partitions than it was made with (only more branches partitions are harmless: every
 * partition of the branches is read; the events and visits are read from partition 0 alone). A
 * broker that does not answer decides nothing: the processes' own timeouts handle an unreachable
 * Kafka. {@link #verify()} asks once, at once, for the end: a crawl is never reported ended over
 * topics it did not start on.
 *
 * <p>Thread-safe: {@link #expect} and {@link #verify} from any thread; the checks run on a timer
 * thread of its own, started by the first {@link #expect}.
 */
final class TopicGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicGuard.class);

  /** How often the topics are checked while a crawl runs. */
  static final Duration EVERY = Duration.ofSeconds(5);

  private final KafkaCrawlSettings settings;
  private final Consumer<KafkaCrawlException> onLoss;
  private final Duration every;
  private volatile TopicIds expected;

  /** Guarded by this. */
  private Admin admin;

  /** Guarded by this. */
  private ScheduledExecutorService timer;

  /** Guarded by this. */
  private boolean closed;

  /** Timer thread only: checks in a row that found a topic missing. */
  private int missingInARow;

  TopicGuard(KafkaCrawlSettings settings, Consumer<KafkaCrawlException> onLoss) {
    this(settings, onLoss, EVERY);
  }

  TopicGuard(KafkaCrawlSettings settings, Consumer<KafkaCrawlException> onLoss, Duration every) {
    this.settings = settings;
    this.onLoss = onLoss;
    this.every = every;
  }

  /** Starts watching for {@code ids}: the crawl's topics as its seed recorded them. */
  synchronized void expect(TopicIds ids) {
    expected = ids;
    if (timer == null && !closed) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "crawler-kafka-topics-" + settings.crawlId());
                t.setDaemon(true);
                return t;
              });
      timer.scheduleWithFixedDelay(
          this::tick, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Whether {@link #expect} was called: the crawl's seed recorded its topics. */
  boolean armed() {
    return expected != null;
  }

  private void tick() {
    KafkaCrawlException lost;
    try {
      lost = check(false);
    } catch (KafkaCrawlException
        | RuntimeException e) { // closed meanwhile, or a client that cannot be made
      log.debug("checking the topics of crawl {} failed", settings.crawlId(), e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (lost != null) {
      synchronized (this) {
        timer.shutdown();
      }
      onLoss.accept(lost);
    }
  }

  /**
   * Checks the topics now, for a crawl's end: a topic gone counts at once.
   *
   * @throws KafkaCrawlException if a topic was lost, or the broker does not answer
   */
  void verify() throws KafkaCrawlException, InterruptedException {
    if (expected == null) {
      return; // a crawl seeded before its topics were recorded
    }
    KafkaCrawlException lost = check(true);
    if (lost != null) {
      throw lost;
    }
  }

  /**
   * Checks the topics now, to explain a failure: a topic gone counts at once.
   *
   * @return the loss, or {@code null} if the topics are the crawl's, or the broker cannot tell
   */
  KafkaCrawlException findLoss() throws InterruptedException {
    if (expected == null) {
      return null;
    }
    try {
      return check(true);
    } catch (KafkaCrawlException undecided) {
      return null;
    }
  }

  /**
   * Checks once, with {@code admin}, that the topics are still {@code ids}: for a process about to
   * join, which must not join topics made again since the seed.
   *
   * @throws KafkaCrawlException if a topic was lost, or the broker does not answer
   */
  static void verify(Admin admin, KafkaCrawlSettings settings, TopicIds ids)
      throws KafkaCrawlException, InterruptedException {
    TopicGuard once = new TopicGuard(settings, lost -> {});
    once.expected = ids;
    KafkaCrawlException lost = once.check(admin, true);
    if (lost != null) {
      throw lost;
    }
  }

  /**
   * @return the loss, or {@code null} if the topics are the crawl's (or, unless {@code atEnd},
   *     undecided)
   */
  private KafkaCrawlException check(boolean atEnd)
      throws KafkaCrawlException, InterruptedException {
    return check(admin(), atEnd);
  }

  private KafkaCrawlException check(Admin admin, boolean atEnd)
      throws KafkaCrawlException, InterruptedException {
    TopicIds ids = expected;
    long timeout = settings.brokerTimeout().toMillis();
    Map<String, KafkaFuture<TopicDescription>> described =
        admin.describeTopics(ids.topics().keySet()).topicNameValues();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, TopicIds.Topic> want : ids.topics().entrySet()) {
      String topic = want.getKey();
      TopicDescription have;
      try {
        have = described.get(topic).get(timeout, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          missing.add(topic);
          continue;
        }
        if (atEnd) {
          throw new KafkaCrawlException(
              "cannot check the topics of crawl "
                  + settings.crawlId()
                  + " at "
                  + settings.bootstrap()
                  + " at its end: "
                  + e.getCause().getMessage(),
              e);
        }
        return null;
      } catch (TimeoutException e) {
        if (atEnd) {
          throw new KafkaCrawlException(
              "cannot reach Kafka at "
                  + settings.bootstrap()
                  + " to check the topics of"
                  + " crawl "
                  + settings.crawlId()
                  + " at its end",
              e);
        }
        return null;
      }
      if (!have.topicId().equals(want.getValue().id())) {
        return lost(
            topic
                + " was deleted and made again (its id is "
                + have.topicId()
                + ", not "
                + want.getValue().id()
                + ")");
      }
      int partitions = have.partitions().size();
      boolean grownBranches =
          topic.equals(settings.branchesTopic()) && partitions > want.getValue().partitions();
      if (partitions != want.getValue().partitions() && !grownBranches) {
        return lost(
            topic
                + " has "
                + partitions
                + " partitions, not the "
                + want.getValue().partitions()
                + " it was made with");
      }
    }
    if (missing.isEmpty()) {
      missingInARow = 0;
      return null;
    }
    if (!atEnd && ++missingInARow < 2) {
      return null; // a broker that does not know a topic yet: ask again
    }
    return lost(
        String.join(" and ", missing)
            + (missing.size() == 1 ? " is" : " are")
            + " gone (deleted, or a"
            + " broker lost its log)");
  }

  private KafkaCrawlException lost(String what) {
    return new KafkaCrawlException(
        "the crawl "
            + settings.crawlId()
            + " lost its records at "
            + settings.bootstrap()
            + ": the topic "
            + what
            + "; it cannot end: start it again");
  }

  private synchronized Admin admin() throws KafkaCrawlException {
    if (closed) {
      throw new KafkaCrawlException(
          "the topics' watch of crawl " + settings.crawlId() + " is closed");
    }
    if (admin == null) {
      admin = CrawlTopics.admin(settings);
    }
    return admin;
  }

  @Override
  public void close() {
    ScheduledExecutorService t;
    Admin a;
    synchronized (this) {
      closed = true;
      t = timer;
      a = admin;
    }
    if (t != null) {
      t.shutdownNow();
    }
    if (a != null) {
      a.close(Duration.ZERO);
    }
  }
}
