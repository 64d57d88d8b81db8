package dev.crawler.kafka;

import static com.google.common.base.Preconditions.checkArgument;

import dev.crawler.core.Crawler;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a distributed crawl lives and how its processes use Kafka. Immutable.
 *
 * @param bootstrap Kafka's bootstrap servers, {@code host:port[,host:port...]}
 * @param crawlId names the crawl's topics and consumer group: letters, digits, '.', '_', '-'
 * @param partitions partitions of the branches topic: the most engine processes that share the work
 * @param batch the most branches one process takes per transaction (its memory bound, with their
 *     children)
 * @param workers workers per engine process
 * @param transactionTimeout how long a dead process's open transaction holds up the partitions it
 *     wrote to before the broker aborts it; also the longest a live transaction may last, so a
 *     process lists for at most half of it, less two listing calls (more than twice the slice; at
 *     most the broker's {@code transaction.max.timeout.ms}, 15 minutes by default). A listing call
 *     that takes a quarter of it or more leaves each transaction one listing per worker: raise it
 *     then
 * @param sessionTimeout how long before a silent process's branches move to the living (within the
 *     broker's {@code group.min.session.timeout.ms} and {@code group.max.session.timeout.ms}, 6 s
 *     to 30 min by default). Heartbeats go from a thread of their own, so slow listings do not
 *     count against it; a process that does not poll for 5 minutes, or the transaction timeout and
 *     twice the broker timeout if longer ({@code max.poll.interval.ms}), leaves the group
 * @param brokerTimeout the longest wait for the broker before a call fails with a clear error
 * @param slice how long one transaction lists before it sends the rest of its branches back to
 *     Kafka: about the longest an idle process waits for a share of a busy one's work. A process
 *     takes from Kafka only the branches its workers can start listing within its slice, at the
 *     pace its listings went so far, and sends back any it took but did not start in time. When
 *     listings are slow, the slice stretches to eight listing calls, within the transaction
 *     timeout's bound
 * @param localPending the most branches an engine process holds found and unlisted before it sends
 *     the rest back to Kafka: its memory bound
 * @param client this process's own client settings (security), given to every client it makes;
 *     never written to Kafka, so each process of a crawl gives its own
 * @param topics how the starter makes the crawl's topics (replicas, retention) and which made by an
 *     operator it takes; a joiner takes the topics as they are
 */
