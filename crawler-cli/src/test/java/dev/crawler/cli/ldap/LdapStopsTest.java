package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Entry;
import dev.crawler.cli.CliRun;
import dev.crawler.ldap.demo.DemoDirectory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code crawl ldap}'s stops against servers that stop answering (issue 26: {@code --deadline 5s}
 * took 31 s against a server that accepts and never answers, 33.6 s against one that stopped
 * mid-crawl), and its failover between several {@code -H} URLs (issue 25, section 5). Bounds on
 * time are loose (the deadline plus 10 s): what is checked is that no wait on the server outlives
 * the deadline by a whole timeout (30 s by default).
 */
class LdapStopsTest {
  /** The slack allowed past the deadline: far below the 30 s a wait on the server would take. */
  private static final Duration SLACK = Duration.ofSeconds(10);

  /** A loopback server that accepts connections and never says a word. Closed by the test. */
  private static final class Silent implements AutoCloseable {
    final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  accepted.add(listener.accept());
                }
              } catch (IOException closed) {
                // the test is done
              }
            },
            "silent-server");

    Silent() throws IOException {
      acceptor.start();
    }

    String url() {
      return "ldap://127.0.0.1:" + listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      try {
        acceptor.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  /**
   * The demo's people in an in-memory server that answers {@code answered} searches for reports
   * (those naming a manager), then holds every later search (as slapd SIGSTOPped does) until
   * closed.
   */
  private static final class Stalling implements AutoCloseable {
    final InMemoryDirectoryServer server;
    final CountDownLatch released = new CountDownLatch(1);
    final CountDownLatch stalled = new CountDownLatch(1);

    Stalling(int people, int answered) throws Exception {
      InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
      config.setListenerConfigs(
          InMemoryListenerConfig.createLDAPConfig(
              "default", InetAddress.getLoopbackAddress(), 0, null));
      config.setMaxSizeLimit(200);
      AtomicInteger searches = new AtomicInteger();
      config.addInMemoryOperationInterceptor(
          new InMemoryOperationInterceptor() {
            @Override
            public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
              boolean forReports = request.getRequest().getFilter().toString().contains("manager=");
              if (stalled.getCount() == 0 || forReports && searches.incrementAndGet() > answered) {
                stalled.countDown();
                try {
                  released.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }
          });
      server = new InMemoryDirectoryServer(config);
      Entry domain = new Entry("dc=example,dc=com");
      domain.addAttribute("objectClass", "top", "domain");
      server.add(domain);
      Entry unit = new Entry(DemoDirectory.BASE_DN);
      unit.addAttribute("objectClass", "top", "organizationalUnit");
      server.add(unit);
      for (Entry e :
          DemoDirectory.entries(
              new DemoDirectory.Options(people, 4, 200, Duration.ZERO, true), new ArrayList<>())) {
        server.add(e);
      }
      server.startListening();
    }

    String url() {
      return "ldap://127.0.0.1:" + server.getListenPort();
    }

    @Override
    public void close() {
      released.countDown();
      server.shutDown(true);
    }
  }

  private static long millisSince(long began) {
    return (System.nanoTime() - began) / 1_000_000;
  }

  @Test
  void deadline_boundsTheSetUp_againstAServerThatNeverAnswers() throws Exception {
    try (Silent silent = new Silent()) {
      long began = System.nanoTime();
      CliRun run =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-H",
              silent.url(),
              "-b",
              DemoDirectory.BASE_DN,
              "--deadline",
              "2s");
      long took = millisSince(began);
      assertEquals(1, run.exit(), run.err());
      assertTrue(
          run.err().startsWith("crawl: the deadline of 2s passed while connecting to 127.0.0.1:"),
          run.err());
      assertTrue(run.err().endsWith("; nothing was crawled\n"), run.err());
      assertEquals(1, run.err().lines().count(), run.err());
      assertEquals(0, run.out().length);
      assertTrue(
          took < Duration.ofSeconds(2).plus(SLACK).toMillis(), took + " ms for --deadline 2s");
    }
  }

  @Test
  void withoutADeadline_aBindThatTimesOut_namesTimeout_notConnectTimeout() throws Exception {
    try (Silent silent = new Silent()) {
      CliRun run =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-H",
              silent.url(),
              "-b",
              DemoDirectory.BASE_DN,
              "--timeout",
              "1s");
      assertEquals(2, run.exit(), run.err());
      assertEquals(
          "crawl: cannot reach 127.0.0.1:"
              + silent.listener.getLocalPort()
              + ": connected, but no answer within 1s (see --timeout)\n",
          run.err());
    }
  }

  @Test
  void deadline_boundsACrawlWhoseServerStopsAnsweringMidway_stats_included() throws Exception {
    try (Stalling server = new Stalling(5_000, 3)) {
      long began = System.nanoTime();
      CliRun run =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-H",
              server.url(),
              "-b",
              DemoDirectory.BASE_DN,
              "--deadline",
              "3s",
              "--stats",
              "-q");
      long took = millisSince(began);
      assertEquals(0, server.stalled.getCount(), "the server stopped answering during the crawl");
      assertEquals(1, run.exit(), run.err());
      assertTrue(
          run.err().contains("crawl: the deadline of 3s passed; the output is partial"), run.err());
      assertTrue(run.err().contains("TIMED_OUT"), run.err());
      assertTrue(
          run.lines().size() > 1 && run.lines().size() < 5_000,
          run.lines().size() + " people printed");
      assertEquals(run.lines().size(), new HashSet<>(run.lines()).size(), "nobody printed twice");
      assertTrue(
          took < Duration.ofSeconds(3).plus(SLACK).toMillis(), took + " ms for --deadline 3s");
    }
  }

  @Test
  void severalUrls_inOneH_orRepeated_theFirstDown_theSecondAnswers() throws Exception {
    int down;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      down = s.getLocalPort(); // nothing listens there once closed: connection refused
    }
    try (DemoDirectory server =
        DemoDirectory.start(new DemoDirectory.Options(300, 2, 100, Duration.ZERO, true))) {
      String up = "ldap://127.0.0.1:" + server.port();
      String refused = "ldap://127.0.0.1:" + down;
      for (List<String> urls :
          List.of(List.of("-H", refused + " " + up), List.of("-H", refused, "-H", up))) {
        List<String> args =
            new ArrayList<>(List.of("ldap", "--root", "ceo", "-b", DemoDirectory.BASE_DN, "-q"));
        args.addAll(urls);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exit(), urls + ": " + run.err());
        assertEquals(300, run.lines().size(), urls.toString());
        Set<String> distinct = new HashSet<>(run.lines());
        assertEquals(300, distinct.size(), "everyone once");
      }
      CliRun mixed =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-b",
              DemoDirectory.BASE_DN,
              "-H",
              up + " ldaps://127.0.0.1:1");
      assertEquals(2, mixed.exit());
      assertTrue(mixed.err().contains("the same scheme"), mixed.err());
      CliRun bothDown =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-b",
              DemoDirectory.BASE_DN,
              "-H",
              refused,
              "-H",
              "ldap://127.0.0.1:1");
      assertEquals(2, bothDown.exit());
      assertEquals(
          "crawl: cannot reach 127.0.0.1:"
              + down
              + ", 127.0.0.1:1: connection refused (is the server running, "
              + "and on that port?)\n",
          bothDown.err());
      assertFalse(bothDown.err().contains("\tat "));
    }
  }
}
