package dev.crawler.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.cli.CrawlProcess;
import dev.crawler.fs.TestTrees;
import dev.crawler.kafka.KafkaBroker;
import dev.crawler.kafka.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --kafka-config} on a real broker whose client listener is SASL_SSL (SCRAM-SHA-512, a
 * certificate from a CA made here and trusted nowhere else): the crawl works with the right file,
 * each process giving its own, and a wrong password or a key the crawl sets itself is one line,
 * exit 2.
 */
class SecureKafkaCommandTest {
  private static final String USER = "crawler";
  private static final String PASSWORD = "s3cret-" + Long.toHexString(System.nanoTime());

  @TempDir static Path dir;
  private static KafkaBroker broker;
  private static Path root;
  private static Path rightConfig;
  private static Path wrongPassword;

  @BeforeAll
  static void start() throws Exception {
    TestCa ca = TestCa.make(Files.createDirectories(dir.resolve("ca")));
    broker =
        KafkaBroker.startSecured(
            Files.createDirectories(dir.resolve("broker")), ca, USER, PASSWORD);
    rightConfig =
        Files.writeString(
            dir.resolve("client.properties"),
            ca.clientProperties(USER, PASSWORD),
            StandardCharsets.ISO_8859_1);
    wrongPassword =
        Files.writeString(
            dir.resolve("wrong.properties"),
            ca.clientProperties(USER, PASSWORD + "x"),
            StandardCharsets.ISO_8859_1);
    root = Files.createDirectories(dir.resolve("tree"));
    TestTrees.populate(root);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void fsOverSaslSsl_withTheRightFile_andAJoinedProcess_printsWhatFindPrints() throws Exception {
    String id = "secure-" + Long.toHexString(System.nanoTime());
    CompletableFuture<CliRun> started =
        CompletableFuture.supplyAsync(
            () ->
                CliRun.of(
                    "fs",
                    "-0",
                    "-j",
                    "2",
                    "--kafka",
                    broker.secureBootstrap(),
                    "--kafka-config",
                    rightConfig.toString(),
                    "--crawl-id",
                    id,
                    root.toString()));
    // The joiner in a JVM of its own, with its own copy of the file: nothing of it came through
    // Kafka.
    Path joinerConfig = Files.copy(rightConfig, dir.resolve("joiner-" + id + ".properties"));
    CrawlProcess joined = null;
    for (int attempt = 0; attempt < 100 && (joined == null || joined.exit() == 2); attempt++) {
      joined =
          CrawlProcess.run(
              Map.of(),
              null,
              "join",
              "--kafka",
              broker.secureBootstrap(),
              "--kafka-config",
              joinerConfig.toString(),
              "--crawl",
              id,
              "-j",
              "2");
      if (joined.exit() == 2) {
        assertTrue(joined.err().startsWith("crawl: no crawl with id " + id), joined.err());
        started.getNow(null);
        Thread.onSpinWait();
      }
    }
    CliRun run = started.get();
    assertEquals(0, run.exit(), run.err());
    assertEquals(TestTrees.find(root), TestTrees.splitNul(run.out()));
    assertTrue(
        run.err()
            .contains(
                "crawl join --kafka "
                    + broker.secureBootstrap()
                    + " --crawl "
                    + id
                    + " --kafka-config FILE"),
        run.err());
    assertEquals(0, joined.exit(), joined.err());
    assertTrue(joined.err().contains("crawl: " + id + " ended"), joined.err());
  }

  /** In JVMs of their own, as a user runs them: Kafka's own logging must not add lines either. */
  @Test
  void aWrongPassword_isOneLine_exitTwo_forTheStarterAndAJoiner() throws Exception {
    String expected =
        "crawl: Kafka at "
            + broker.secureBootstrap()
            + " refused this client (check "
            + wrongPassword
            + "): Authentication failed";
    CrawlProcess starter =
        CrawlProcess.run(
            Map.of(),
            null,
            "fs",
            "--kafka",
            broker.secureBootstrap(),
            "--kafka-config",
            wrongPassword.toString(),
            root.toString());
    CrawlProcess joiner =
        CrawlProcess.run(
            Map.of(),
            null,
            "join",
            "--kafka",
            broker.secureBootstrap(),
            "--kafka-config",
            wrongPassword.toString(),
            "--crawl",
            "any");
    for (CrawlProcess run : new CrawlProcess[] {starter, joiner}) {
      assertEquals(2, run.exit(), run.err());
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().startsWith(expected), run.err());
      assertEquals("", new String(run.out(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aFileThatSetsWhatTheCrawlSets_orNoFile_isOneLine_exitTwo() throws Exception {
    Path isolation =
        Files.writeString(
            dir.resolve("isolation.properties"),
            Files.readString(rightConfig, StandardCharsets.ISO_8859_1)
                + "isolation.level=read_uncommitted\n",
            StandardCharsets.ISO_8859_1);
    Path badValue =
        Files.writeString(
            dir.resolve("bad-value.properties"),
            "security.protocol=SASL_TLS\n",
            StandardCharsets.ISO_8859_1);
    String[][] cases = {
      {
        "crawl: bad --kafka-config: "
            + Pattern.quote(isolation.toString())
            + " sets isolation.level, which the crawl sets itself .*: remove it",
        "join",
        "--kafka",
        broker.secureBootstrap(),
        "--kafka-config",
        isolation.toString(),
        "--crawl",
        "x"
      },
      {
        "crawl: bad --kafka-config: "
            + Pattern.quote(badValue.toString())
            + ": .*security.protocol.*",
        "fs",
        "--kafka",
        broker.secureBootstrap(),
        "--kafka-config",
        badValue.toString(),
        root.toString()
      },
      {
        "crawl: cannot read --kafka-config "
            + Pattern.quote(dir.resolve("none").toString())
            + ": no such file",
        "fs",
        "--kafka",
        broker.secureBootstrap(),
        "--kafka-config",
        dir.resolve("none").toString(),
        root.toString()
      },
      {
        "crawl: --kafka-config is for a crawl over Kafka: give --kafka HOST:PORT too",
        "fs",
        "--kafka-config",
        rightConfig.toString(),
        root.toString()
      }
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
      CliRun run = CliRun.of(args);
      String what = String.join(" ", args) + " -> " + run.err();
      assertEquals(2, run.exit(), what);
      assertEquals(1, run.err().lines().count(), what);
      assertTrue(run.err().strip().matches(c[0]), what);
    }
  }
}
