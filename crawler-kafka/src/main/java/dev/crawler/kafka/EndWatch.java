package dev.crawler.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that follows the crawl's events until its end, then runs an action once. The end is
 * announced by whoever sees the balance reach 0 first: the process that started the crawl, or any
 * engine process (so a crawl whose starter went away still ends). What the end is, and why 0 means
 * done, is {@link EndRule}'s: this only feeds it the events and acts on it. It waits in a long
 * poll, so an idle crawl costs no busy loop, and {@link #close()} wakes and joins it.
 *
 * <p>It never dies silently: a watcher that stopped following the events would leave its process
 * polling for branches forever. When it cannot follow them (a record that does not decode, a
 * consumer that fails), it says so through {@code onFailure}, once, and the process fails. When it
 * finds the crawl's topics lost or made again ({@link TopicGuard}), or the head of its events gone,
 * it fails the process too, and never announces an end over them. When it sees the end but cannot
 * announce it, the end still holds (the balance is committed, and every other watcher sums it too):
 * it warns and runs {@code onEnd}.
 */
final class EndWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EndWatch.class);
  private final KafkaCrawlSettings settings;

  /**
   * Made on the watcher's thread (a consumer takes a few hundred milliseconds to make on a cold
   * JVM, which a joining process would otherwise wait for). Set before {@link #closing} is read
   * there, and read after it is set by {@link #close()}: so either close() wakes it, or the thread
   * sees closing before it polls.
   */
  private volatile KafkaConsumer<String, byte[]> reader;

  private volatile boolean closing;
  private final Thread thread;
  private final Consumer<Exception> onFailure;
  private final AtomicBoolean failed = new AtomicBoolean();

  /** Tells this process when the crawl's topics are not those it started on. */
  private final TopicGuard guard;

  private EndWatch(KafkaCrawlSettings settings, Runnable onEnd, Consumer<Exception> onFailure) {
    this.settings = settings;
    this.onFailure = onFailure;
    this.guard =
        new TopicGuard(
            settings,
            lost -> {
              fail(lost);
              wakeReader();
            });
    this.thread = new Thread(() -> watch(onEnd), "crawler-kafka-end-" + settings.crawlId());
    this.thread.setDaemon(true);
  }

  /**
   * Starts watching.
   *
   * @param onEnd run once, on the watcher's thread, when the crawl has ended
   * @param onFailure run once, instead, when the events cannot be followed or the topics were lost
   *     (on the watcher's thread, or the topics' guard's)
   */
  static EndWatch start(
      KafkaCrawlSettings settings, Runnable onEnd, Consumer<Exception> onFailure) {
    EndWatch watch = new EndWatch(settings, onEnd, onFailure);
    watch.thread.start();
    return watch;
  }

  private void watch(Runnable onEnd) {
    KafkaConsumer<String, byte[]> made;
    try {
      made = Clients.follower(settings);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    reader = made;
    try {
      if (closing) {
        return;
      }
      TopicPartition events = new TopicPartition(settings.eventsTopic(), 0);
      made.assign(List.of(events));
      made.seekToBeginning(List.of(events));
      checkHead();
      EndRule rule =
          new EndRule(
              settings); // also refuses a head that went between the check and the first poll
      while (true) {
        for (ConsumerRecord<String, byte[]> record : made.poll(Duration.ofSeconds(30))) {
          rule.accept(record);
          if (rule.announced()) {
            onEnd.run();
            return;
          }
          if (Wire.TOPICS.equals(record.key())) {
            guard.expect(TopicIds.fromBytes(record.value()));
          }
        }
        if (rule.balanced()) {
          guard.verify(); // a 0 summed over topics made again under the crawl's names means nothing
          announce();
          onEnd.run();
          return;
        }
      }
    } catch (WakeupException closing) {
      // close() wants us gone, or the guard found the topics lost and said so
    } catch (KafkaCrawlException e) {
      fail(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(e);
    } catch (RuntimeException e) {
      log.debug("the events of crawl {} cannot be followed", settings.crawlId(), e);
      fail(lossOr(e));
    } finally {
      guard.close();
      made.close();
    }
  }

  private void wakeReader() {
    KafkaConsumer<String, byte[]> r = reader;
    if (r != null) {
      r.wakeup();
    }
  }

  /**
   * Refuses events whose head is gone ({@link CrawlTopics#checkEventsHead}); a broker that does not
   * answer is asked again, as long as a process waits for a broker that went away.
   */
  private void checkHead() throws KafkaCrawlException {
    for (int attempt = 1; ; attempt++) {
      try {
        CrawlTopics.checkEventsHead(reader, settings);
        return;
      } catch (TimeoutException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** Tells the process, once, that the events cannot be followed. */
  private void fail(Exception e) {
    if (failed.compareAndSet(false, true)) {
      onFailure.accept(e);
    }
  }

  /**
   * The guard's finding if the crawl's topics were lost (a reader whose position is past the end of
   * a topic made again fails without saying why), else {@code e}.
   */
  private Exception lossOr(RuntimeException e) {
    try {
      KafkaCrawlException lost = guard.findLoss();
      if (lost != null) {
        lost.addSuppressed(e);
        return lost;
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    return e;
  }

  /** Tells every process that the crawl ended; a failure only costs them their own sum. */
  private void announce() {
    try {
      EndRule.announce(settings);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      log.warn(
          "crawl {} ended, but the end could not be announced: {}",
          settings.crawlId(),
          e.toString());
    }
  }

  @Override
  public void close() {
    closing = true;
    wakeReader();
    joinUninterruptibly(thread);
  }

  /** Joins {@code thread}, restoring this thread's interrupt if one came meanwhile. */
  static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
