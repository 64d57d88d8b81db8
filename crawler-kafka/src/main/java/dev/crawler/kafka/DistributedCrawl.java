package dev.crawler.kafka;

import dev.crawler.core.BranchError;
import dev.crawler.core.CrawlProgress;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import dev.crawler.core.spi.NodeCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The start and the end of a distributed crawl: creates its topics, seeds the root, delivers every
 * visit as it commits, and announces the end when no branch is left anywhere. The engine processes
 * ({@link EngineProcess}) do the listing; this runs in the process that started the crawl (which
 * usually runs an engine process too). Thread-safe.
 *
 * <h2>The end</h2>
 *
 * The crawl has ended when its committed events sum to 0 after the seed: {@link EndRule}, the one
 * place that rule is summed, holds the proof that this is exact. The watcher feeds it every event;
 * once it holds, and the topics are the crawl's own, the watcher reads the visits to their end and
 * announces the end for the engine processes, unless one did first.
 *
 * <p>Waiting costs nothing: the watcher sits in a long poll of the events and visits and wakes when
 * a transaction commits; the end is seen with the last transaction's records.
 */
public final class DistributedCrawl<T> implements AutoCloseable {
  private static final Duration LONG_POLL = Duration.ofSeconds(30);

  private final KafkaCrawlSettings settings;
  private final NodeCodec<T> codec;
  private final Consumer<? super Visit<T>> visits;
  private final KafkaConsumer<String, byte[]> reader;
  private final Thread watcher;

  /** Keeps a cleanup from deleting the crawl while the watcher reads it: see {@link Crawls}. */
  private final ReaderPresence presence;

  private final CountDownLatch done = new CountDownLatch(1);

  /** The crawl's elapsed time, and what counts as a poll that waited out its whole time. */
  private final TimeSource time;

  private final long startNanos;
  // Written by the watcher; read by progress() and, after done, by await().
  private final AtomicLong visitCount = new AtomicLong();
  private final AtomicLong branchVisits = new AtomicLong();
  private final AtomicLong listings = new AtomicLong();
  private final AtomicLong balance = new AtomicLong();
  private final AtomicLong idleWakeups = new AtomicLong();
  private final List<BranchError<T>> errors = new ArrayList<>(); // watcher only, until done
  private final Map<String, ProcessCounts> processes = new HashMap<>(); // watcher only, until done
  private volatile int maxDepth;

  /** Told of every committed transaction of an engine process, on the watcher thread. */
  private volatile Consumer<? super ProcessCounts> transactionListener = counts -> {};

  private volatile Throwable failure;
  private volatile long endNanos;

  /** Set by close(): the watcher stops following at its next step. */
  private volatile boolean closing;

  /**
   * Why the crawl's topics are not those it started on, once the guard found it; then the watcher
   * is woken.
   */
  private volatile KafkaCrawlException lostTopics;

  private final TopicGuard guard;

  private DistributedCrawl(
      KafkaCrawlSettings settings, NodeCodec<T> codec, Consumer<? super Visit<T>> visits) {
    this.settings = settings;
    this.time = TimeSource.SYSTEM;
    this.startNanos = time.nanoTime();
    this.codec = codec;
    this.visits = visits;
    this.reader = Clients.follower(settings);
    this.guard =
        new TopicGuard(
            settings,
            lost -> {
              lostTopics = lost;
              reader.wakeup();
            });
    this.watcher = new Thread(this::watch, "crawler-kafka-watch-" + settings.crawlId());
    this.watcher.setDaemon(true);
    this.presence = ReaderPresence.start(settings);
  }