public record KafkaCrawlSettings(
    String bootstrap,
    String crawlId,
    int partitions,
    int batch,
    int workers,
    Duration transactionTimeout,
    Duration sessionTimeout,
    Duration brokerTimeout,
    Duration slice,
    int localPending,
    ClientProperties client,
    TopicSettings topics) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Pattern BOOTSTRAP =
      Pattern.compile("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*");

  /**
   * Validates.
   *
   * @param bootstrap Kafka's bootstrap servers, {@code host:port[,host:port...]}
   * @param crawlId the crawl's id: up to 100 letters, digits, '.', '_' or '-'
   * @param partitions partitions of the branches topic, from 1 to 10,000
   * @param batch the most branches a process takes in one poll
   * @param workers each process's local workers, from 1 to 10,000
   * @param transactionTimeout how long a transaction may stay open before the broker aborts it
   * @param sessionTimeout how long a silent process keeps its partitions
   * @param brokerTimeout how long a request waits for the broker
   * @param slice how long a transaction lists before it sets branches aside: under half the
   *     transaction timeout
   * @param localPending the most branches a process holds found and unlisted
   * @param client this process's own client settings (security)
   * @param topics how the crawl's topics are made
   * @throws IllegalArgumentException naming the setting, if one is out of range
   */
  public KafkaCrawlSettings {
    Objects.requireNonNull(bootstrap, "bootstrap");
    checkArgument(
        BOOTSTRAP.matcher(bootstrap).matches(),
        "bad Kafka address '%s': write it like host:9092",
        bootstrap);
    Objects.requireNonNull(crawlId, "crawlId");
    checkArgument(
        ID.matcher(crawlId).matches(),
        "bad crawl id '%s': use up to 100 letters, digits, '.', '_' or '-'",
        crawlId);
    checkArgument(
        partitions >= 1 && partitions <= 10_000,
        "partitions (%s) must be from 1 to 10000",
        partitions);
    checkArgument(batch >= 1, "batch (%s) must be positive", batch);
    checkArgument(
        workers >= 1 && workers <= Crawler.MAX_WORKERS,
        "workers (%s) must be from 1 to %s",
        workers,
        Crawler.MAX_WORKERS);
    Objects.requireNonNull(transactionTimeout, "transactionTimeout");
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    checkArgument(
        !sessionTimeout.isNegative() && sessionTimeout.toMillis() <= Integer.MAX_VALUE,
        "session timeout (%s) must be from 0 to %s ms",
        sessionTimeout,
        Integer.MAX_VALUE);
    checkArgument(
        transactionTimeout.toMillis() <= Integer.MAX_VALUE,
        "transaction timeout (%s) must be at most %s ms",
        transactionTimeout,
        Integer.MAX_VALUE);
    Objects.requireNonNull(brokerTimeout, "brokerTimeout");
    Objects.requireNonNull(slice, "slice");
    checkArgument(
        !slice.isNegative() && slice.multipliedBy(2).compareTo(transactionTimeout) < 0,
        "slice (%s) must be under half the transaction timeout (%s)",
        slice,
        transactionTimeout);
    checkArgument(localPending >= 0, "localPending (%s) must not be negative", localPending);
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(topics, "topics");
  }

  /**
   * With the default topics' settings: see {@link TopicSettings#DEFAULT}.
   *
   * @param bootstrap Kafka's bootstrap servers, {@code host:port[,host:port...]}
   * @param crawlId the crawl's id: up to 100 letters, digits, '.', '_' or '-'
   * @param partitions partitions of the branches topic, from 1 to 10,000
   * @param batch the most branches a process takes in one poll
   * @param workers each process's local workers, from 1 to 10,000
   * @param transactionTimeout how long a transaction may stay open before the broker aborts it
   * @param sessionTimeout how long a silent process keeps its partitions
   * @param brokerTimeout how long a request waits for the broker
   * @param slice how long a transaction lists before it sets branches aside: under half the
   *     transaction timeout
   * @param localPending the most branches a process holds found and unlisted
   * @param client this process's own client settings (security)
   */
  public KafkaCrawlSettings(
      String bootstrap,
      String crawlId,
      int partitions,
      int batch,
      int workers,
      Duration transactionTimeout,
      Duration sessionTimeout,
      Duration brokerTimeout,
      Duration slice,
      int localPending,
      ClientProperties client) {
    this(
        bootstrap,
        crawlId,
        partitions,
        batch,
        workers,
        transactionTimeout,
        sessionTimeout,
        brokerTimeout,
        slice,
        localPending,
        client,
        TopicSettings.DEFAULT);
  }

  /**
   * Without client settings of this process's own: PLAINTEXT, as a broker is by default.
   *
   * @param bootstrap Kafka's bootstrap servers, {@code host:port[,host:port...]}
   * @param crawlId the crawl's id: up to 100 letters, digits, '.', '_' or '-'
   * @param partitions partitions of the branches topic, from 1 to 10,000
   * @param batch the most branches a process takes in one poll
   * @param workers each process's local workers, from 1 to 10,000
   * @param transactionTimeout how long a transaction may stay open before the broker aborts it
   * @param sessionTimeout how long a silent process keeps its partitions
   * @param brokerTimeout how long a request waits for the broker
   * @param slice how long a transaction lists before it sets branches aside: under half the
   *     transaction timeout
   * @param localPending the most branches a process holds found and unlisted
   */
  public KafkaCrawlSettings(
      String bootstrap,
      String crawlId,
      int partitions,
      int batch,
      int workers,
      Duration transactionTimeout,
      Duration sessionTimeout,
      Duration brokerTimeout,
      Duration slice,
      int localPending) {
    this(
        bootstrap,
        crawlId,
        partitions,
        batch,
        workers,
        transactionTimeout,
        sessionTimeout,
        brokerTimeout,
        slice,
        localPending,
        ClientProperties.NONE);
  }

  /**
   * Defaults for everything but where and which crawl: 24 partitions, 256 branches a batch, 8
   * workers, a dead process's work moving on within about 10 s, 15 s for the broker to answer,
   * slices of a second and at most 10,000 branches held unlisted per process.
   *
   * @param bootstrap Kafka's bootstrap servers, {@code host:port[,host:port...]}
   * @param crawlId the crawl's id
   * @return the settings
   * @throws IllegalArgumentException if the address or the id is malformed
   */
  public static KafkaCrawlSettings of(String bootstrap, String crawlId) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        24,
        256,
        8,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(15),
        Duration.ofSeconds(1),
        10_000);
  }

  /**
   * These settings with another number of local workers.
   *
   * @param n from 1 to 10,000
   * @return the new settings
   */
  public KafkaCrawlSettings withWorkers(int n) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        partitions,
        batch,
        n,
        transactionTimeout,
        sessionTimeout,
        brokerTimeout,
        slice,
        localPending,
        client,
        topics);
  }

  /**
   * These settings with another number of branches partitions (for a crawl this process makes).
   *
   * @param n from 1 to 10,000
   * @return the new settings
   */
  public KafkaCrawlSettings withPartitions(int n) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        n,
        batch,
        workers,
        transactionTimeout,
        sessionTimeout,
        brokerTimeout,
        slice,
        localPending,
        client,
        topics);
  }

  /**
   * These settings with another most branches taken in one poll.
   *
   * @param n at least 1
   * @return the new settings
   */
  public KafkaCrawlSettings withBatch(int n) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        partitions,
        n,
        workers,
        transactionTimeout,
        sessionTimeout,
        brokerTimeout,
        slice,
        localPending,
        client,
        topics);
  }

  /**
   * With this process's own client settings instead of none.
   *
   * @param properties the client settings (security), from a file
   * @return the new settings
   */
  public KafkaCrawlSettings withClient(ClientProperties properties) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        partitions,
        batch,
        workers,
        properties.transactionTimeout().orElse(transactionTimeout),
        sessionTimeout,
        brokerTimeout,
        slice,
        localPending,
        properties,
        topics);
  }

  /**
   * These settings with another transaction timeout: it must stay over twice the slice.
   *
   * @param timeout the new timeout
   * @return the new settings
   */
  public KafkaCrawlSettings withTransactionTimeout(Duration timeout) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        partitions,
        batch,
        workers,
        timeout,
        sessionTimeout,
        brokerTimeout,
        slice,
        localPending,
        client,
        topics);
  }

  /**
   * These settings with another session timeout.
   *
   * @param timeout the new timeout
   * @return the new settings
   */
  public KafkaCrawlSettings withSessionTimeout(Duration timeout) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        partitions,
        batch,
        workers,
        transactionTimeout,
        timeout,
        brokerTimeout,
        slice,
        localPending,
        client,
        topics);
  }

  /**
   * These settings with another slice: it must stay under half the transaction timeout.
   *
   * @param newSlice the new slice
   * @return the new settings
   */
  public KafkaCrawlSettings withSlice(Duration newSlice) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        partitions,
        batch,
        workers,
        transactionTimeout,
        sessionTimeout,
        brokerTimeout,
        newSlice,
        localPending,
        client,
        topics);
  }

  /**
   * These settings with other topics' settings: replicas, retention.
   *
   * @param newTopics the new topics' settings
   * @return the new settings
   */
  public KafkaCrawlSettings withTopics(TopicSettings newTopics) {
    return new KafkaCrawlSettings(
        bootstrap,
        crawlId,
        partitions,
        batch,
        workers,
        transactionTimeout,
        sessionTimeout,
        brokerTimeout,
        slice,
        localPending,
        client,
        newTopics);
  }

  /** Branches waiting to be listed, partitioned: the crawl's queue. */
  String branchesTopic() {
    return "crawler." + crawlId + ".branches";
  }

  /** Every visit, once. */
  String visitsTopic() {
    return "crawler." + crawlId + ".visits";
  }

  /**
   * One partition: the crawl's spec, each transaction's balance delta and counts, branch errors,
   * the end.
   */
  String eventsTopic() {
    return "crawler." + crawlId + ".events";
  }

  String group() {
    return "crawler." + crawlId;
  }
}
