package dev.crawler.cli;

import dev.crawler.kafka.CrawlSpec;
import dev.crawler.ldap.LdapSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code crawl ldap}'s source as a {@link CrawlSpec}: what a process that joins a crawl over Kafka
 * needs to reach the same directory and read the same chart. Never the password: each process
 * gives its own (the demo's is no secret, and the spec says when it is the demo).
 */
final class LdapSpec {
  static final String KIND = "ldap";

  private LdapSpec() {}

  static CrawlSpec of(LdapSettings s, boolean demo) {
    List<String> a = new ArrayList<>();
    a.add("starter-host=" + KafkaRun.hostName());
    a.add("host=" + s.host());
    a.add("port=" + s.port());
    a.add("security=" + s.security());
    if (s.caFile() != null) {
      a.add("ca-file=" + s.caFile());
    }
    if (s.bindDn() != null) {
      a.add("bind-dn=" + s.bindDn());
    }
    a.add("demo=" + demo);
    a.add("base=" + s.baseDn());
    if (s.personFilter() != null) { // else the directory's, decided the same way by each process
      a.add("filter=" + s.personFilter());
    }
    if (s.uidAttribute() != null) {
      a.add("uid-attribute=" + s.uidAttribute());
    }
    a.add("manager-attribute=" + s.managerAttribute());
    if (s.reportsAttribute() != null) {
      a.add("reports-attribute=" + s.reportsAttribute());
    }
    for (String attribute : s.attributes()) {
      a.add("attribute=" + attribute);
    }
    a.add("connect-timeout=" + s.connectTimeout());
    a.add("timeout=" + s.responseTimeout());
    a.add("batch=" + s.batchSize());
    a.add("per-listing=" + s.managersPerListing());
    a.add("one-level=" + s.oneLevel());
    for (LdapSettings.Server server : s.failover()) {
      a.add("failover=" + server.host() + " " + server.port());
    }
    a.add("reconnect-for=" + s.reconnectFor());
    if (s.srv() != null) {
      a.add("srv=" + s.srv().domain());
      if (s.srv().dnsServer() != null) {
        a.add("dns-server=" + s.srv().dnsServer());
      }
    }
    return new CrawlSpec(KIND, a);
  }

  /**
   * Refuses to join a crawl whose directory this process would not reach as the starter did: one
   * named by a loopback address (localhost, 127.0.0.1, ::1, the demo's) from another machine would
   * be this machine's directory, another chart or none. Other host names are resolved by each
   * process; a spec from before the starter's machine was recorded is not checked.
   *
   * @throws UserError naming the directory and both machines
   */
  static void checkDirectory(CrawlSpec spec, String crawlId) throws UserError {
    String starter = null;
    String host = null;
    String port = null;
    for (String argument : spec.arguments()) {
      int eq = argument.indexOf('=');
      switch (argument.substring(0, eq)) {
        case "starter-host" -> starter = argument.substring(eq + 1);
        case "host" -> host = argument.substring(eq + 1);
        case "port" -> port = argument.substring(eq + 1);
        default -> { }
      }
    }
    String here = KafkaRun.hostName();
    if (starter != null && host != null && !starter.equals(here) && loopback(host)) {
      throw new UserError("cannot join the crawl " + crawlId + ": its directory is " + host + ":" + port + " on the"
          + " starter's machine (" + starter + "), and this is " + here + ": run crawl join there, or start the crawl"
          + " with a host name the other machines reach");
    }
  }

  private static boolean loopback(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1")
        || h.equals("[::1]") || h.equals("0:0:0:0:0:0:0:1");
  }

  /** What a joining process needs to give: the bind password, unless the spec binds anonymously or to the demo. */
  interface Password {
    char[] forBind(String bindDn) throws UserError;
  }

  /** The settings the spec describes, bound with {@code password} (not asked for the demo or anonymously). */
  static LdapSettings settings(CrawlSpec spec, Password password, char[] demoPassword) throws UserError {
    String host = null;
    int port = 0;
    LdapSettings.Security security = LdapSettings.Security.NONE;
    Path caFile = null;
    String bindDn = null;
    boolean demo = false;
    String base = null;
    String filter = null;
    String uid = null;
    String manager = null;
    String reports = null;
    List<String> attributes = new ArrayList<>();
    Duration connect = null;
    Duration timeout = null;
    int batch = 0;
    int perListing = 0;
    boolean oneLevel = false;
    List<LdapSettings.Server> failover = new ArrayList<>();
    Duration reconnectFor = LdapSettings.DEFAULT_RECONNECT_FOR;
    String srvDomain = null;
    String dnsServer = null;
    for (String argument : spec.arguments()) {
      int eq = argument.indexOf('=');
      String key = argument.substring(0, eq);
      String value = argument.substring(eq + 1);
      switch (key) {
        case "host" -> host = value;
        case "port" -> port = Integer.parseInt(value);
        case "security" -> security = LdapSettings.Security.valueOf(value);
        case "ca-file" -> caFile = Path.of(value);
        case "bind-dn" -> bindDn = value;
        case "demo" -> demo = Boolean.parseBoolean(value);
        case "base" -> base = value;
        case "filter" -> filter = value;
        case "uid-attribute" -> uid = value;
        case "manager-attribute" -> manager = value;
        case "reports-attribute" -> reports = value;
        case "attribute" -> attributes.add(value);
        case "connect-timeout" -> connect = Duration.parse(value);
        case "timeout" -> timeout = Duration.parse(value);
        case "batch" -> batch = Integer.parseInt(value);
        case "per-listing" -> perListing = Integer.parseInt(value);
        case "one-level" -> oneLevel = Boolean.parseBoolean(value);
        case "failover" -> failover.add(new LdapSettings.Server(value.substring(0, value.lastIndexOf(' ')),
            Integer.parseInt(value.substring(value.lastIndexOf(' ') + 1))));
        case "reconnect-for" -> reconnectFor = Duration.parse(value);
        case "srv" -> srvDomain = value;
        case "dns-server" -> dnsServer = value;
        case "starter-host" -> { } // see checkDirectory
        default -> throw new UserError("this crawl was started by a newer crawl: '" + key + "'");
      }
    }
    char[] secret = bindDn == null ? null : demo ? demoPassword : password.forBind(bindDn);
    return new LdapSettings(host, port, security, caFile, bindDn, secret, base, filter, uid, manager, reports,
        attributes, connect, timeout, batch, perListing, oneLevel, failover, reconnectFor,
        srvDomain == null ? null : new dev.crawler.ldap.SrvDiscovery(srvDomain, dnsServer));
  }
}
