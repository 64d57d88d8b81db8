package dev.crawler.kafka;

import dev.crawler.core.BranchError;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.kafka.LocalDescent.Placed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine process of a distributed crawl: it joins the crawl's consumer group, takes batches of
 * pending branches from the partitions it is given, crawls them with the local engine (its own
 * workers, handoff and stealing) as deep as one slice allows, and commits the slice's whole effect
 * in one Kafka transaction. Runs until the crawl's end is announced. Confined to the thread that
 * calls {@link #run()}, but for {@link #stop()}.
 *
 * <h2>Local descent</h2>
 *
 * A process does not send every branch it finds through Kafka: it lists what it found itself, as a
 * one-JVM crawl does, until the slice's time ({@link KafkaCrawlSettings#slice()}) is up or more
 * than {@link KafkaCrawlSettings#localPending()} branches wait locally. From then on every branch
 * the local engine would list is set aside, unlisted, and the transaction sends these (the
 * frontier) to the branches topic, where any process takes them. So Kafka carries a transaction's
 * frontier rather than every branch, and an idle process waits at most about one slice for work.
 *
 * <h2>Time</h2>
 *
 * A transaction must commit within the transaction timeout, or the broker aborts it and its work is
 * lost; so time bounds what it takes, not only what it finds. The process times its listings
 * ({@link ListingPace}); of each poll it takes only the branches its workers can start listing
 * within the slice, and hands the rest back to the consumer uncommitted ({@link PollTake}); a
 * branch it took but could not start in time is sent back to the topic in the transaction that
 * commits its offset ({@link LocalDescent}). The slice stretches when listings are slow and is cut
 * to fit the transaction timeout: see {@code slice()}.
 *
 * <h2>Exactly once</h2>
 *
 * A transaction holds, for the batches it took: the visit of every node found below the seeds
 * (packed many to a record), the frontier (visited here, listed by whoever takes it), each branch
 * that failed for good, the balance delta (frontier sent less seeds taken) with this process's
 * counts, and the batches' consumed offsets ({@code sendOffsetsToTransaction}, with the group's
 * metadata, so a process that lost its partitions cannot commit). It commits whole or not at all: a
 * process that dies mid-slice leaves an aborted transaction, its partitions move to the living, and
 * the batches are crawled again from their committed offsets. Everything is read {@code
 * read_committed}.
 *
 * <h2>Held slices</h2>
 *
 * A transaction commits when its last listing call returns, and one call can outlast the slice many
 * times (a manager whose answer the size limit cuts into 90 searches: a minute). Its other workers
 * would idle until then. So a transaction holds what it sends ({@link HeldSends}): until its end,
 * or until it holds 16 MB, nothing reaches the broker, whose clock for a transaction starts at its
 * first record; and while it holds and a call begun within the slice still runs, the slice's time
 * is not up, and the other workers go on listing into it ({@link LocalDescent}). Measured in {@code
 * kafka-benchmarks.md} ("Slow listings").
 *
 * <h2>Lone transactions</h2>
 *
 * Past 16 MB the records go out, the broker's clock starts, and a slow call still running may
 * outlast the timeout: the broker aborts the transaction. Taken again together, the same branches
 * would be aborted again, for ever. So after a transaction that Kafka failed, the next one is
 * <em>lone</em>: it takes one branch, lists only that one (whatever it finds is set aside, for any
 * process) and holds everything until its call returns, so a slow call that fits the timeout alone
 * commits, and every lone transaction that commits takes one branch off the topic. A branch whose
 * lone transaction fails {@value #LONE_OVERRUNS} times after running longer than the transaction
 * timeout (its own listing sends more than the cap, then runs on past the timeout) is reported as a
 * branch error that names the transaction timeout to raise, and its offset committed: the crawl
 * ends {@code PARTIAL} instead of retrying it for ever.
 *
 * <h2>Memory</h2>
 *
 * Bounded by the batch ({@link KafkaCrawlSettings#batch()}), the local pending cap, the records a
 * transaction holds (16 MB and one pack of visits) and the listings in flight: the rest of the
 * crawl lives in the topic, not here.
 */
public final class EngineProcess<T, S> {
  private static final Logger log = LoggerFactory.getLogger(EngineProcess.class);

  /** How long one poll waits for branches before it looks at the end again. */
  private static final Duration POLL = Duration.ofSeconds(1);

  /** How long a transaction whose local crawl ran dry waits for more branches before it commits. */
  private static final Duration TOP_UP = Duration.ofMillis(20);

  /** A process's first slice, and its slice after the group rebalanced: see {@link #sliceNanos}. */
  private static final Duration FIRST_SLICE = Duration.ofMillis(100);

  /** About how many bytes of visits go in one record. */
  private static final int PACK_BYTES = 256 * 1024;

  /**
   * The most bytes a transaction holds unsent ({@link HeldSends}): while it holds, the broker's
   * clock has not started, and a slice waiting for one slow listing call may go on listing.
   */
  private static final long HELD_BYTES = 16L * 1024 * 1024;

  /**
   * How many lone transactions of one branch may fail after outlasting the transaction timeout
   * before that branch is reported as a branch error: see "Lone transactions" above.
   */
  static final int LONE_OVERRUNS = 3;

  /**
   * A slice is at least this many listing calls long, within the transaction timeout: see {@link
   * #slice()}.
   */
  private static final int SLICE_CALLS = 8;

  /**
   * One listing call lists about as many branches together as fit in this fraction of the
   * transaction timeout: so a slice of half the timeout less two calls is still 3/8 of it.
   */
  private static final int CALLS_PER_TIMEOUT = 8;

  private final KafkaCrawlSettings settings;
  private final BranchSource<T, S> source;
  private final NodeCodec<T> codec;
  private final String process;

  /** Every reading of time: slices, the pace, how long Kafka was out of reach. */
  private final TimeSource time;

  private final AtomicBoolean ended = new AtomicBoolean();

  /** Why the end watcher stopped following the events; set once, before it stops this process. */
  private volatile Exception watchFailure;

  /** The group member while one exists; woken by stop(). */
  private volatile KafkaConsumer<String, byte[]> member;

  /** The member's transactional producer while it exists; closed by abandon(). */
  private volatile KafkaProducer<String, byte[]> producer;

  private final AtomicInteger nextPartition = new AtomicInteger();

  /**
   * The branches topic's partitions, as the member found them: where the frontier goes. Run's
   * thread only.
   */
  private int branchPartitions;

  /**
   * Whether the codec's visit bytes differ from a branch's bytes: see {@link
   * LocalDescent#leanVisits}.
   */
  private final boolean leanVisits;

  /**
   * This process's next slice. Slices start short and double up to the settings' slice: a process's
   * first transactions send their frontier on soon (the root's work reaches the other processes
   * within a fraction of a second), and the group's rebalances, which come mostly while processes
   * join, cost little work: each one refuses the commits of the transactions open across it.
   */
  private long sliceNanos;

  /**
   * How long this process's listings take: sizes what a transaction takes and how long it lists.
   */
  private final ListingPace pace;

  /** Whether this process warned that its listings are too slow for the transaction timeout. */
  private boolean warnedSlow;

  private long transactions;
  private long listings;
  private long visits;
  private long errors;

  /** The most bytes a transaction holds unsent: {@link #HELD_BYTES} but in tests. */
  private long heldBytes = HELD_BYTES;

  /**
   * Whether the next transaction is lone (see "Lone transactions" above): set as a transaction
   * begins, cleared when it commits or is undone for a rebalance, so it stays set after one that
   * Kafka failed. Run's thread only.
   */
  private boolean lone;

  /** The branch the open transaction took alone, or {@code null}. Run's thread only. */
  private Taken loneBranch;

  /** The open transaction's begin, on {@link #time}. Run's thread only. */
  private long transactionBegan;

  /**
   * Lone transactions that failed after outlasting the transaction timeout, by the branch they
   * took; an entry goes when its branch commits. Run's thread only.
   */
  private final Map<Taken, Integer> overruns = new HashMap<>();

  /** A branch record taken from the topic: where it is, which is what a retry takes again. */
  private record Taken(TopicPartition partition, long offset) {
    static Taken of(ConsumerRecord<?, ?> record) {
      return new Taken(new TopicPartition(record.topic(), record.partition()), record.offset());
    }
  }

  private EngineProcess(
      KafkaCrawlSettings settings,
      BranchSource<T, S> source,
      NodeCodec<T> codec,
      String process,
      TimeSource time) {
    this.settings = settings;
    this.source = source;
    this.codec = codec;
    this.process = process;
    this.time = time;
    this.sliceNanos = firstSlice();
    this.leanVisits = LocalDescent.leanVisits(codec);
    this.pace = new ListingPace(settings.transactionTimeout().toNanos() / CALLS_PER_TIMEOUT);
  }

  private long firstSlice() {
    return Math.min(settings.slice().toNanos(), FIRST_SLICE.toNanos());
  }

  /**
   * An engine process for the crawl {@code settings} name, listing with {@code source}.
   *
   * @param process this process's id: unique among the crawl's processes, and the same when a
   *     process restarts (its transactional id, so a restart fences its dead predecessor)
   * @param settings where the crawl runs and how
   * @param source lists the branches
   * @param codec encodes and decodes the nodes
   * @param <T> the node type
   * @param <S> the source's session type
   * @return the process, not yet running
   */
  public static <T, S> EngineProcess<T, S> of(
      KafkaCrawlSettings settings, BranchSource<T, S> source, NodeCodec<T> codec, String process) {
    return of(settings, source, codec, process, TimeSource.SYSTEM);
  }

  /**
   * As {@link #of(KafkaCrawlSettings, BranchSource, NodeCodec, String)}, on {@code time}: for
   * tests.
   */
  static <T, S> EngineProcess<T, S> of(
      KafkaCrawlSettings settings,
      BranchSource<T, S> source,
      NodeCodec<T> codec,
      String process,
      TimeSource time) {
    return new EngineProcess<>(settings, source, codec, process, time);
  }

  /**
   * Sets the most bytes a transaction holds unsent ({@link HeldSends}), before {@link #run()}: for
   * tests, which reach the cap with a few records.
   *
   * @return this process
   */
  EngineProcess<T, S> heldBytes(long bytes) {
    this.heldBytes = bytes;
    return this;
  }

  /**
   * Lists branches until the crawl's end is announced, or {@link #stop()}.
   *
   * @return what this process did
   * @throws KafkaCrawlException if Kafka stays unreachable longer than three broker timeouts, or
   *     the local engine fails (a session that cannot be opened): the batch in hand is then
   *     aborted, for another process to list; or if the crawl's events cannot be followed (a record
   *     that does not decode), since this process could then never learn the end
   * @throws InterruptedException if interrupted: the batch in hand is aborted
   */
  public ProcessCounts run() throws KafkaCrawlException, InterruptedException {
    EndWatch end =
        EndWatch.start(
            settings,
            this::stop,
            failure -> {
              watchFailure = failure;
              abandon(); // its producer may wait for ever on topics that are gone
            });
    long unreachableSince = -1;
    long committedBefore = -1; // transactions committed when unreachableSince was set
    try {
      while (!ended.get()) {
        try {
          runMember();
          unreachableSince = -1;
        } catch (KafkaCrawlException | IllegalStateException e) {
          if (ended.get() && watchFailure != null) {
            break; // abandoned: the producer was closed under the batch in hand; watchFailure says
            // why
          }
          throw e;
        } catch (KafkaException e) {
          if (ended.get()) {
            break;
          }
          long now = time.nanoTime();
          if (unreachableSince < 0 || transactions != committedBefore) {
            // First failure, or one after a commit: Kafka was reachable in between.
            unreachableSince = now;
            committedBefore = transactions;
          }
          if (now - unreachableSince > 3 * settings.brokerTimeout().toNanos()) {
            throw new KafkaCrawlException(
                "lost Kafka at " + settings.bootstrap() + ": " + e.getMessage(), e);
          }
          // Fenced, or the group moved our partitions mid-batch, or the broker went away: the
          // batch was aborted; rejoin and go on from the committed offsets.
          log.info("process {}: batch aborted ({}); rejoining", process, e.toString());
        }
      }
    } finally {
      end.close();
    }
    Exception failure = watchFailure;
    if (failure instanceof KafkaCrawlException lost) {
      throw new KafkaCrawlException(
          lost.getMessage(), lost); // the crawl's topics, said in one line
    }
    if (failure != null) {
      throw new KafkaCrawlException(
          "cannot follow the events of crawl " + settings.crawlId() + ": " + failure, failure);
    }
    return new ProcessCounts(process, transactions, listings, visits, errors);
  }

  /** Ends {@link #run()} after the batch in hand: for a process that leaves a crawl early. */
  public void stop() {
    ended.set(true);
    KafkaConsumer<String, byte[]> m = member;
    if (m != null) {
      m.wakeup(); // leave a poll that waits for branches nobody will send
    }
  }

  /**
   * Ends {@link #run()} now, abandoning the batch in hand (its transaction is never committed, so
   * the broker aborts it): for a crawl that cannot go on. A producer sending to a topic that is
   * gone waits for its metadata for the broker timeout on every record; closing it ends those
   * waits.
   */
  public void abandon() {
    stop();
    KafkaProducer<String, byte[]> p = producer;
    if (p != null) {
      p.close(Duration.ZERO);
    }
  }

  private void runMember() throws KafkaCrawlException, InterruptedException {
    log.debug("process {}: joining the crawl's group", process);
    CompletableFuture<KafkaProducer<String, byte[]>> ready = transactionalProducer();
    KafkaProducer<String, byte[]> producer = null;
    try (KafkaConsumer<String, byte[]> consumer = Clients.member(settings, process)) {
      consumer.subscribe(
          List.of(settings.branchesTopic()),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              log.debug("process {}: gave up {} partitions", process, partitions.size());
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              log.debug("process {}: given {} partitions", process, partitions.size());
            }
          });
      // The crawl's, as its starter made them (or an operator added since): not this process's
      // settings.
      int known = consumer.partitionsFor(settings.branchesTopic()).size();
      branchPartitions = known > 0 ? known : settings.partitions();
      member = consumer;
      if (ended.get()) {
        return; // stopped or abandoned while this member was being made
      }
      try {
        while (!ended.get()) {
          ConsumerRecords<String, byte[]> records;
          try {
            records = consumer.poll(POLL);
          } catch (WakeupException woken) {
            return;
          }
          if (!records.isEmpty()) {
            if (producer == null) {
              producer = await(ready);
              this.producer = producer;
              if (ended.get()) {
                return; // abandon() found no producer to close: this thread closes it
              }
            }
            try {
              transaction(records, consumer, producer);
            } catch (KafkaException e) {
              noteOverrun();
              throw e;
            }
          }
        }
      } finally {
        member = null;
        this.producer = null;
      }
    } finally {
      if (producer != null) {
        producer.close();
      } else { // still initialising, or failed: closed when it is done, without waiting here
        ready.whenComplete(
            (p, failure) -> {
              if (p != null) {
                p.close(Duration.ZERO);
              }
            });
      }
    }
  }

  /**
   * This member's transactional producer, made and initialised on a thread of its own while the
   * consumer joins the group: on a cold JVM each takes a second or more, and neither needs the
   * other before the first transaction. {@code initTransactions} aborts what a dead predecessor
   * with the same id left open, and no transaction begins before it is done ({@link #await}).
   */
  private CompletableFuture<KafkaProducer<String, byte[]>> transactionalProducer() {
    CompletableFuture<KafkaProducer<String, byte[]>> ready = new CompletableFuture<>();
    Thread init =
        new Thread(
            () -> {
              KafkaProducer<String, byte[]> p = null;
              try {
                p = Clients.transactional(settings, settings.group() + "." + process);
                p.initTransactions();
                log.debug("process {}: transactional producer ready", process);
                ready.complete(p);
              } catch (RuntimeException | Error e) {
                if (p != null) {
                  p.close(Duration.ZERO);
                }
                ready.completeExceptionally(e);
              }
            },
            "crawler-kafka-producer-" + process);
    init.setDaemon(true);
    init.start();
    return ready;
  }

  /**
   * The producer once initialised; its failure rethrown as it was thrown (a KafkaException,
   * mostly).
   */
  private static KafkaProducer<String, byte[]> await(
      CompletableFuture<KafkaProducer<String, byte[]>> ready) throws InterruptedException {
    try {
      return ready.get(); // initTransactions waits for the broker at most the broker timeout
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new KafkaException(e.getCause());
    }
  }

  /**
   * One transaction: crawls the batch in hand locally, down to where the slice's budget ends; if
   * the local crawl runs dry first, takes more branches (a short poll) and crawls them too, in the
   * same transaction, until the slice is up. Then commits the whole effect at once: every visit
   * below the seeds, the frontier set aside for any process, the errors, the balance delta and the
   * consumed offsets. A commit costs tens of milliseconds of idle workers, so one per slice, not
   * one per poll.
   *
   * <p>The offsets are committed with the group generation of the transaction's first poll. If a
   * later poll of the same transaction saw the group rebalance, the commit is refused (its
   * partitions may now be another's) and the whole transaction aborts, to be crawled again.
   */
  private void transaction(
      ConsumerRecords<String, byte[]> first,
      KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> producer)
      throws KafkaCrawlException, InterruptedException {
    boolean alone = lone;
    lone = true; // until it commits or is undone: if Kafka fails it, the next one is lone
    long sliceStarts = time.nanoTime();
    transactionBegan = sliceStarts;
    long sliceEnds =
        sliceStarts + (alone ? 0 : slice()); // alone: its seed only, all it finds set aside
    ConsumerGroupMetadata generation = consumer.groupMetadata();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    producer.beginTransaction();
    HeldSends sends = new HeldSends(producer::send, heldBytes);
    VisitPacker packer =
        new VisitPacker(
            pack -> sends.send(new ProducerRecord<>(settings.visitsTopic(), null, pack)),
            PACK_BYTES);
    AtomicLong failed = new AtomicLong();
    long taken = 0;
    long sent = 0;
    long listed = 0;
    List<ConsumerRecord<String, byte[]>> records =
        alone ? PollTake.first(first, 1, consumer) : take(first, sliceEnds, consumer);
    loneBranch = alone ? Taken.of(records.get(0)) : null;
    if (alone && overruns.getOrDefault(loneBranch, 0) >= LONE_OVERRUNS) {
      giveUp(records.get(0), offsets, sends);
      failed.incrementAndGet();
      taken = 1;
      records = List.of();
    }
    while (!records.isEmpty()) {
      taken += records.size();
      LocalDescent<T, S> descent =
          crawlLocally(records, offsets, sliceEnds, packer, failed, sends, producer);
      List<Placed<T>> frontier = descent.frontier();
      for (Placed<T> branch : frontier) {
        int partition = Math.floorMod(nextPartition.getAndIncrement(), branchPartitions);
        sends.send(
            new ProducerRecord<>(
                settings.branchesTopic(),
                partition,
                null,
                Wire.branch(new Wire.Branch(branch.depth, branch.bytes))));
      }
      sent += frontier.size();
      listed += descent.listings();
      long left = sliceEnds - time.nanoTime();
      if (descent.budgetSpent() || left <= 0 || ended.get()) {
        break;
      }
      ConsumerRecords<String, byte[]> more;
      try {
        more = consumer.poll(Duration.ofNanos(Math.min(left, TOP_UP.toNanos())));
      } catch (WakeupException woken) {
        break; // stop(), or the end: commit what is done; run() sees `ended`
      }
      if (consumer.groupMetadata().generationId() != generation.generationId()) {
        // The group rebalanced in that poll: what this transaction took may be another's now, and
        // the poll may even have handed back branches it took. Undo it all and start again from
        // the committed offsets; the commit would be refused anyway.
        undo(producer, consumer);
        return;
      }
      if (more.isEmpty()) {
        break;
      }
      records = take(more, sliceEnds, consumer);
    }
    packer.flush();
    sends.send(
        new ProducerRecord<>(
            settings.eventsTopic(),
            Wire.DELTA,
            Wire.delta(
                new Wire.Delta(process, sent - taken, listed, packer.visits(), failed.get()))));
    sends.release();
    try {
      producer.sendOffsetsToTransaction(offsets, generation);
      producer.commitTransaction();
    } catch (CommitFailedException rebalanced) {
      // The group rebalanced while this transaction crawled: its offsets are refused. Undo it and
      // stay in the group. Leaving and rejoining would rebalance the group again, refuse the
      // commits of every other process mid-transaction, and so on round the group.
      undo(producer, consumer);
      return;
    }
    lone = false;
    if (loneBranch != null) {
      overruns.remove(loneBranch);
    }
    log.debug(
        "process {}: committed {} taken, {} listed, {} visited, {} sent on, in {} ms",
        process,
        taken,
        listed,
        packer.visits(),
        sent,
        (time.nanoTime() - sliceStarts) / 1_000_000);
    sliceNanos = Math.min(settings.slice().toNanos(), 2 * sliceNanos);
    transactions++;
    listings += listed;
    visits += packer.visits();
    errors += failed.get();
  }

  /**
   * Counts a failure of the open transaction against the branch it took alone, if it ran longer
   * than the transaction timeout: that branch's own listing outlasts the timeout after its records
   * started the broker's clock.
   */
  private void noteOverrun() {
    if (loneBranch != null
        && time.nanoTime() - transactionBegan > settings.transactionTimeout().toNanos()) {
      int times = overruns.merge(loneBranch, 1, Integer::sum);
      log.info(
          "process {}: a transaction of one branch alone outlasted the transaction timeout ({}), {}"
              + " time(s)",
          process,
          settings.transactionTimeout(),
          times);
    }
  }

  /**
   * Reports the branch {@code record} holds as a branch error in the open transaction, instead of
   * listing it again, and takes its offset: its lone transactions failed {@value #LONE_OVERRUNS}
   * times past the transaction timeout.
   */
  private void giveUp(
      ConsumerRecord<String, byte[]> record,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      HeldSends sends) {
    Wire.Branch branch = Wire.branch(record.value());
    T node = codec.decode(branch.node());
    byte[] visitBytes = leanVisits ? codec.encodeForVisit(node) : branch.node();
    String message =
        "its listing outlasted the transaction timeout ("
            + settings.transactionTimeout().toMillis()
            + " ms) in "
            + LONE_OVERRUNS
            + " transactions of its own, each aborted by the broker: raise the crawl's"
            + " transaction timeout ("
            + ClientProperties.TRANSACTION_TIMEOUT
            + " in the client properties, which"
            + " the brokers' transaction.max.timeout.ms bounds)";
    log.warn("process {}: branch {} not listed: {}", process, node, message);
    sends.send(
        new ProducerRecord<>(
            settings.eventsTopic(),
            Wire.ERROR,
            Wire.failure(
                new Wire.Failure(process, branch.depth(), visitBytes, message, LONE_OVERRUNS))));
    offsets.put(
        new TopicPartition(record.topic(), record.partition()),
        new OffsetAndMetadata(record.offset() + 1));
  }

  /**
   * This transaction's slice: the doubling slice ({@link #sliceNanos}), stretched when listings are
   * slow to {@value #SLICE_CALLS} listing calls (in the same proportion to the settings' slice as
   * the doubling slice: a process's first slices stay short), since a transaction's last calls run
   * on after its slice with ever fewer workers busy, and the longer the slice, the less that tail
   * costs. Cut so that the slice and two calls (the median call: see {@link ListingPace}) fit in
   * half the transaction timeout. A transaction lasts about its slice and one call (see {@link
   * LocalDescent}); the rest is the margin for a call slower than the median, the commit and the
   * broker.
   */
  private long slice() {
    long call = pace.callNanos();
    long longest = settings.transactionTimeout().toNanos() / 2 - 2 * call;
    if (longest <= 0 && !warnedSlow) {
      warnedSlow = true;
      log.warn(
          "process {}: a listing takes {} ms, too near the transaction timeout ({}): each"
              + " transaction lists little; raise the transaction timeout",
          process,
          call / 1_000_000,
          settings.transactionTimeout());
    }
    double grown = (double) sliceNanos / Math.max(1, settings.slice().toNanos());
    long stretched =
        Math.max(
            sliceNanos,
            (long) Math.min(SLICE_CALLS * call * grown, settings.transactionTimeout().toNanos()));
    return Math.max(0, Math.min(stretched, longest));
  }

  /**
   * Of a poll's branches, takes as many as the workers can start listing before {@code sliceEnds}
   * at the measured pace; the rest go back to the consumer, untaken (see {@link PollTake}).
   */
  private List<ConsumerRecord<String, byte[]>> take(
      ConsumerRecords<String, byte[]> records,
      long sliceEnds,
      KafkaConsumer<String, byte[]> consumer) {
    int most = pace.branchesFor(sliceEnds - time.nanoTime(), settings.workers(), settings.batch());
    return PollTake.first(records, most, consumer);
  }

  /**
   * Crawls one poll's branches with the local engine until the slice ends, packing visits and
   * sending errors into the open transaction; adds the poll's offsets to {@code offsets}. Aborts
   * the transaction and throws if the local crawl failed or was stopped.
   *
   * @return the local descent, holding its frontier and its count of listings
   */
  private LocalDescent<T, S> crawlLocally(
      List<ConsumerRecord<String, byte[]>> records,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      long sliceEnds,
      VisitPacker packer,
      AtomicLong failed,
      HeldSends sends,
      KafkaProducer<String, byte[]> producer)
      throws KafkaCrawlException, InterruptedException {
    List<Placed<T>> seeds = new ArrayList<>(records.size());
    for (ConsumerRecord<String, byte[]> record : records) {
      Wire.Branch branch = Wire.branch(record.value());
      T node = codec.decode(branch.node());
      byte[] visitBytes = leanVisits ? codec.encodeForVisit(node) : branch.node();
      seeds.add(Placed.seed(node, branch.depth(), branch.node(), visitBytes));
      offsets.put(
          new TopicPartition(record.topic(), record.partition()),
          new OffsetAndMetadata(record.offset() + 1));
    }
    LocalDescent<T, S> descent =
        new LocalDescent<>(
            source,
            codec,
            seeds.size(),
            time,
            sliceEnds - time.nanoTime(),
            settings.localPending(),
            pace,
            settings.workers(),
            sends::holding);
    Crawler<Placed<T>, S> crawler =
        Crawler.over(descent)
            .workers(settings.workers())
            .errorListener(
                error -> {
                  failed.incrementAndGet();
                  sends.send(
                      new ProducerRecord<>(
                          settings.eventsTopic(), Wire.ERROR, Wire.failure(failure(error))));
                });
    CrawlReport<Placed<T>> report;
    try (Crawl<Placed<T>> crawl =
        crawler.startAll(
            seeds,
            visit -> {
              if (visit.depth() == 0) {
                return; // a seed: its visit was committed with the transaction that found it
              }
              Placed<T> node = visit.node();
              packer.add(
                  new Wire.VisitRecord(
                      visit.isBranch(), node.depth, node.visitBytes, visit.parent().visitBytes));
            })) {
      report = crawl.await();
    }
    if (report.outcome() == Outcome.FAILED) {
      abort(producer);
      if (report.failure() instanceof KafkaException kafka) {
        throw kafka;
      }
      throw new KafkaCrawlException(
          "process " + process + " cannot list: " + report.failure(), report.failure());
    }
    if (!report.outcome().ranToEnd()) {
      abort(producer);
      throw new InterruptedException("process " + process + " stopped mid-batch");
    }
    return descent;
  }

  /**
   * Undoes a transaction the group's rebalance made stale: aborts it, takes its branches again from
   * the committed offsets, and starts the next slice short, as processes are likely joining.
   */
  private void undo(
      KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer) {
    abort(producer);
    rewind(consumer);
    sliceNanos = firstSlice();
    lone = false; // a rebalance, not Kafka's timeout: nothing to learn about the branches
    log.debug("process {}: the group rebalanced during a transaction; aborted it", process);
  }

  /**
   * Moves every assigned partition back to its committed offset (or its start), so that the
   * branches of an aborted transaction are taken again; a rebalance alone does not do that for
   * partitions a process keeps.
   */
  private static void rewind(KafkaConsumer<String, byte[]> consumer) {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
    for (TopicPartition partition : assigned) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset == null) {
        consumer.seekToBeginning(List.of(partition));
      } else {
        consumer.seek(partition, offset);
      }
    }
  }

  private Wire.Failure failure(BranchError<Placed<T>> error) {
    Placed<T> branch = error.branch();
    String cause =
        error.cause().getMessage() == null
            ? error.cause().getClass().getSimpleName()
            : error.cause().getMessage();
    return new Wire.Failure(process, branch.depth, branch.visitBytes, cause, error.attempts());
  }

  private static void abort(KafkaProducer<String, byte[]> producer) {
    try {
      producer.abortTransaction();
    } catch (KafkaException | IllegalStateException e) { // or the producer was closed by abandon()
      log.debug("aborting a transaction failed; the broker aborts it when it times out", e);
    }
  }
}
