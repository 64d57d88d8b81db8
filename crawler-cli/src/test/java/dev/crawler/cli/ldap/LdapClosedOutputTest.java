package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import dev.crawler.ldap.demo.DemoDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl ldap ... | head -1}: a reader that went away stops a directory crawl at once, as it
 * stops a filesystem crawl, even in the middle of a listing that takes many searches.
 */
class LdapClosedOutputTest {
  private static final int PEOPLE = 3000;
  private static final int WORKERS = 4;

  @TempDir static Path tmp;
  static DemoDirectory demo;
  static String[] args;

  @BeforeAll
  static void serve() throws Exception {
    // A small size limit and no paging: a manager's reports take many searches, split by uid.
    demo =
        DemoDirectory.start(new DemoDirectory.Options(PEOPLE, 7, 20, Duration.ofMillis(1), true));
    Path password = Files.writeString(tmp.resolve("password"), DemoDirectory.CRAWLER_PASSWORD);
    args =
        new String[] {
          "ldap",
          "--root",
          "ceo",
          "-q",
          "--url",
          "ldap://127.0.0.1:" + demo.port(),
          "-b",
          DemoDirectory.BASE_DN,
          "-D",
          DemoDirectory.CRAWLER_DN,
          "-y",
          password.toString()
        };
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  @Test
  void closedOutput_stopsTheCrawl_withinASearchPerWorker() {
    long start = demo.searchesServed();
    CliRun full = CliRun.of(args);
    assertEquals(0, full.exit(), full.err());
    assertEquals(PEOPLE, full.lines().size());
    long fullSearches = demo.searchesServed() - start;

    // The pipe closes at the first write (64 KiB of people in): count the searches from then on.
    AtomicLong atClose = new AtomicLong(-1);
    OutputStream closing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            atClose.compareAndSet(-1, demo.searchesServed());
            throw new IOException("Broken pipe");
          }
        };
    CliRun cut = CliRun.to(closing, withWorkers(WORKERS));
    assertEquals("", cut.err());
    assertEquals(0, cut.exit());
    assertTrue(atClose.get() >= 0, "the output was written to");
    long after = demo.searchesServed() - atClose.get();
    // At most the search each worker was in, and those begun before the stop reached it (4 in a
    // run that logged them). Before listings looked at the interrupt: 310 to 419 of about 1,200
    // (a listing split by uid read on to its end).
    assertTrue(
        after <= 3 * WORKERS,
        "searches after the output closed: " + after + " (a whole crawl: " + fullSearches + ")");
  }

  private static String[] withWorkers(int workers) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "-j";
    all[args.length + 1] = Integer.toString(workers);
    return all;
  }
}
