package dev.crawler.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.CrawlProcess;
import dev.crawler.fs.TestTrees;
import dev.crawler.kafka.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A joiner never lists another tree into a crawl: in JVMs of their own, each in a working directory
 * of its own, on a real broker. A joiner from another directory with the same relative root once
 * crawled a foreign tree into a crawl that ended COMPLETE, exit 0.
 */
class KafkaJoinSafetyTest {
  @TempDir static Path dir;
  private static KafkaBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void aJoinerThatSeesTheRelativeRootAsAnotherDirectory_refusesInOneLine_exitTwo()
      throws Exception {
    Path starterDir = Files.createDirectories(dir.resolve("starter"));
    TestTrees.populate(Files.createDirectories(starterDir.resolve("tree")));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(
        Files.createDirectories(elsewhere.resolve("tree").resolve("foreign")).resolve("f"), "x");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path notDirectory = Files.createDirectories(dir.resolve("not-a-directory"));
    Files.writeString(notDirectory.resolve("tree"), "a file");
    Path linked = Files.createDirectories(dir.resolve("linked"));
    Files.createSymbolicLink(linked.resolve("tree"), starterDir.resolve("tree"));
    String id = "root-" + Long.toHexString(System.nanoTime());

    CrawlProcess started =
        CrawlProcess.in(
            starterDir.toFile(),
            Map.of(),
            null,
            "fs",
            "-q",
            "-0",
            "--kafka",
            broker.bootstrap(),
            "--crawl-id",
            id,
            "tree");
    assertEquals(0, started.exit(), started.err());
    assertEquals(
        TestTrees.find(starterDir.resolve("tree")).stream()
            .map(p -> p.substring(starterDir.toString().length() + 1))
            .collect(Collectors.toSet()),
        TestTrees.splitNul(started.out()),
        "the starter prints the paths as given, relative");

    String[] join = {"join", "-q", "--kafka", broker.bootstrap(), "--crawl", id};
    String prefix =
        "crawl: cannot join the crawl "
            + id
            + ": its root tree is "
            + starterDir.resolve("tree")
            + " at the starter, and here it is ";
    String hint = "; the root is relative: run crawl join in " + starterDir;
    CrawlProcess foreign = CrawlProcess.in(elsewhere.toFile(), Map.of(), null, join);
    assertRefused(
        foreign,
        prefix + elsewhere.resolve("tree") + " (device ",
        "another directory than the starter's");
    assertTrue(foreign.err().strip().endsWith(hint), foreign.err());
    assertRefused(
        CrawlProcess.in(empty.toFile(), Map.of(), null, join),
        prefix + empty.resolve("tree") + ", which does not exist" + hint,
        "");
    assertRefused(
        CrawlProcess.in(notDirectory.toFile(), Map.of(), null, join),
        prefix + notDirectory.resolve("tree") + ", which is not a directory" + hint,
        "");

    // A link to the starter's very directory is that directory: the joiner joins (the crawl has
    // ended, so it has nothing left to do).
    CrawlProcess same = CrawlProcess.in(linked.toFile(), Map.of(), null, join);
    assertEquals(0, same.exit(), same.err());
  }

