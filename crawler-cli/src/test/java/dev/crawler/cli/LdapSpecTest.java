package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crawler.ldap.LdapSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a process joining a crawl over Kafka learns of the directory: every server, and the reconnect budget. */
class LdapSpecTest {
  @Test
  void failoverServers_andReconnectBudget_crossProcesses() throws Exception {
    LdapSettings settings = LdapSettings.of("dc1.example.com", 389, "ou=people,dc=example,dc=com")
        .withFailover(List.of(new LdapSettings.Server("dc2.example.com", 3389), new LdapSettings.Server("::1", 389)))
        .withReconnectFor(Duration.ofSeconds(90));
    LdapSettings read = LdapSpec.settings(LdapSpec.of(settings, false), bindDn -> null, null);
    assertEquals(settings.servers(), read.servers());
    assertEquals(Duration.ofSeconds(90), read.reconnectFor());
  }
}
