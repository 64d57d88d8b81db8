package dev.crawler.ldap;

import static dev.crawler.testing.CrawlInvariants.assertNoCrawlerThreads;
import static dev.crawler.testing.CrawlInvariants.awaitOrDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.demo.DemoDirectory;
import dev.crawler.testing.VisitLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link OrgChartSource#disconnectAll()} against servers that stop answering: a stopped crawl, or a
 * set-up call, ends at once instead of waiting out the response timeout (issue 26: a stop must end
 * reads blocked on a socket, in every phase). The timeouts here are a minute, far past the tests'
 * own bound on the wait, so a test that passes did not wait for them.
 */
class DisconnectTest {
  private static final Duration LONG_TIMEOUT = Duration.ofSeconds(60);

  @Test
  void cancelThenDisconnect_endsACrawlBlockedOnAStalledServer() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    AtomicInteger reportSearches = new AtomicInteger();
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig(
            "default", InetAddress.getLoopbackAddress(), 0, null));
    config.setMaxSizeLimit(100);
    config.addInMemoryOperationInterceptor(
        new InMemoryOperationInterceptor() {
          @Override
          public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
            boolean forReports = request.getRequest().getFilter().toString().contains("manager=");
            if (stalled.getCount() == 0 || forReports && reportSearches.incrementAndGet() > 3) {
              stalled.countDown(); // from here on the server answers nothing, as slapd SIGSTOPped
              try {
                released.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        });
    InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
    try {
      Entry domain = new Entry("dc=example,dc=com");
      domain.addAttribute("objectClass", "top", "domain");
      server.add(domain);
      Entry unit = new Entry(DemoDirectory.BASE_DN);
      unit.addAttribute("objectClass", "top", "organizationalUnit");
      server.add(unit);
      for (Entry e :
          DemoDirectory.entries(
              new DemoDirectory.Options(2_000, 3, 100, Duration.ZERO, true), new ArrayList<>())) {
        server.add(e);
      }
      server.startListening();
      OrgChartSource source =
          OrgChartSource.of(
              LdapSettings.builder("127.0.0.1", server.getListenPort(), DemoDirectory.BASE_DN)
                  .timeouts(Duration.ofSeconds(5), LONG_TIMEOUT)
                  .batchSize(20)
                  .build());
      VisitLog<Person, String> log = new VisitLog<>(Person::uid);
      CrawlReport<Person> report;
      try (Crawl<Person> crawl =
          Crawler.over(source)
              .workers(4)
              .distinctBy(Person::key)
              .start(source.findRoot("ceo"), log)) {
        stalled.await(); // a listing is now waiting on the server, for up to a minute
        crawl.cancel();
        source.disconnectAll();
        report =
            awaitOrDump(
                crawl,
                Duration.ofSeconds(20),
                "a cancelled crawl after its connections were closed");
      }
      assertEquals(Outcome.CANCELLED, report.outcome(), () -> String.valueOf(report.failure()));
      assertEquals(
          List.of(), report.errors(), "a stopped crawl reports no branch for a connection it lost");
      log.counts().forEach((uid, n) -> assertEquals(1, n, "visited twice: " + uid));
      assertEquals(List.of(), List.copyOf(log.problems()));
      assertNoCrawlerThreads();
      assertThrows(
          LDAPException.class,
          () -> source.findRoot("ceo"),
          "no new connection after disconnectAll");
    } finally {
      released.countDown();
      server.shutDown(true);
    }
  }

  @Test
  void disconnect_endsASetUpCallWaitingOnAServerThatNeverAnswers() throws Exception {
    Disconnector disconnector = new Disconnector();
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      // A back-link named, so that building the source connects to nothing; findRoot then waits.
      OrgChartSource source =
          OrgChartSource.of(
              LdapSettings.builder("127.0.0.1", silent.getLocalPort(), DemoDirectory.BASE_DN)
                  .timeouts(Duration.ofSeconds(5), LONG_TIMEOUT)
                  .reportsAttribute("x")
                  .build(),
              disconnector);
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  accepted.add(
                      silent.accept()); // the client's socket is tracked before it connects
                  disconnector.disconnectAll();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              "silent-acceptor");
      acceptor.start();
      long began = System.nanoTime();
      assertThrows(LDAPException.class, () -> source.findRoot("ceo"));
      acceptor.join();
      assertTrue(
          System.nanoTime() - began < LONG_TIMEOUT.toNanos(),
          "ended by the disconnect, not the timeout");
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