  /**
   * The topics' flags reach the topics, and a joiner sends to the partitions the crawl has, not its
   * default.
   */
  @Test
  void topicFlags_makeTheTopics_andAJoinerUsesTheCrawlsPartitions() throws Exception {
    Path root = Files.createDirectories(dir.resolve("flags-tree"));
    TestTrees.populate(root);
    for (int d = 0; d < 30; d++) {
      Files.createDirectories(root.resolve("many").resolve("d" + d).resolve("deeper"));
    }
    String id = "flags-" + Long.toHexString(System.nanoTime());
    java.util.concurrent.CompletableFuture<CliRun> started =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                CliRun.of(
                    "fs",
                    "-0",
                    "-q",
                    "-j",
                    "1",
                    "--kafka",
                    broker.bootstrap(),
                    "--crawl-id",
                    id,
                    "--kafka-partitions",
                    "3",
                    "--kafka-replication",
                    "1",
                    "--kafka-retention",
                    "30h",
                    root.toString()));
    CliRun joined = null;
    for (int attempt = 0; attempt < 100 && (joined == null || joined.exit() == 2); attempt++) {
      joined = CliRun.of("join", "-q", "--kafka", broker.bootstrap(), "--crawl", id, "-j", "2");
      if (joined.exit() == 2) {
        assertTrue(joined.err().startsWith("crawl: no crawl with id " + id), joined.err());
        started.getNow(null);
        Thread.onSpinWait();
      }
    }
    CliRun run = started.get();
    assertEquals(0, run.exit(), run.err());
    assertEquals(0, joined.exit(), joined.err());
    assertEquals(TestTrees.find(root), TestTrees.splitNul(run.out()));
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", broker.bootstrap()))) {
      String branches = "crawler." + id + ".branches";
      assertEquals(
          3,
          admin
              .describeTopics(java.util.List.of(branches))
              .allTopicNames()
              .get()
              .get(branches)
              .partitions()
              .size());
      var resource =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, branches);
      assertEquals(
          String.valueOf(java.time.Duration.ofHours(30).toMillis()),
          admin
              .describeConfigs(java.util.List.of(resource))
              .all()
              .get()
              .get(resource)
              .get("retention.ms")
              .value());
    }
  }

  @Test
  void badTopicFlags_areOneLine_exitTwo() throws Exception {
    Path root = Files.createDirectories(dir.resolve("bad-flags"));
    String[][] cases = {
      {
        "crawl: --kafka-partitions is for a crawl over Kafka: give --kafka HOST:PORT too",
        "fs",
        "--kafka-partitions",
        "3",
        root.toString()
      },
      {
        "crawl: --kafka-partitions must be from 1 to 10000, not 0",
        "fs",
        "--kafka",
        broker.bootstrap(),
        "--kafka-partitions",
        "0",
        root.toString()
      },
      {
        "crawl: the crawl's topics need 2 replicas, and Kafka at "
            + broker.bootstrap()
            + " has 1 broker: ask for 1 or"
            + " fewer",
        "ldap",
        "-q",
        "--root",
        "ceo",
        "--kafka",
        broker.bootstrap(),
        "--kafka-replication",
        "2"
      }
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
      CliRun run = CliRun.of(args);
      String what = String.join(" ", args) + " -> " + run.err();
      assertEquals(2, run.exit(), what);
      assertEquals(c[0], run.err().strip(), what);
    }
  }

  /**
   * Topics deleted under a running crawl (as a broker that lost its log does): the starter and a
   * joiner in a JVM of its own each say so in one line and exit non-zero, within bounded time.
   */
  @Test
  void topicsDeletedUnderARunningCrawl_starterAndJoinerSaySoInOneLine() throws Exception {
    String id = "lost-" + Long.toHexString(System.nanoTime());
    java.util.concurrent.CompletableFuture<CliRun> started =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                CliRun.of(
                    "ldap",
                    "-q",
                    "--root",
                    "ceo",
                    "--demo-people",
                    "3000",
                    "--demo-latency",
                    "200ms",
                    "-j",
                    "1",
                    "--kafka",
                    broker.bootstrap(),
                    "--crawl-id",
                    id));
    java.util.concurrent.CompletableFuture<CrawlProcess> joined =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                CrawlProcess run = null;
                for (int attempt = 0;
                    attempt < 100
                        && (run == null
                            || run.exit() == 2 && run.err().startsWith("crawl: no crawl with id"));
                    attempt++) {
                  run =
                      CrawlProcess.run(
                          Map.of(),
                          null,
                          "join",
                          "-q",
                          "-j",
                          "1",
                          "--kafka",
                          broker.bootstrap(),
                          "--crawl",
                          id);
                }
                return run;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    String events = "crawler." + id + ".events";
    try (org.apache.kafka.clients.admin.Admin admin =
            org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrap()));
        var events0 =
            new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
                Map.of(
                    "bootstrap.servers",
                    broker.bootstrap(),
                    "isolation.level",
                    "read_committed",
                    "allow.auto.create.topics",
                    "false"),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      // Some transactions committed: the crawl runs. (The poll waits for them; none is made by
      // asking.)
      events0.assign(java.util.List.of(new org.apache.kafka.common.TopicPartition(events, 0)));
      for (int seen = 0; seen < 8; seen += events0.poll(java.time.Duration.ofSeconds(1)).count()) {
        assertTrue(
            !started.isDone() && !joined.isDone(),
            "the crawl ended before its topics could be deleted");
      }
      admin
          .deleteTopics(
              java.util.List.of("crawler." + id + ".branches", "crawler." + id + ".visits", events))
          .all()
          .get();
    }
    CliRun run = started.get(2, java.util.concurrent.TimeUnit.MINUTES);
    String lost = "the crawl " + id + " lost its records at " + broker.bootstrap() + ": the topic ";
    // An incomplete crawl (1), as for the joiner: the input was good. It was 2, bad input, for the
    // starter.
    assertEquals(1, run.exit(), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("crawl: the crawl failed: " + lost), run.err());
    CrawlProcess joiner = joined.get(2, java.util.concurrent.TimeUnit.MINUTES);
    assertEquals(1, joiner.exit(), joiner.err());
    assertEquals(1, joiner.err().lines().count(), joiner.err());
    assertTrue(joiner.err().startsWith("crawl: " + lost), joiner.err());
  }

  private static void assertRefused(CrawlProcess run, String start, String contains) {
    assertEquals(2, run.exit(), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith(start), run.err());
    assertTrue(run.err().contains(contains), run.err());
    assertEquals(0, run.out().length);
  }
}
