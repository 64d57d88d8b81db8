package dev.crawler.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.Main;
import dev.crawler.kafka.KafkaBroker;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl join} killed with -9 mid-crawl and started again on the same machine, in JVMs of
 * their own, on a real broker: the restart takes its predecessor's slot (the same transactional id,
 * which fences it), and every person is visited exactly once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaRestartTest {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final int PEOPLE = 3_000;
  @TempDir static Path dir;
  private static KafkaBroker broker;
  private final List<Process> joiners = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void killJoiners() {
    for (Process p : joiners) {
      p.destroyForcibly();
      p.onExit().join();
    }
  }

  /** {@code crawl join} in a JVM of its own, its stderr in {@code log}. */
  private Process join(String id, Path log) throws Exception {
    Process p =
        new ProcessBuilder(
                JAVA,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "join",
                "--kafka",
                broker.bootstrap(),
                "--crawl",
                id,
                "-j",
                "2")
            .redirectInput(new File("/dev/null"))
            .redirectOutput(dir.resolve(log.getFileName() + ".out").toFile())
            .redirectError(log.toFile())
            .start();
    joiners.add(p);
    return p;
  }

  @Test
  void aJoinerKilledAndStartedAgain_fencesItsPredecessorThroughItsSlot_everyPersonOnce()
      throws Exception {
    String id = "restart-" + Long.toHexString(System.nanoTime());
    // 300 ms a query: the chart takes seconds to list, so the kill lands mid-crawl and the restart
    // joins it.
    CompletableFuture<CliRun> started =
        CompletableFuture.supplyAsync(
            () ->
                CliRun.of(
                    "ldap",
                    "--root",
                    "ceo",
                    "--demo-people",
                    String.valueOf(PEOPLE),
                    "--demo-latency",
                    "300ms",
                    "-q",
                    "--stats",
                    "-j",
                    "2",
                    "--kafka",
                    broker.bootstrap(),
                    "--crawl-id",
                    id));
    try (KafkaConsumer<String, byte[]> events = eventReader(id)) {
      Set<String> committed = new HashSet<>();
      while (committed.size() < 1) { // the starter's engine commits first: the crawl exists
        committed.addAll(committers(events));
        assertTrue(!started.isDone(), () -> "the starter ended first: " + started.join().err());
      }
      Process first = join(id, dir.resolve("first.log"));
      while (committed.size()
          < 2) { // the first joiner committed a transaction: it is in its slot, mid-crawl
        committed.addAll(committers(events));
        assertTrue(
            first.isAlive(),
            "the first joiner exited: " + Files.readString(dir.resolve("first.log")));
      }
      first.destroyForcibly(); // kill -9, most likely mid-transaction
      first.waitFor();
      Process again = join(id, dir.resolve("again.log"));
      CliRun run = started.get();
      assertEquals(0, run.exit(), run.err());
      assertTrue(
          again.waitFor(60, TimeUnit.SECONDS), "the restarted joiner did not exit after the end");
      String againLog = Files.readString(dir.resolve("again.log"));
      assertEquals(0, again.exitValue(), againLog);
      assertTrue(againLog.contains("crawl: " + id + " ended"), againLog);

      assertEquals(PEOPLE, run.lines().size(), run.err());
      Matcher stats = Pattern.compile("COMPLETE in [0-9.]+ s: ([0-9,]+) people").matcher(run.err());
      assertTrue(stats.find(), run.err());
      assertEquals(
          PEOPLE,
          Integer.parseInt(stats.group(1).replace(",", "")),
          "every person's visit committed once, whatever the kill left open: " + run.err());

      // The seed's, the starter's engine's, and one slot for both joiners: the restart reused its
      // id.
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
        List<String> ids =
            admin.listTransactions().all().get(1, TimeUnit.MINUTES).stream()
                .map(TransactionListing::transactionalId)
                .filter(t -> t.startsWith("crawler." + id + "."))
                .sorted()
                .toList();
        assertEquals(3, ids.size(), "transactional ids: " + ids);
      }
      Pattern process = Pattern.compile("^  process (\\S+):", Pattern.MULTILINE);
      Set<String> processes = new HashSet<>();
      for (Matcher m = process.matcher(run.err()); m.find(); ) {
        processes.add(m.group(1));
      }
      assertEquals(
          2,
          processes.size(),
          "the killed joiner and its restart are one process of the crawl: " + run.err());
    }
  }

  private static KafkaConsumer<String, byte[]> eventReader(String id) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.assign(List.of(new TopicPartition("crawler." + id + ".events", 0)));
    consumer.seekToBeginning(consumer.assignment());
    return consumer;
  }

  /**
   * The processes of the transactions committed since the last call: a delta begins with its
   * process.
   */
  private static Set<String> committers(KafkaConsumer<String, byte[]> events) throws Exception {
    Set<String> processes = new HashSet<>();
    for (ConsumerRecord<String, byte[]> record : events.poll(Duration.ofMillis(500))) {
      if ("delta".equals(record.key())) {
        String process = new DataInputStream(new ByteArrayInputStream(record.value())).readUTF();
        if (!process.equals("seed")) {
          processes.add(process);
        }
      }
    }
    return processes;
  }
}