  /**
   * Creates the crawl's topics, seeds {@code root}, and starts delivering visits to {@code visits}
   * (on a thread of its own, one at a time). Engine processes then do the work.
   *
   * @param spec what a process needs to join: see {@link CrawlSpec}
   * @throws KafkaCrawlException if Kafka cannot be reached or the crawl id is taken
   * @param settings where the crawl runs and how
   * @param root the node to crawl from
   * @param codec encodes the nodes for Kafka
   * @param visits told of every visit
   * @param <T> the node type
   * @return the crawl, followed from now
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static <T> DistributedCrawl<T> start(
      KafkaCrawlSettings settings,
      CrawlSpec spec,
      T root,
      NodeCodec<T> codec,
      Consumer<? super Visit<T>> visits)
      throws KafkaCrawlException, InterruptedException {
    return start(settings, spec, List.of(root), codec, visits);
  }

  /**
   * As {@link #start(KafkaCrawlSettings, CrawlSpec, Object, NodeCodec, Consumer)}, from several
   * roots, each visited at depth 0: one crawl, whose processes share all the roots' work.
   *
   * @param settings where the crawl runs and how
   * @param spec what a process needs to join
   * @param roots the nodes to crawl from: at least one
   * @param codec encodes the nodes for Kafka
   * @param visits told of every visit
   * @param <T> the node type
   * @return the crawl, followed from now
   * @throws KafkaCrawlException if Kafka cannot be reached or the crawl id is taken
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static <T> DistributedCrawl<T> start(
      KafkaCrawlSettings settings,
      CrawlSpec spec,
      List<T> roots,
      NodeCodec<T> codec,
      Consumer<? super Visit<T>> visits)
      throws KafkaCrawlException, InterruptedException {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("no root to crawl");
    }
    CrawlTopics.create(settings);
    TopicIds topics = seed(settings, spec, roots, codec);
    DistributedCrawl<T> crawl = new DistributedCrawl<>(settings, codec, visits);
    // Watched from now, not from when the watcher reads the ids back: topics deleted before that
    // left the starter waiting for ever on a consumer of topics that are gone.
    crawl.guard.expect(topics);
    crawl.watcher.start();
    return crawl;
  }

  /**
   * Writes the spec, the roots and their visits in one transaction, unless anything was ever
   * written to the crawl's events (another starter of this id, even one that passed {@link
   * CrawlTopics#create} at the same time as this one).
   *
   * @return the ids of the topics it seeded, as it wrote them on the events
   */
  static <T> TopicIds seed(
      KafkaCrawlSettings settings, CrawlSpec spec, List<T> roots, NodeCodec<T> codec)
      throws KafkaCrawlException, InterruptedException {
    try (KafkaProducer<String, byte[]> producer =
        Clients.transactional(settings, settings.group() + ".seed")) {
      producer.initTransactions(); // fences any other starter of this id: see checkUnseeded
      TopicIds topics = CrawlTopics.checkUnseeded(settings);
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(settings.eventsTopic(), Wire.SPEC, Wire.spec(spec)));
      producer.send(new ProducerRecord<>(settings.eventsTopic(), Wire.TOPICS, topics.toBytes()));
      int partition = 0;
      List<Wire.VisitRecord> rootVisits = new ArrayList<>(roots.size());
      for (T root : roots) {
        byte[] rootBytes = codec.encode(root);
        producer.send(
            new ProducerRecord<>(
                settings.branchesTopic(),
                partition++ % settings.partitions(),
                null,
                Wire.branch(new Wire.Branch(0, rootBytes))));
        rootVisits.add(new Wire.VisitRecord(true, 0, codec.encodeForVisit(root), null));
      }
      producer.send(new ProducerRecord<>(settings.visitsTopic(), null, Wire.visits(rootVisits)));
      producer.send(
          new ProducerRecord<>(
              settings.eventsTopic(),
              Wire.DELTA,
              Wire.delta(new Wire.Delta("seed", roots.size(), 0, roots.size(), 0))));
      producer.commitTransaction();
      return topics;
    } catch (
        ProducerFencedException e) { // another starter of this id took over: it seeds, or nobody
      throw CrawlTopics.existsAlready(settings, e);
    } catch (KafkaException e) {
      throw new KafkaCrawlException(
          "cannot seed the crawl at " + settings.bootstrap() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Follows a crawl that exists, started by another process, from its start: delivers every visit
   * committed so far and every visit to come, each once, and reports the whole crawl, as {@link
   * #start} does for the process that started it. For a process that prints a crawl whose starter
   * went away: it ends as soon as it has delivered everything, if the crawl has ended; else it
   * waits for the end like the starter (it lists nothing: run an {@link EngineProcess} beside it if
   * nobody else lists).
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, or there is no crawl with that id
   * @param settings names the crawl and how to reach it
   * @param codec decodes the nodes
   * @param visits told of every visit, from the first
   * @param <T> the node type
   * @return the crawl, followed from its start
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static <T> DistributedCrawl<T> attach(
      KafkaCrawlSettings settings, NodeCodec<T> codec, Consumer<? super Visit<T>> visits)
      throws KafkaCrawlException, InterruptedException {
    CrawlTopics.spec(
        settings); // a crawl that exists: the watcher would wait for ever on missing topics
    DistributedCrawl<T> crawl = new DistributedCrawl<>(settings, codec, visits);
    crawl.watcher.start();
    return crawl;
  }

  /**
   * Whether the crawl has ended, as far as its committed events show now: its end announced, or its
   * balance 0 ({@link EndRule}). Reads the events from their start to their committed end. {@code
   * false} may be stale by the time it returns; {@code true} never is.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, or the events cannot be read
   * @param settings names the crawl and how to reach it
   * @return whether it has ended
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static boolean hasEnded(KafkaCrawlSettings settings)
      throws KafkaCrawlException, InterruptedException {
    TopicPartition events = new TopicPartition(settings.eventsTopic(), 0);
    try (KafkaConsumer<String, byte[]> reader = Clients.reader(settings)) {
      reader.assign(List.of(events));
      reader.seekToBeginning(List.of(events));
      long end =
          reader.endOffsets(List.of(events)).get(events); // read_committed: the last stable offset
      EndRule rule = new EndRule(settings);
      while (reader.position(events) < end) {
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
          rule.accept(record);
          if (rule.announced()) {
            return true;
          }
        }
      }
      return rule.ended();
    } catch (KafkaException | IllegalArgumentException e) {
      throw new KafkaCrawlException(
          "cannot read the events of crawl "
              + settings.crawlId()
              + " at "
              + settings.bootstrap()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The watcher: sums the deltas, delivers the visits, and announces the end. */
  private void watch() {
    TopicPartition events = new TopicPartition(settings.eventsTopic(), 0);
    TopicPartition visitPartition = new TopicPartition(settings.visitsTopic(), 0);
    try {
      reader.assign(List.of(events, visitPartition));
      reader.seekToBeginning(List.of(events, visitPartition));
      EndRule rule = new EndRule(settings);
      Long visitsEnd = null; // once the balance is 0: how far the visits go
      while (visitsEnd == null || reader.position(visitPartition) < visitsEnd) {
        if (closing) {
          throw new WakeupException(); // closed from the visits consumer, on this very thread
        }
        long before = time.nanoTime();
        var records = reader.poll(LONG_POLL);
        if (records.isEmpty() && time.nanoTime() - before >= LONG_POLL.toNanos()) {
          // A poll that waited out its whole time: nothing came. (A poll can also return empty at
          // once, having only stepped over transaction markers; that is news, not idling.)
          idleWakeups.incrementAndGet();
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          if (closing) {
            break;
          }
          if (record.topic().equals(settings.visitsTopic())) {
            Wire.visits(record.value(), this::deliver);
            continue;
          }
          Wire.Delta delta = rule.accept(record);
          if (delta != null) {
            balance.set(rule.balance());
            listings.addAndGet(delta.listings());
            if (!delta.process().equals("seed")) {
              ProcessCounts counts =
                  processes.merge(
                      delta.process(),
                      new ProcessCounts(delta.process(), 0, 0, 0, 0).plus(delta),
                      (a, b) -> a.plus(delta));
              transactionListener.accept(counts);
            }
          } else if (Wire.TOPICS.equals(record.key())) {
            guard.expect(TopicIds.fromBytes(record.value()));
          } else if (Wire.ERROR.equals(record.key())) {
            Wire.Failure f = Wire.failure(record.value());
            errors.add(
                new BranchError<>(
                    codec.decode(f.node()),
                    f.depth(),
                    new RemoteFailure(f.process(), f.message()),
                    f.attempts()));
          }
        }
        if (visitsEnd == null && rule.balanced()) {
          // A 0 summed over topics made again under the crawl's names would mean nothing.
          guard.verify();
          // No transaction can commit from now on (each would take a branch, and all were taken),
          // but one may still be open: a dead process's, which the broker aborts when it times
          // out. It holds back the committed end (the last stable offset) of the visits, and
          // committed visits may lie beyond it. So read up to the end of the log, which counts
          // the open transaction's records too: the position passes them once it is aborted.
          visitsEnd = logEnd(visitPartition);
        }
      }
      endNanos = time.nanoTime();
      if (!rule.announced()) {
        EndRule.announce(settings);
      }
    } catch (WakeupException closed) {
      failure =
          lostTopics != null
              ? lostTopics
              : new KafkaCrawlException(
                  "the crawl " + settings.crawlId() + " was closed before its end");
    } catch (Exception | Error e) {
      // A reader that cannot go on (its position past a topic's end: the topic was made again) is
      // most clearly explained by the guard, when it can tell.
      failure = lostTopics != null ? lostTopics : explained(e);
    } finally {
      if (endNanos == 0) {
        endNanos = time.nanoTime();
      }
      guard.close();
      reader.close();
      presence.close();
      done.countDown();
    }
  }

  /** The end of {@code partition}'s log, counting records of transactions not yet decided. */
  private long logEnd(TopicPartition partition) throws KafkaCrawlException, InterruptedException {
    try (Admin admin = Clients.admin(settings)) {
      return admin
          .listOffsets(
              Map.of(partition, OffsetSpec.latest()),
              new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .partitionResult(partition)
          .get(settings.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .offset();
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaCrawlException(
          "cannot read where the visits of crawl " + settings.crawlId() + " end: " + e, e);
    }
  }

  /** {@code e}, or the guard's finding if the crawl's topics were lost. */
  private Throwable explained(Throwable e) {
    if (!(e instanceof KafkaException) || e instanceof InterruptException) {
      return e;
    }
    try {
      KafkaCrawlException lost = guard.findLoss();
      if (lost == null) {
        return e;
      }
      lost.addSuppressed(e);
      return lost;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  /**
   * The spec of a running crawl, for a process that joins it.
   *
   * @throws KafkaCrawlException if Kafka cannot be reached, or there is no crawl with that id
   * @param settings names the crawl and how to reach it
   * @return the spec its starter wrote
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static CrawlSpec specOf(KafkaCrawlSettings settings)
      throws KafkaCrawlException, InterruptedException {
    return CrawlTopics.spec(settings);
  }

  private void deliver(Wire.VisitRecord v) {
    if (closing) {
      return; // closed mid-pack: no visit after close()
    }
    T node = codec.decode(v.node());
    T parent = v.parent() == null ? null : codec.decode(v.parent());
    visits.accept(
        new Visit<>(node, v.branch() ? Visit.Kind.BRANCH : Visit.Kind.LEAF, v.depth(), parent));
    visitCount.incrementAndGet();
    if (v.branch()) {
      branchVisits.incrementAndGet();
    }
    if (v.depth() > maxDepth) {
      maxDepth = v.depth();
    }
  }

  /**
   * Waits for the end: every branch listed, every visit delivered, the end announced.
   *
   * @return the whole crawl's report
   * @throws KafkaCrawlException if the crawl could not be followed to its end
   * @throws InterruptedException if interrupted while waiting
   */
  public DistributedReport<T> await() throws InterruptedException, KafkaCrawlException {
    done.await();
    watcher.join(); // a returned report means the watcher thread is gone too
    return report();
  }

  /**
   * Waits at most {@code timeout} for the end.
   *
   * @return the report, or {@code null} if the crawl is still running
   * @param timeout how long to wait at most
   * @throws KafkaCrawlException if the crawl could not be followed to its end
   * @throws InterruptedException if interrupted while waiting
   */
  public DistributedReport<T> await(Duration timeout)
      throws InterruptedException, KafkaCrawlException {
    if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return null;
    }
    watcher.join(); // it has counted down its last act: the join is immediate
    return report();
  }

  private DistributedReport<T> report() throws KafkaCrawlException {
    Throwable e = failure;
    if (e != null) {
      throw e instanceof KafkaCrawlException k
          ? k
          : new KafkaCrawlException(
              "following the crawl " + settings.crawlId() + " failed: " + e, e);
    }
    long all = visitCount.get();
    long branches = branchVisits.get();
    CrawlReport<T> report =
        CrawlReport.<T>builder(errors.isEmpty() ? Outcome.COMPLETE : Outcome.PARTIAL)
            .branches(branches)
            .leaves(all - branches)
            .listings(listings.get())
            .errors(errors)
            .maxDepth(maxDepth)
            .elapsed(Duration.ofNanos(endNanos - startNanos))
            .build();
    return new DistributedReport<>(settings.crawlId(), report, processes);
  }

  /**
   * The whole crawl's counts so far, as committed; pending branches are the balance.
   *
   * @return the counts now
   */
  public CrawlProgress progress() {
    long all = visitCount.get();
    long branches = branchVisits.get();
    return new CrawlProgress(
        all,
        branches,
        all - branches,
        listings.get(),
        0,
        Math.max(0, balance.get()),
        0,
        Duration.ofNanos((done.getCount() == 0 ? endNanos : time.nanoTime()) - startNanos));
  }

  /**
   * The crawl's id.
   *
   * @return the id its settings name
   */
  public String crawlId() {
    return settings.crawlId();
  }

  /**
   * Tells {@code listener} of each transaction an engine process commits from now on, with that
   * process's counts so far; on the watcher thread, so it must be quick. For progress by process.
   *
   * @param listener told of each committed transaction; replaces the one before
   */
  public void onTransaction(Consumer<? super ProcessCounts> listener) {
    this.transactionListener = Objects.requireNonNull(listener, "listener");
  }

  /** For tests: polls of the watcher that waited out their whole time for nothing. */
  long idleWakeups() {
    return idleWakeups.get();
  }

  /**
   * Stops following the crawl (the engine processes go on until one of them announces the end), and
   * waits for the watcher to stop; called from the visits consumer (the watcher's own thread), it
   * returns at once and the watcher stops after the current visit.
   */
  @Override
  public void close() {
    closing = true;
    if (Thread.currentThread() == watcher) {
      return; // joining ourselves would wait for ever
    }
    if (done.getCount() > 0) {
      reader.wakeup();
    }
    EndWatch.joinUninterruptibly(watcher);
  }

  /** A branch error as another process reported it: its message, and which process. */
  public static final class RemoteFailure extends Exception {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The engine process that listed the branch. */
    private final String process;

    RemoteFailure(String process, String message) {
      super(message);
      this.process = process;
    }

    /**
     * The engine process that listed the branch.
     *
     * @return its id
     */
    public String process() {
      return process;
    }
  }
}
