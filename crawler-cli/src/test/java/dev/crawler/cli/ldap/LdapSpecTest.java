package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crawler.cli.common.UserError;
import dev.crawler.cli.kafka.KafkaRun;
import dev.crawler.ldap.LdapSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a process joining a crawl over Kafka learns of the directory: every server, and the
 * reconnect budget.
 */
class LdapSpecTest {
  @Test
  void failoverServers_andReconnectBudget_crossProcesses() throws Exception {
    LdapSettings settings =
        LdapSettings.builder("dc1.example.com", 389, "ou=people,dc=example,dc=com")
            .failover(
                List.of(
                    new LdapSettings.Server("dc2.example.com", 3389),
                    new LdapSettings.Server("::1", 389)))
            .reconnectFor(Duration.ofSeconds(90))
            .build();
    LdapSettings read = LdapSpec.settings(LdapSpec.of(settings, false), bindDn -> null, null);
    assertEquals(settings.servers(), read.servers());
    assertEquals(Duration.ofSeconds(90), read.reconnectFor());
    assertEquals(null, read.srv());
  }

  @Test
  void serversFoundInDns_crossProcesses() throws Exception {
    LdapSettings settings =
        LdapSettings.builder("example.com", 389, "dc=example,dc=com")
            .srv(new dev.crawler.ldap.SrvDiscovery("example.com", "10.0.0.53:5353"))
            .build();
    assertEquals(
        settings.srv(),
        LdapSpec.settings(LdapSpec.of(settings, false), bindDn -> null, null).srv());
    LdapSettings system =
        LdapSettings.builder("example.com", 389, "dc=example,dc=com")
            .srv(dev.crawler.ldap.SrvDiscovery.of("example.com"))
            .build();
    assertEquals(
        system.srv(), LdapSpec.settings(LdapSpec.of(system, false), bindDn -> null, null).srv());
  }

  /**
   * A directory named by a loopback address is the starter machine's: a joiner on another machine
   * would read its own (another chart, or none) into the crawl. Refused in one line; any other host
   * name, or the starter's machine, joins.
   */
  @Test
  void aLoopbackDirectory_fromAnotherMachine_isRefused() throws Exception {
    List<String> local =
        LdapSpec.of(LdapSettings.of("localhost", 1389, "dc=example,dc=com"), true).arguments();
    LdapSpec.checkDirectory(
        new dev.crawler.kafka.CrawlSpec(LdapSpec.KIND, local), "c1"); // this very machine
    List<String> elsewhere =
        local.stream()
            .map(a -> a.startsWith("starter-host=") ? "starter-host=far-away" : a)
            .toList();
    UserError refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            UserError.class,
            () ->
                LdapSpec.checkDirectory(
                    new dev.crawler.kafka.CrawlSpec(LdapSpec.KIND, elsewhere), "c1"));
    assertEquals(
        "cannot join the crawl c1: its directory is localhost:1389 on the starter's machine"
            + " (far-away), and this is "
            + KafkaRun.hostName()
            + ": run crawl join there, or start the crawl with a host name the other"
            + " machines reach",
        refused.getMessage());
    List<String> named =
        LdapSpec.of(LdapSettings.of("dc1.example.com", 389, "dc=example,dc=com"), false)
            .arguments()
            .stream()
            .map(a -> a.startsWith("starter-host=") ? "starter-host=far-away" : a)
            .toList();
    LdapSpec.checkDirectory(new dev.crawler.kafka.CrawlSpec(LdapSpec.KIND, named), "c1");
  }
}
