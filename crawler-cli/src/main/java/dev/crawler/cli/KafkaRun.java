package dev.crawler.cli;

import dev.crawler.core.CrawlReport;
import dev.crawler.core.Visit;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.kafka.ClientProperties;
import dev.crawler.kafka.CrawlSpec;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code crawl fs ... --kafka} and {@code crawl ldap ... --kafka}: starts a crawl over Kafka, runs
 * this process's own engine on it, and prints the whole crawl's visits as they commit; other
 * machines add theirs with {@code crawl join}. The output, its formats and the exit codes are
 * those of a local crawl.
 */
final class KafkaRun {
  /** What {@code --kafka-config} does, for every command that takes it. */
  static final String CONFIG_HELP = "Kafka client settings from a properties file, as Kafka's own tools take "
      + "them: security.protocol, sasl.*, ssl.* (SASL_SSL, TLS, mTLS, SCRAM, OAuth). Passwords go there, never on "
      + "the command line. Each process reads its own file: nothing of it goes to Kafka or to the other processes. "
      + "Keys the crawl sets itself are refused: isolation.level, enable.idempotence, transactional.id, acks, "
      + "group.id, its timeouts, bootstrap.servers (that is --kafka).";

  private KafkaRun() {}

  /** Refuses {@code --kafka-config} alone: it would be ignored. */
  static void refuseConfigWithoutKafka(String kafka, Path kafkaConfig) throws UserError {
    if (kafka == null && kafkaConfig != null) {
      throw new UserError("--kafka-config is for a crawl over Kafka: give --kafka HOST:PORT too");
    }
  }

  /** The client settings of {@code --kafka-config}, or none without it; a bad file is the flag's error. */
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
  static String hostName() {
    return HostName.NAME;
  }

  /** Looked up once: the lookup may ask a resolver, and a joiner needs the name two or three times. */
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

  /** This process's id in a crawl: host, pid, and a random tail (a pid can come back). */
  static String processId() {
    return (hostName() + "-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()))
        .replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * The settings of a new crawl from the command line's {@code --kafka}, {@code --kafka-config}, {@code --crawl-id} (or
   * a new id of {@code kind}) and workers; a bad address is the flag's error.
   */
  static KafkaCrawlSettings settings(String kafka, Path kafkaConfig, String crawlId, String kind, int workers)
      throws UserError {
    ClientProperties client = clientProperties(kafkaConfig);
    try {
      return KafkaCrawlSettings.of(kafka, crawlId == null ? newCrawlId(kind) : crawlId).withWorkers(workers)
          .withClient(client);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage().replace("bad Kafka address", "bad --kafka address"), e);
    }
  }

  /** A crawl id nobody has: the kind (fs, ldap), the time, and a random tail. */
  static String newCrawlId(String kind) {
    return kind + "-" + Long.toString(System.currentTimeMillis(), 36) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
  }

  /**
   * Runs the crawl to its end.
   *
   * @param accept prints one visit (on the thread that follows the crawl)
   * @param units what --stats calls a listing and a visit ("directories listed", "entries")
   * @return the whole crawl's report, or {@code null} if stdout's reader went away first
   * @throws ExitStatus.OutputFailedException if the output could not be written (a full disk)
   */
  static <T, S> CrawlReport<T> run(KafkaCrawlSettings settings, CrawlSpec spec, BranchSource<T, S> source,
      NodeCodec<T> codec, List<T> roots, Consumer<Visit<T>> accept, CommandCrawl session, CrawlOptions options,
      PrintStream err, String[] units) throws UserError, InterruptedException, ExitStatus.OutputFailedException {
    EngineProcess<T, S> engine = EngineProcess.of(settings, source, codec, processId());
    DistributedCrawl<T> crawl;
    try {
      crawl = DistributedCrawl.start(settings, spec, roots, codec, accept);
    } catch (KafkaCrawlException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (!options.quiet) {
      err.println("crawl: crawl " + settings.crawlId() + " at " + settings.bootstrap() + "; add machines with: crawl join"
          + " --kafka " + settings.bootstrap() + " --crawl " + settings.crawlId()
          + (settings.client().isEmpty() ? "" : " --kafka-config FILE (its own)"));
    }
    AtomicReference<Throwable> engineFailure = new AtomicReference<>();
    Thread local = new Thread(() -> {
      try {
        engine.run();
      } catch (Exception e) {
        engineFailure.set(e);
      }
    }, "crawl-kafka-engine");
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
      engine.abandon(); // the crawl cannot be followed: nothing this process would commit counts now
      local.join();
      if (session.out.failed()) {
        session.out.checkWritten(); // not a reader that went away: the output cannot be written
        return null; // the reader went away and we stopped following; the other processes finish
      }
      throw new UserError(e.getMessage(), e);
    }
    local.join();
    if (engineFailure.get() != null && !options.quiet) {
      err.println("crawl: this process's engine stopped early (" + engineFailure.get().getMessage()
          + "); the others finished the crawl");
    }
    if (options.stats) {
      for (ProcessCounts p : report.processes().values()) {
        err.printf(Locale.ROOT, "  process %s: %,d %s, %,d %s, %,d transactions%n",
            p.process(), p.listings(), units[0], p.visits(), units[1], p.transactions());
      }
    }
    return report.report();
  }
}
