package dev.crawler.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A thread that follows the crawl's events until its end, then runs an action once. The end is
 * announced by whoever sees the balance reach 0 first: the process that started the crawl, or any
 * engine process (so a crawl whose starter went away still ends; see DistributedCrawl for why 0
 * means done). It waits in a long poll, so an idle crawl costs no busy loop, and {@link #close()}
 * wakes and joins it.
 */
final class EndWatch implements AutoCloseable {
  private final KafkaCrawlSettings settings;
  private final KafkaConsumer<String, byte[]> reader;
  private final Thread thread;

  private EndWatch(KafkaCrawlSettings settings, Runnable onEnd) {
    this.settings = settings;
    this.reader = Clients.reader(settings);
    TopicPartition events = new TopicPartition(settings.eventsTopic(), 0);
    reader.assign(List.of(events));
    reader.seekToBeginning(List.of(events));
    this.thread = new Thread(() -> watch(onEnd), "crawler-kafka-end-" + settings.crawlId());
    this.thread.setDaemon(true);
  }

  static EndWatch start(KafkaCrawlSettings settings, Runnable onEnd) {
    EndWatch watch = new EndWatch(settings, onEnd);
    watch.thread.start();
    return watch;
  }

  private void watch(Runnable onEnd) {
    try {
      boolean seeded = false;
      long balance = 0;
      while (true) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofSeconds(30))) {
          if (Wire.END.equals(record.key())) {
            onEnd.run();
            return;
          }
          if (Wire.DELTA.equals(record.key())) {
            Wire.Delta delta = Wire.delta(record.value());
            seeded |= delta.process().equals("seed");
            balance += delta.delta();
          }
        }
        if (seeded && balance == 0) {
          DistributedCrawl.announceEnd(settings);
          onEnd.run();
          return;
        }
      }
    } catch (WakeupException closing) {
      // close() wants us gone
    } catch (RuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
      // The broker went away for good: the engine loop finds out and fails on its own.
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      reader.close();
    }
  }

  @Override
  public void close() {
    reader.wakeup();
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
