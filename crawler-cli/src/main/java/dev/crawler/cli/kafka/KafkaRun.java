package dev.crawler.cli.kafka;

import dev.crawler.cli.common.CommandCrawl;
import dev.crawler.cli.common.CrawlOptions;
import dev.crawler.cli.common.ExitStatus;
import dev.crawler.cli.common.Failures;
import dev.crawler.cli.common.ProgressPrinter;
import dev.crawler.cli.common.UserError;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Visit;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.kafka.ClientProperties;
import dev.crawler.kafka.CrawlLifetime;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.kafka.Crawls;
import dev.crawler.kafka.DistributedCrawl;
import dev.crawler.kafka.DistributedReport;
import dev.crawler.kafka.EngineProcess;
import dev.crawler.kafka.KafkaCrawlException;
import dev.crawler.kafka.KafkaCrawlSettings;
import dev.crawler.kafka.ProcessCounts;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code crawl fs ... --kafka} and {@code crawl ldap ... --kafka}: starts a crawl over Kafka, runs
 * this process's own engine on it, and prints the whole crawl's visits as they commit; other
 * machines add theirs with {@code crawl join}. The output, its formats and the exit codes are those
 * of a local crawl.
 */
public final class KafkaRun {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KafkaRun.class);

  /** What {@code --kafka-config} does, for every command that takes it. */
  public static final String CONFIG_HELP =
      "Kafka client settings from a properties file, as Kafka's own tools take them:"
          + " security.protocol, sasl.*, ssl.* (SASL_SSL, TLS, mTLS, SCRAM, OAuth). Passwords go"
          + " there, never on the command line. Each process reads its own file: nothing of it goes"
          + " to Kafka or to the other processes. Keys the crawl sets itself are refused:"
          + " isolation.level, enable.idempotence, transactional.id, acks, group.id, its timeouts,"
          + " bootstrap.servers (that is --kafka); but transaction.timeout.ms is taken as the"
          + " crawl's transaction timeout (default 10000): raise it when a crawl ends PARTIAL"
          + " because a listing outlasted it (the brokers' transaction.max.timeout.ms, 15 minutes"
          + " by default, bounds it).";

  private KafkaRun() {}

  /** Refuses {@code --kafka-config} alone: it would be ignored. */
  public static void refuseConfigWithoutKafka(String kafka, Path kafkaConfig) throws UserError {
    if (kafka == null && kafkaConfig != null) {
      throw new UserError("--kafka-config is for a crawl over Kafka: give --kafka HOST:PORT too");
    }
  }

  /**
   * The client settings of {@code --kafka-config}, or none without it; a bad file is the flag's
   * error.
   */
  static ClientProperties clientProperties(Path file) throws UserError {
    if (file == null) {
      return ClientProperties.NONE;
    }
    try {
      return ClientProperties.read(file);
    } catch (NoSuchFileException e) {
      throw new UserError("cannot read --kafka-config " + file + ": no such file", e);
    } catch (IOException e) {
      throw new UserError("cannot read --kafka-config " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UserError("bad --kafka-config: " + e.getMessage(), e);
    }
  }

  /** This machine's name, as processes of a crawl tell each other apart; "host" if it has none. */
  public static String hostName() {
    return HostName.NAME;
  }

  /**
   * Looked up once: the lookup may ask a resolver, and a joiner needs the name two or three times.
   */
  private static final class HostName {
    static final String NAME = lookUp();

    private static String lookUp() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        return "host";
      }
    }
  }

  /**
   * A process id of this process alone: host, pid, and a random tail (a pid can come back). For
   * when it has no {@link ProcessSlot}.
   */
  static String processId() {
    return (hostName()
            + "-"
            + ProcessHandle.current().pid()
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt()))
        .replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * The settings of a new crawl from the command line's {@code --kafka}, {@code --kafka-config},
   * {@code --crawl-id} (or a new id of {@code kind}) and workers; a bad address is the flag's
   * error.
   */
  public static KafkaCrawlSettings settings(
      String kafka, Path kafkaConfig, String crawlId, String kind, int workers) throws UserError {
    return existing(kafka, kafkaConfig, crawlId == null ? newCrawlId(kind) : crawlId, workers);
  }

  /**
   * The settings to reach crawl {@code crawlId}, which exists or may (join, attach, crawls), from
   * {@code --kafka} and {@code --kafka-config}; {@code workers}, when given, is checked here,
   * before any broker is asked. A bad address is the flag's error.
   */
  static KafkaCrawlSettings existing(
      String kafka, Path kafkaConfig, String crawlId, Integer workers) throws UserError {
    ClientProperties client = clientProperties(kafkaConfig);
    try {
      KafkaCrawlSettings settings = KafkaCrawlSettings.of(kafka, crawlId).withClient(client);
      return workers == null ? settings : settings.withWorkers(workers);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage().replace("bad Kafka address", "bad --kafka address"), e);
    }
  }

  /** A crawl id nobody has: the kind (fs, ldap), the time, and a random tail. */
  static String newCrawlId(String kind) {
    return kind
        + "-"
        + Long.toString(System.currentTimeMillis(), 36)
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
  }

  /**
   * Runs the crawl to its end.
   *
   * @param accept prints one visit (on the thread that follows the crawl)
   * @param units what --stats calls a listing and a visit ("directories listed", "entries")
   * @param lifetime how long the crawl outlives its end (--keep, --keep-for)
   * @return the whole crawl's report, or {@code null} if stdout's reader went away first
   * @throws ExitStatus.OutputFailedException if the output could not be written (a full disk)
   * @throws ExitStatus.CrawlFailedException if the crawl could not be followed to its end (its
   *     topics lost, Kafka lost), or this process's engine failed and no other process lists the
   *     crawl: either way the output is partial (exit 1, as a joiner's)
   */
  public static <T, S> CrawlReport<T> run(
      KafkaCrawlSettings settings,
      CrawlSpec spec,
      BranchSource<T, S> source,
      NodeCodec<T> codec,
      List<T> roots,
      Consumer<Visit<T>> accept,
      CommandCrawl session,
      CrawlOptions options,
      PrintStream err,
      String[] units,
      CrawlLifetime lifetime)
      throws UserError,
          InterruptedException,
          ExitStatus.OutputFailedException,
          ExitStatus.CrawlFailedException {
    try (ProcessSlot slot = ProcessSlot.claim(settings.crawlId())) {
      return run(
          settings, spec, source, codec, roots, accept, session, options, err, units, lifetime,
          slot);
    }
  }

  private static <T, S> CrawlReport<T> run(
      KafkaCrawlSettings settings,
      CrawlSpec spec,
      BranchSource<T, S> source,
      NodeCodec<T> codec,
      List<T> roots,
      Consumer<Visit<T>> accept,
      CommandCrawl session,
      CrawlOptions options,
      PrintStream err,
      String[] units,
      CrawlLifetime lifetime,
      ProcessSlot slot)
      throws UserError,
          InterruptedException,
          ExitStatus.OutputFailedException,
          ExitStatus.CrawlFailedException {
    EngineProcess<T, S> engine = EngineProcess.of(settings, source, codec, slot.name());
    DistributedCrawl<T> crawl;
    try {
      crawl = DistributedCrawl.start(settings, spec, roots, codec, accept);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (!lifetime.equals(CrawlLifetime.DEFAULT)) {
      try {
        Crawls.setLifetime(settings, lifetime);
      } catch (KafkaCrawlException e) {
        err.println("crawl: " + e.getMessage() + "; it is deleted a day after its end");
      }
    }
    Cleanup cleanup = Cleanup.start(settings);
    if (!options.quiet) {
      err.println(
          "crawl: crawl "
              + settings.crawlId()
              + " at "
              + settings.bootstrap()
              + "; add machines with: crawl join"
              + " --kafka "
              + settings.bootstrap()
              + " --crawl "
              + settings.crawlId()
              + (settings.client().isEmpty() ? "" : " --kafka-config FILE (its own)")
              + "; should this process stop, print the crawl with: crawl attach --kafka "
              + settings.bootstrap()
              + " --crawl "
              + settings.crawlId());
    }
    try {
      return follow(
          settings, crawl, engine, false, session, options.quiet, options.stats, err, units);
    } catch (KafkaCrawlException e) { // not followed to its end: the output is partial
      throw new ExitStatus.CrawlFailedException(e);
    } finally {
      cleanup.finish(err, options.quiet);
    }
  }

  /**
   * Runs {@code engine} (if any) on a thread of its own and follows {@code crawl} to its end,
   * printing its visits through {@code session}.
   *
   * @param engine this process's engine, or {@code null} if it lists nothing
   * @param aloneMayList whether {@code engine} may be the only process left that lists (a crawl
   *     attached to): if it fails, nobody may finish the crawl, so following it stops there, with a
   *     failure, rather than wait for ever
   * @return the whole crawl's report, or {@code null} if stdout's reader went away first
   * @throws ExitStatus.OutputFailedException if the output could not be written (a full disk)
   * @throws KafkaCrawlException if the crawl could not be followed to its end once it ran (its
   *     topics lost or made again, Kafka lost), or the engine failed and {@code aloneMayList}, or
   *     no other process lists: the output is partial. Never a {@link UserError}: the input was
   *     good, the crawl is incomplete (exit 1, as a joiner that lost the crawl exits)
   */
  static <T, S> CrawlReport<T> follow(
      KafkaCrawlSettings settings,
      DistributedCrawl<T> crawl,
      EngineProcess<T, S> engine,
      boolean aloneMayList,
      CommandCrawl session,
      boolean quiet,
      boolean stats,
      PrintStream err,
      String[] units)
      throws UserError,
          InterruptedException,
          ExitStatus.OutputFailedException,
          KafkaCrawlException {
    AtomicReference<Throwable> engineFailure = new AtomicReference<>();
    AtomicBoolean nobodyLists = new AtomicBoolean();
    Thread local =
        new Thread(
            () -> {
              if (engine == null) {
                return;
              }
              try {
                engine.run();
              } catch (Exception e) {
                engineFailure.set(e);
                if (aloneMayList) {
                  crawl.close(); // the await below ends, and says why
                } else if (nobodyElseLists(settings, crawl)) {
                  nobodyLists.set(true);
                  crawl.close(); // nobody will finish it: the await below ends rather than wait for
                  // ever
                }
              }
            },
            "crawl-kafka-engine");
    local.start();
    DistributedReport<T> report;
    try (crawl) {
      session.followDistributed(crawl::close);
      ProgressPrinter progress = session.progress(crawl::progress);
      try {
        report = crawl.await();
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
    } catch (KafkaCrawlException e) {
      if (engine != null) {
        engine.abandon(); // the crawl cannot be followed: nothing this process would commit counts
        // now
      }
      local.join();
      if (session.out.failed()) {
        session.out.checkWritten(); // not a reader that went away: the output cannot be written
        return null; // the reader went away and we stopped following; the other processes finish
      }
      Throwable failed = engineFailure.get();
      if (failed != null && nobodyLists.get()) {
        throw new KafkaCrawlException(
            "this process could not list ("
                + Failures.describe(failed)
                + "), and no other process lists crawl "
                + settings.crawlId()
                + "; the output is partial: add one with "
                + "crawl join, and print the whole crawl with crawl attach --kafka "
                + settings.bootstrap()
                + " --crawl "
                + settings.crawlId(),
            failed);
      }
      if (failed != null && aloneMayList) {
        throw new KafkaCrawlException(
            "this process could not list ("
                + Failures.describe(failed)
                + "), and may be the only one left that lists; the output is partial: attach again"
                + " when it can",
            failed);
      }
      throw e; // its topics lost, Kafka lost: an incomplete crawl, not bad input
    }
    local.join();
    if (engineFailure.get() != null && !quiet) {
      err.println(
          "crawl: this process's engine stopped early ("
              + engineFailure.get().getMessage()
              + "); the others finished the crawl");
    }
    if (stats) {
      for (ProcessCounts p : report.processes().values()) {
        err.printf(
            Locale.ROOT,
            "  process %s: %,d %s, %,d %s, %,d transactions%n",
            p.process(),
            p.listings(),
            units[0],
            p.visits(),
            units[1],
            p.transactions());
      }
    }
    return report.report();
  }

  /** How often a process whose engine failed looks whether any other process lists its crawl. */
  static final Duration LISTERS_LOOK = Duration.ofSeconds(2);

  /**
   * After this process's engine failed, while the crawl runs: whether no process lists it any more
   * (its engine group empty at two looks in a row, {@link #LISTERS_LOOK} apart), so that nobody
   * would ever finish it. {@code false} once the crawl ends or cannot be followed: the await in
   * {@code follow} then says so itself.
   */
  private static boolean nobodyElseLists(KafkaCrawlSettings settings, DistributedCrawl<?> crawl) {
    int emptyLooks = 0;
    try {
      while (crawl.await(LISTERS_LOOK) == null) { // waits LISTERS_LOOK, or less when the crawl ends
        emptyLooks = Crawls.describe(settings).processes() == 0 ? emptyLooks + 1 : 0;
        if (emptyLooks == 2) {
          return true;
        }
      }
    } catch (KafkaCrawlException e) {
      log.debug("no longer looking for the processes that list {}", settings.crawlId(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * The cleanup a crawl's start runs at its broker, beside the crawl: deletes the finished crawls
   * whose grace period has passed and that no process lists or reads ({@link Crawls#sweep}). The
   * crawl waits for it before it reports, so a command never leaves one half done.
   */
  private static final class Cleanup {
    private final Thread thread;
    private volatile List<String> deleted = List.of();
    private volatile Exception failure;

    private Cleanup(KafkaCrawlSettings settings) {
      this.thread =
          new Thread(
              () -> {
                try {
                  deleted = Crawls.sweep(settings, java.time.Instant.now());
                } catch (KafkaCrawlException | RuntimeException e) {
                  failure = e;
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "crawl-kafka-cleanup");
      this.thread.setDaemon(true);
    }

    static Cleanup start(KafkaCrawlSettings settings) {
      Cleanup cleanup = new Cleanup(settings);
      cleanup.thread.start();
      return cleanup;
    }

    /** Waits for the cleanup and says what it deleted, or why it could not, unless quiet. */
    void finish(PrintStream err, boolean quiet) throws InterruptedException {
      thread.join();
      List<String> gone = deleted;
      Exception e = failure;
      if (quiet) {
        return;
      }
      if (!gone.isEmpty()) {
        err.println(
            "crawl: deleted "
                + gone.size()
                + (gone.size() == 1
                    ? " finished crawl past its grace period: "
                    : " finished crawls past their grace period: ")
                + String.join(", ", gone));
      }
      if (e != null) {
        err.println("crawl: could not clean up finished crawls: " + e.getMessage());
      }
    }
  }
}
