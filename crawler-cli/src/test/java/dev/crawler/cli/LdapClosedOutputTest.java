package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.ldap.demo.DemoDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  @TempDir
  static Path tmp;
  static DemoDirectory demo;
  static String[] args;

  @BeforeAll
  static void serve() throws Exception {
    // A small size limit and no paging: a manager's reports take many searches, split by uid.
    demo = DemoDirectory.start(new DemoDirectory.Options(PEOPLE, 7, 20, Duration.ofMillis(1), true));
    Path password = Files.writeString(tmp.resolve("password"), DemoDirectory.CRAWLER_PASSWORD);
    args = new String[] {"ldap", "--root", "ceo", "-q", "--url", "ldap://127.0.0.1:" + demo.port(),
        "-b", DemoDirectory.BASE_DN, "-D", DemoDirectory.CRAWLER_DN, "-y", password.toString()};
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  @Test
  void closedOutput_stopsTheCrawl_longBeforeEveryoneIsRead() {
    long start = demo.searchesServed();
    CliRun full = CliRun.of(args);
    assertEquals(0, full.exit(), full.err());
    assertEquals(PEOPLE, full.lines().size());
    long fullSearches = demo.searchesServed() - start;

    start = demo.searchesServed();
    CliRun cut = CliRun.to(new ClosedPipe(), args);
    long cutSearches = demo.searchesServed() - start;
    assertEquals("", cut.err());
    assertEquals(0, cut.exit());
    // Measured: 1,178 of 1,238 before listings looked at the interrupt; 143 to 228 after.
    assertTrue(cutSearches * 2 < fullSearches, "searches after the output closed: " + cutSearches + " of " + fullSearches);
  }
}
