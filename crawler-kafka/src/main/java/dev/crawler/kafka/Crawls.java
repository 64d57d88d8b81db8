package dev.crawler.kafka;

import dev.crawler.core.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crawls at a broker, and the end of their lives: listing them with their state and size,
 * deleting one, and the cleanup of finished crawls whose grace period has passed. Stateless; each
 * call makes its own clients.
 *
 * <h2>When a crawl may be deleted</h2>
 *
 * A crawl is <em>in use</em> while its engine group ({@code crawler.ID}) or its readers group
 * ({@link #readersGroup}) has a member: a process that lists it, or one that follows its visits or
 * events from outside ({@link ReaderPresence}: the starter, an attach). The cleanup ({@link
 * #sweep}) deletes only a crawl that is finished, not kept, past its grace period since its end,
 * and not in use; {@link #delete} deletes one that is not in use, or any when forced. The check and
 * the deletion are two steps: a reader that joins between them finds the topics gone and fails
 * (that is the one race left, and it costs no wrong output). A reader joins its group before it
 * reads, so one that was reading when the check ran is always seen.
 *
 * <p>Deleting removes the branches and visits topics, then the events topic (so a deletion cut
 * short leaves the end in sight of the next cleanup), then both groups. Transactional ids cannot be
 * deleted through Kafka's admin API: the broker forgets each one after {@code
 * transactional.id.expiration.ms} (7 days by default) without use, and their number per crawl is
 * bounded by its process slots, not by how often processes restarted. Once deleted, the crawl's id
 * can be used again.
 */
public final class Crawls {
  private static final Logger log = LoggerFactory.getLogger(Crawls.class);
  private static final String PREFIX = "crawler.";
  private static final List<String> SUFFIXES = List.of(".branches", ".visits", ".events");

  private Crawls() {}

  /**
   * The group a process that follows crawl {@code crawlId} from outside joins: see {@link
   * ReaderPresence}.
   *
   * @param crawlId the crawl
   * @return the group's id
   */
  public static String readersGroup(String crawlId) {
    return PREFIX + crawlId + ".readers";
  }

  /**
   * Every crawl at {@code access}'s broker (its crawl id is not used), by id.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, or a crawl's events cannot be read to
   *     their committed end within the broker timeout
   * @param access how to reach the broker
   * @return the crawls, by id
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static List<CrawlInfo> list(KafkaCrawlSettings access)
      throws KafkaCrawlException, InterruptedException {
    return read(access, id -> true);
  }

  /**
   * The crawl {@code settings} name.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, or no crawl has that id
   * @param settings names the crawl and how to reach it
   * @return what it is now
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static CrawlInfo describe(KafkaCrawlSettings settings)
      throws KafkaCrawlException, InterruptedException {
    List<CrawlInfo> found = read(settings, settings.crawlId()::equals);
    if (found.isEmpty()) {
      throw new KafkaCrawlException(
          "no crawl with id " + settings.crawlId() + " at " + settings.bootstrap());
    }
    return found.get(0);
  }

  /**
   * What {@link #delete} did. Immutable.
   *
   * @param crawl the crawl as it was before it was deleted
   * @param groupsLeft its groups that still had members, and stay until they leave
   */
  public record Deleted(CrawlInfo crawl, List<String> groupsLeft) {
    /**
     * Copies the groups.
     *
     * @param crawl the crawl as it was before it was deleted
     * @param groupsLeft its groups that still had members
     */
    public Deleted {
      groupsLeft = List.copyOf(groupsLeft);
    }
  }

  /**
   * Deletes the crawl {@code settings} name: its topics and its groups. Unless {@code force}, only
   * a crawl no process lists or reads (see the class comment); forced, the groups of a crawl in use
   * stay until their members leave (they are said in {@link Deleted#groupsLeft()}), and those
   * processes lose the crawl.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, no crawl has that id, or (unforced) it
   *     is in use
   * @param settings names the crawl and how to reach it
   * @param force whether to delete a crawl in use too
   * @return what was deleted, and the groups left
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static Deleted delete(KafkaCrawlSettings settings, boolean force)
      throws KafkaCrawlException, InterruptedException {
    CrawlInfo crawl = describe(settings);
    if (crawl.inUse() && !force) {
      throw new KafkaCrawlException(whyInUse(crawl));
    }
    List<String> groupsLeft = remove(settings, List.of(settings.crawlId()));
    log.info("deleted the crawl {} at {}", settings.crawlId(), settings.bootstrap());
    return new Deleted(crawl, groupsLeft);
  }

  /**
   * Deletes the topics and groups of the crawls {@code ids} at {@code access}'s broker, all at
   * once: the branches and visits topics, then the events (a deletion cut short leaves the end for
   * the next cleanup), then, once the broker no longer lists them, the groups.
   *
   * @return the groups left because they still have members
   */
  private static List<String> remove(KafkaCrawlSettings access, List<String> ids)
      throws KafkaCrawlException, InterruptedException {
    long timeout = access.brokerTimeout().toMillis();
    List<String> groupsLeft = new ArrayList<>();
    List<String> data = new ArrayList<>();
    List<String> events = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (String id : ids) {
      data.add(PREFIX + id + ".branches");
      data.add(PREFIX + id + ".visits");
      events.add(PREFIX + id + ".events");
      groups.add(PREFIX + id);
      groups.add(readersGroup(id));
    }
    try (Admin admin = CrawlTopics.admin(access)) {
      deleteTopics(admin, data, timeout);
      deleteTopics(admin, events, timeout);
      awaitGone(admin, access, Set.copyOf(data), Set.copyOf(events), timeout);
      for (Map.Entry<String, KafkaFuture<Void>> group :
          admin.deleteConsumerGroups(groups).deletedGroups().entrySet()) {
        try {
          group.getValue().get(timeout, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof GroupNotEmptyException) {
            groupsLeft.add(group.getKey());
          } else if (!(e.getCause() instanceof GroupIdNotFoundException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException e) {
      throw CrawlTopics.refused(access, e.getCause())
          .orElseGet(
              () ->
                  new KafkaCrawlException(
                      "cannot delete the crawl"
                          + (ids.size() == 1 ? " " : "s ")
                          + String.join(", ", ids)
                          + " at "
                          + access.bootstrap()
                          + ": "
                          + e.getCause().getMessage(),
                      e));
    } catch (TimeoutException e) {
      throw CrawlTopics.unreachable(access, e);
    }
    return groupsLeft;
  }

  /**
   * Waits until the broker no longer lists the deleted topics, so that the ids can be used again at
   * once: the controller has deleted them when {@code deleteTopics} answers, the brokers learn it a
   * moment later.
   */
  private static void awaitGone(
      Admin admin, KafkaCrawlSettings access, Set<String> data, Set<String> events, long timeout)
      throws KafkaCrawlException, ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
    while (admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS).stream()
        .anyMatch(t -> data.contains(t) || events.contains(t))) {
      if (System.nanoTime() > deadline) {
        throw new KafkaCrawlException(
            "the broker at "
                + access.bootstrap()
                + " still lists deleted topics "
                + timeout / 1000
                + " s after it deleted them");
      }
      Thread.sleep(50); // the brokers' metadata follows the controller within milliseconds
    }
  }

  private static void deleteTopics(Admin admin, List<String> topics, long timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    for (Map.Entry<String, KafkaFuture<Void>> topic :
        admin.deleteTopics(topics).topicNameValues().entrySet()) {
      try {
        topic.getValue().get(timeout, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause()
            instanceof UnknownTopicOrPartitionException)) { // gone already: what we wanted
          throw e;
        }
      }
    }
  }

  /**
   * The cleanup: deletes every finished crawl at {@code access}'s broker that is not kept, whose
   * grace period had passed at {@code now}, and that no process lists or reads when they are listed
   * (see the class comment for the race this leaves).
   *
   * @return the ids of the crawls it deleted
   * @throws KafkaCrawlException if Kafka cannot be reached or the crawls cannot be read
   * @param access how to reach the broker
   * @param now the time to judge grace periods by
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static List<String> sweep(KafkaCrawlSettings access, Instant now)
      throws KafkaCrawlException, InterruptedException {
    List<String> due = new ArrayList<>();
    for (CrawlInfo crawl : list(access)) {
      Instant at = crawl.cleanupDue();
      if (at != null && !at.isAfter(now) && !crawl.inUse()) {
        due.add(crawl.id());
      }
    }
    if (!due.isEmpty()) {
      remove(
          access,
          due); // all at once: 41 crawls one by one took 32 s, most of it waiting for each to go
      log.info("the cleanup deleted the crawls {} at {}", due, access.bootstrap());
    }
    return due;
  }

  /**
   * Writes how long the crawl {@code settings} name outlives its end; the last one written counts.
   *
   * @throws KafkaCrawlException if it could not be written
   * @param settings names the crawl and how to reach it
   * @param lifetime how long it outlives its end
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static void setLifetime(KafkaCrawlSettings settings, CrawlLifetime lifetime)
      throws KafkaCrawlException, InterruptedException {
    try (KafkaProducer<String, byte[]> producer = Clients.plain(settings)) {
      producer
          .send(
              new ProducerRecord<>(settings.eventsTopic(), Wire.LIFETIME, Wire.lifetime(lifetime)))
          .get();
    } catch (ExecutionException | KafkaException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw CrawlTopics.refused(settings, cause)
          .orElseGet(
              () ->
                  new KafkaCrawlException(
                      "cannot write how long the crawl "
                          + settings.crawlId()
                          + " is kept: "
                          + cause.getMessage(),
                      cause));
    }
  }

  /**
   * Why a crawl in use is not deleted, in one line: who lists or reads it.
   *
   * @param crawl a crawl in use
   * @return who lists or reads it
   */
  public static String whyInUse(CrawlInfo crawl) {
    List<String> who = new ArrayList<>();
    if (crawl.processes() > 0) {
      who.add(
          crawl.processes()
              + (crawl.processes() == 1 ? " process lists it" : " processes list it"));
    }
    if (crawl.readers() > 0) {
      who.add(
          crawl.readers() + (crawl.readers() == 1 ? " process reads it" : " processes read it"));
    }
    return "the crawl "
        + crawl.id()
        + " is "
        + (crawl.state() == CrawlInfo.State.FINISHED ? "finished, but " : "running: ")
        + String.join(" and ", who);
  }

  /** The crawls whose ids {@code which} accepts, read from topics, groups, log dirs and events. */
  private static List<CrawlInfo> read(KafkaCrawlSettings access, Predicate<String> which)
      throws KafkaCrawlException, InterruptedException {
    long timeout = access.brokerTimeout().toMillis();
    Map<String, Set<String>> topics = new TreeMap<>();
    Map<String, int[]> members = new HashMap<>();
    Map<String, Long> bytes = new HashMap<>();
    Map<String, EventSummary> events;
    try (Admin admin = CrawlTopics.admin(access)) {
      CrawlTopics.reach(admin, access);
      for (String name : admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS)) {
        String id = crawlId(name);
        if (id != null && which.test(id)) {
          topics.computeIfAbsent(id, k -> new TreeSet<>()).add(name);
        }
      }
      if (topics.isEmpty()) {
        return List.of();
      }
      List<String> groups = new ArrayList<>();
      for (String id : topics.keySet()) {
        groups.add(PREFIX + id);
        groups.add(readersGroup(id));
      }
      Map<String, KafkaFuture<ConsumerGroupDescription>> described =
          admin.describeConsumerGroups(groups).describedGroups();
      for (String id : topics.keySet()) {
        members.put(
            id,
            new int[] {
              members(described.get(PREFIX + id), timeout),
              members(described.get(readersGroup(id)), timeout)
            });
      }
      sizes(admin, topics, bytes, timeout);
      events = events(access, admin, topics);
    } catch (ExecutionException e) {
      throw CrawlTopics.refused(access, e.getCause())
          .orElseGet(
              () ->
                  new KafkaCrawlException(
                      "cannot list the crawls at "
                          + access.bootstrap()
                          + ": "
                          + e.getCause().getMessage(),
                      e));
    } catch (TimeoutException e) {
      throw CrawlTopics.unreachable(access, e);
    }
    List<CrawlInfo> crawls = new ArrayList<>();
    for (Map.Entry<String, Set<String>> crawl : topics.entrySet()) {
      String id = crawl.getKey();
      EventSummary e = events.getOrDefault(id, new EventSummary());
      int[] m = members.get(id);
      CrawlInfo.State state =
          e.ended != null
              ? CrawlInfo.State.FINISHED
              : m[0] > 0 ? CrawlInfo.State.RUNNING : CrawlInfo.State.ABANDONED;
      Outcome outcome = e.ended == null ? null : e.errors > 0 ? Outcome.PARTIAL : Outcome.COMPLETE;
      crawls.add(
          new CrawlInfo(
              id,
              state,
              outcome,
              e.started,
              e.ended,
              e.visits,
              bytes.getOrDefault(id, -1L),
              m[0],
              m[1],
              e.lifetime));
    }
    return crawls;
  }

  /** The crawl id a topic belongs to, or {@code null} if it is no crawl's. */
  static String crawlId(String topic) {
    if (!topic.startsWith(PREFIX)) {
      return null;
    }
    for (String suffix : SUFFIXES) {
      if (topic.endsWith(suffix) && topic.length() > PREFIX.length() + suffix.length()) {
        return topic.substring(PREFIX.length(), topic.length() - suffix.length());
      }
    }
    return null;
  }

  private static int members(KafkaFuture<ConsumerGroupDescription> group, long timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    try {
      return group.get(timeout, TimeUnit.MILLISECONDS).members().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return 0;
      }
      throw e;
    }
  }

  /** Bytes on disk per crawl, every replica; none where the broker does not say (no permission). */
  private static void sizes(
      Admin admin, Map<String, Set<String>> topics, Map<String, Long> bytes, long timeout)
      throws TimeoutException, InterruptedException {
    Map<String, String> crawlOf = new HashMap<>();
    topics.forEach((id, names) -> names.forEach(name -> crawlOf.put(name, id)));
    try {
      Collection<Node> nodes = admin.describeCluster().nodes().get(timeout, TimeUnit.MILLISECONDS);
      var dirs =
          admin
              .describeLogDirs(nodes.stream().map(Node::id).toList())
              .allDescriptions()
              .get(timeout, TimeUnit.MILLISECONDS);
      for (Map<String, LogDirDescription> broker : dirs.values()) {
        for (LogDirDescription dir : broker.values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
            String id = crawlOf.get(replica.getKey().topic());
            if (id != null) {
              bytes.merge(id, replica.getValue().size(), Long::sum);
            }
          }
        }
      }
    } catch (ExecutionException e) {
      log.debug("the brokers do not say their log sizes", e);
      bytes.clear();
    }
  }

  /** What a crawl's events say, up to their committed end. */
  private static final class EventSummary {
    Instant started;
    Instant ended;
    long visits;
    long errors;
    CrawlLifetime lifetime = CrawlLifetime.DEFAULT;
  }

  /**
   * Reads every listed crawl's events, from the start to their committed end as it was when the
   * reading started; fails rather than answer from part of them. A crawl whose events topic is gone
   * by then (deleted meanwhile) is left out of {@code topics}.
   */
  private static Map<String, EventSummary> events(
      KafkaCrawlSettings access, Admin admin, Map<String, Set<String>> topics)
      throws KafkaCrawlException, ExecutionException, TimeoutException, InterruptedException {
    long timeout = access.brokerTimeout().toMillis();
    Map<TopicPartition, String> partitions = new HashMap<>();
    topics.forEach(
        (id, names) -> {
          String events = PREFIX + id + ".events";
          if (names.contains(events)) {
            partitions.put(new TopicPartition(events, 0), id);
          }
        });
    Map<String, EventSummary> summaries = new HashMap<>();
    Map<TopicPartition, Long> starts =
        offsets(admin, partitions.keySet(), OffsetSpec.earliest(), timeout);
    Map<TopicPartition, Long> ends =
        offsets(admin, partitions.keySet(), OffsetSpec.latest(), timeout);
    for (TopicPartition partition : partitions.keySet()) {
      if (!starts.containsKey(partition) || !ends.containsKey(partition)) {
        topics.remove(partitions.get(partition)); // deleted since the topics were listed
      }
    }
    ends.keySet().retainAll(starts.keySet());
    if (ends.isEmpty()) {
      return summaries;
    }
    try (KafkaConsumer<String, byte[]> reader = Clients.reader(access)) {
      reader.assign(ends.keySet());
      ends.keySet().forEach(partition -> reader.seek(partition, starts.get(partition)));
      Duration quiet = access.brokerTimeout();
      long lastNews = System.nanoTime();
      while (!reachedEnds(reader, ends)) {
        var records = reader.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          lastNews = System.nanoTime();
        } else if (System.nanoTime() - lastNews > quiet.toNanos()) {
          throw new KafkaCrawlException(
              "cannot read the crawls' events at "
                  + access.bootstrap()
                  + " to their end within "
                  + quiet.toSeconds()
                  + " s (was a crawl deleted meanwhile? then try again)");
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          String id = partitions.get(new TopicPartition(record.topic(), record.partition()));
          EventSummary summary = summaries.computeIfAbsent(id, k -> new EventSummary());
          summarize(summary, record);
        }
      }
    } catch (KafkaException e) {
      throw CrawlTopics.refused(access, e)
          .orElseGet(
              () ->
                  new KafkaCrawlException(
                      "cannot read the crawls' events at "
                          + access.bootstrap()
                          + ": "
                          + e.getMessage(),
                      e));
    }
    return summaries;
  }

  /** The committed offsets {@code spec} names, of the partitions that still exist. */
  private static Map<TopicPartition, Long> offsets(
      Admin admin, Set<TopicPartition> partitions, OffsetSpec spec, long timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
    partitions.forEach(partition -> wanted.put(partition, spec));
    var result = admin.listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      try {
        offsets.put(
            partition,
            result.partitionResult(partition).get(timeout, TimeUnit.MILLISECONDS).offset());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
    }
    return offsets;
  }

  private static boolean reachedEnds(
      KafkaConsumer<String, byte[]> reader, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (reader.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void summarize(EventSummary summary, ConsumerRecord<String, byte[]> record) {
    Instant at = Instant.ofEpochMilli(record.timestamp());
    try {
      if (Wire.SPEC.equals(record.key())) {
        summary.started = summary.started == null ? at : summary.started;
      } else if (Wire.DELTA.equals(record.key())) {
        summary.visits += Wire.delta(record.value()).visits();
      } else if (Wire.ERROR.equals(record.key())) {
        summary.errors++;
      } else if (Wire.END.equals(record.key())) {
        summary.ended = summary.ended == null ? at : summary.ended;
      } else if (Wire.LIFETIME.equals(record.key())) {
        summary.lifetime = Wire.lifetime(record.value());
      }
    } catch (IllegalArgumentException e) {
      log.debug("an event of {} at offset {} does not decode", record.topic(), record.offset(), e);
    }
  }
}
