package dev.crawler.cli.kafka;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.common.CommandCrawl;
import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import dev.crawler.core.spi.NodeCodec;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.kafka.DistributedCrawl;
import dev.crawler.kafka.EngineProcess;
import dev.crawler.kafka.KafkaBroker;
import dev.crawler.kafka.KafkaCrawlException;
import dev.crawler.kafka.KafkaCrawlSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A starter whose own engine cannot list, on a real broker, with no other process: nobody will ever
 * finish the crawl, so the starter stops following it with one line naming join and attach, rather
 * than wait for ever (it did: only attach stopped there).
 */
class LoneStarterTest {
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

  private static final NodeCodec<Integer> CODEC =
      new NodeCodec<>() {
        @Override
        public byte[] encode(Integer node) {
          return ByteBuffer.allocate(4).putInt(node).array();
        }

        @Override
        public Integer decode(byte[] bytes) {
          return ByteBuffer.wrap(bytes).getInt();
        }
      };

  /** A source no worker can open a session of: the engine fails at once. */
  private static final BranchSource<Integer, Void> CANNOT_OPEN =
      new BranchSource<>() {
        @Override
        public Void open() {
          throw new IllegalStateException("no session here");
        }

        @Override
        public void list(Void session, Integer branch, Children<Integer> out) {
          out.leaf(branch + 1);
        }
      };

  /**
   * Topics lost under a crawl being followed, by its starter or by attach: an incomplete crawl
   * (KafkaCrawlException, exit 1, as a joiner exits), not bad input (a UserError, exit 2, which the
   * starter and attach gave).
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "aloneMayList={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  @Timeout(90)
  void topicsLostWhileFollowed_isAnIncompleteCrawl_notBadInput(boolean aloneMayList)
      throws Exception {
    String id = "lost-" + aloneMayList + "-" + Long.toHexString(System.nanoTime());
    KafkaCrawlSettings settings = KafkaCrawlSettings.of(broker.bootstrap(), id);
    DistributedCrawl<Integer> crawl =
        DistributedCrawl.start(
            settings, new CrawlSpec("tree", List.of("lost")), List.of(0), CODEC, v -> {});
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin
          .deleteTopics(
              List.of(
                  "crawler." + id + ".branches",
                  "crawler." + id + ".visits",
                  "crawler." + id + ".events"))
          .all()
          .get();
    }
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(said, true, StandardCharsets.UTF_8);
    CommandCrawl session = new CommandCrawl(new ByteArrayOutputStream(), err, true, "entries");
    KafkaCrawlException e =
        assertThrows(
            KafkaCrawlException.class,
            () ->
                KafkaRun.follow(
                    settings,
                    crawl,
                    null,
                    aloneMayList,
                    session,
                    true,
                    false,
                    err,
                    new String[] {"listed", "visits"}));
    assertTrue(
        e.getMessage().startsWith("the crawl " + id + " lost its records at "), e.getMessage());
  }

  @Test
  @Timeout(90)
  void aStarterWhoseEngineFails_withNobodyElseListing_stopsWithOneLine() throws Exception {
    String id = "lone-" + Long.toHexString(System.nanoTime());
    KafkaCrawlSettings settings = KafkaCrawlSettings.of(broker.bootstrap(), id);
    DistributedCrawl<Integer> crawl =
        DistributedCrawl.start(
            settings, new CrawlSpec("tree", List.of("lone")), List.of(0), CODEC, v -> {});
    EngineProcess<Integer, Void> engine =
        EngineProcess.of(settings, CANNOT_OPEN, CODEC, "lone-starter");
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(said, true, StandardCharsets.UTF_8);
    CommandCrawl session = new CommandCrawl(new ByteArrayOutputStream(), err, true, "entries");
    KafkaCrawlException e =
        assertThrows(
            KafkaCrawlException.class,
            () ->
                KafkaRun.follow(
                    settings,
                    crawl,
                    engine,
                    false,
                    session,
                    true,
                    false,
                    err,
                    new String[] {"listed", "visits"}));
    assertTrue(
        e.getMessage().startsWith("this process could not list (")
            && e.getMessage()
                .contains(
                    "and no other process lists crawl "
                        + id
                        + "; the output is partial: add one with crawl join, and print the "
                        + "whole crawl with crawl attach --kafka "
                        + broker.bootstrap()
                        + " --crawl "
                        + id),
        e.getMessage());
  }
}
