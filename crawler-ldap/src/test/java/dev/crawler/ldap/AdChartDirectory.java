package dev.crawler.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldif.LDIFChangeRecord;
import java.net.InetAddress;

/**
 * {@link AdChart} on UnboundID's in-memory server over a real socket, with a size limit: a quick
 * stand-in for the Samba AD DC. It keeps the deleted manager's dangling values, as directories
 * other than AD do ({@code AdChart.of(size, false)}), has no {@code objectCategory} (use {@link
 * #FILTER}), no back-link, and refuses no paging. The server is thread-safe.
 */
public final class AdChartDirectory implements AutoCloseable {
  /** The person filter here: Samba adds {@code objectCategory}, this server does not. */
  public static final String FILTER = "(objectClass=user)";

  private final InMemoryDirectoryServer server;
  private final AdChart chart;

  /** Loads {@code AdChart.of(size, false)} and starts listening on loopback. */
  public AdChartDirectory(int size, int sizeLimit) throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(SambaAd.DOMAIN_DN);
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig(
            "default", InetAddress.getByName("127.0.0.1"), 0, null));
    config.setSchema(null); // AD's classes and attributes
    config.setMaxSizeLimit(sizeLimit);
    server = new InMemoryDirectoryServer(config);
    server.add("dn: " + SambaAd.DOMAIN_DN, "objectClass: top", "objectClass: domain");
    chart = AdChart.of(size, false);
    for (LDIFChangeRecord change : chart.changes()) {
      change.processChange(server);
    }
    server.startListening();
  }

  public AdChart chart() {
    return chart;
  }

  public int port() {
    return server.getListenPort();
  }

  /** Settings for a crawl of the chart: its base, {@link #FILTER}, sAMAccountName, manager. */
  public LdapSettings settings() {
    return LdapSettings.builder("127.0.0.1", port(), AdChart.BASE_DN)
        .schema(FILTER, AdChart.UID_ATTRIBUTE, "manager")
        .build();
  }

  @Override
  public void close() {
    server.shutDown(true);
  }
}
