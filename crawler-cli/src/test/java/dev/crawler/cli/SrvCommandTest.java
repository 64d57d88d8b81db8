package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crawler.ldap.Dnsmasq;
import dev.crawler.ldap.demo.DemoDirectory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code crawl ldap -H ldap:///dc=...}: the servers found by DNS SRV records, asked of a real DNS
 * server (dnsmasq on loopback, through {@code --dns-server}). Runs wherever dnsmasq is installed;
 * on CI ({@code CI=true}) a missing dnsmasq fails instead of skipping, since .ci/run installs it.
 */
class SrvCommandTest {
  @BeforeAll
  static void requireDnsmasq() {
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(
          Dnsmasq.installed(),
          "dnsmasq is missing on CI: .ci/run should have installed it (dnsmasq-base)");
    }
    assumeTrue(
        Dnsmasq.installed(),
        "skipped: dnsmasq is not installed here (apt-get install dnsmasq-base; CI installs it)");
  }

  @Test
  void aUrlWithNoHost_findsTheServersInDns_theFirstByPriorityDown() throws Exception {
    int down;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      down = s.getLocalPort(); // nothing listens there once closed
    }
    try (DemoDirectory server =
            DemoDirectory.start(new DemoDirectory.Options(300, 2, 100, Duration.ZERO, true));
        Dnsmasq dns =
            Dnsmasq.start(
                List.of(
                    new Dnsmasq.Srv("_ldap._tcp.corp.example.test", "127.0.0.1", down, 0, 100),
                    new Dnsmasq.Srv(
                        "_ldap._tcp.corp.example.test", "localhost", server.port(), 5, 100)))) {
      CliRun run =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-q",
              "-H",
              "ldap:///dc=corp,dc=example,dc=test",
              "--dns-server",
              dns.address(),
              "-b",
              DemoDirectory.BASE_DN);
      assertEquals(0, run.exit(), run.err());
      assertEquals(300, run.lines().size());
      assertEquals(300, new HashSet<>(run.lines()).size(), "everyone once");

      CliRun none =
          CliRun.of(
              "ldap",
              "--root",
              "ceo",
              "-H",
              "ldap:///dc=nobody,dc=test",
              "--dns-server",
              dns.address(),
              "-b",
              DemoDirectory.BASE_DN);
      assertEquals(2, none.exit(), none.err());
      assertEquals(
          "crawl: no DNS SRV records _ldap._tcp.nobody.test at DNS server "
              + dns.address()
              + " (no such name): is nobody.test the directory's domain?\n",
          none.err());
    }
  }

  @Test
  void badSrvUrls_oneLine_exit2() {
    CliRun ldaps = CliRun.of("ldap", "--root", "ceo", "-H", "ldaps:///dc=example,dc=com");
    assertEquals(2, ldaps.exit());
    assertEquals(
        "crawl: -H ldaps:///dc=example,dc=com: the SRV records _ldap._tcp name plain LDAP ports;"
            + " use ldap:///dc=example,dc=com with --starttls for TLS\n",
        ldaps.err());
    CliRun notDc = CliRun.of("ldap", "--root", "ceo", "-H", "ldap:///o=example");
    assertEquals(2, notDc.exit());
    assertTrue(
        notDc.err().startsWith("crawl: -H ldap:///o=example: 'o=example' names no DNS domain"),
        notDc.err());
    CliRun mixed =
        CliRun.of("ldap", "--root", "ceo", "-H", "ldap:///dc=example,dc=com ldap://127.0.0.1:1");
    assertEquals(2, mixed.exit());
    assertTrue(mixed.err().contains("finds its servers in DNS; give it alone"), mixed.err());
    CliRun dnsWithHost =
        CliRun.of(
            "ldap",
            "--root",
            "ceo",
            "-H",
            "ldap://127.0.0.1:1",
            "-b",
            "dc=x",
            "--dns-server",
            "127.0.0.1");
    assertEquals(2, dnsWithHost.exit());
    assertTrue(
        dnsWithHost.err().startsWith("crawl: --dns-server is for servers found in DNS"),
        dnsWithHost.err());
  }
}
