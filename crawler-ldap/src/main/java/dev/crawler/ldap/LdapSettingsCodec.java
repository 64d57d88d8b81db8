package dev.crawler.ldap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LdapSettings} as text, for a crawl across processes: what a process that joins needs to
 * reach the same directory and read the same chart, written beside {@link OrgChartSource#codec()},
 * which carries the people. Never the password: each process gives its own. Stateless and
 * thread-safe.
 *
 * <p>The form is a list of {@code key=value} arguments, one per setting (one per attribute and per
 * failover server), in any order. A setting left at "the directory's" ({@code null}) is left out,
 * so that each process decides it the same way. It is versioned by its keys: a key added later is
 * refused by an older reader ({@link UnknownSettingException}), never ignored, and a key missing
 * from an older writer's list takes its default.
 */
public final class LdapSettingsCodec {
  private LdapSettingsCodec() {}

  /**
   * What a joining process gives for the bind: its own password.
   *
   * @param <E> what asking may throw
   */
  @FunctionalInterface
  public interface Password<E extends Exception> {
    /**
     * The password to bind as {@code bindDn} with; asked only when the settings bind.
     *
     * @param bindDn who the settings bind as
     * @return the password, which the settings copy (the array stays the caller's)
     * @throws E when there is none
     */
    char[] forBind(String bindDn) throws E;
  }

  /** A key this version does not know: the settings were written by a newer one. */
  public static final class UnknownSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The key not known here. */
    private final String key;

    UnknownSettingException(String key) {
      super("unknown LDAP setting '" + key + "': written by a newer version");
      this.key = key;
    }

    /**
     * The key.
     *
     * @return the key not known here
     */
    public String key() {
      return key;
    }
  }

  /**
   * Every setting but the password, as {@code key=value} arguments.
   *
   * @param s the settings
   * @return the arguments, a new modifiable list
   */
  public static List<String> encode(LdapSettings s) {
    List<String> a = new ArrayList<>();
    a.add("host=" + s.host());
    a.add("port=" + s.port());
    a.add("security=" + s.security());
    if (s.caFile() != null) {
      a.add("ca-file=" + s.caFile());
    }
    if (s.bindDn() != null) {
      a.add("bind-dn=" + s.bindDn());
    }
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
    return a;
  }

  /**
   * The settings {@code arguments} describe, bound with the password {@code password} gives (not
   * asked when they bind anonymously).
   *
   * @param <E> what asking for the password may throw
   * @param arguments what {@link #encode} wrote
   * @param password asked for the password when the settings bind
   * @return the settings
   * @throws UnknownSettingException for a key this version does not know
   * @throws IllegalArgumentException for a value it cannot read
   * @throws E from {@code password}
   */
  public static <E extends Exception> LdapSettings decode(
      List<String> arguments, Password<E> password) throws E {
    String host = null;
    int port = 0;
    String base = null;
    LdapSettings.Security security = LdapSettings.Security.NONE;
    Path caFile = null;
    String bindDn = null;
    String filter = null;
    String uid = null;
    String manager = null;
    String reports = null;
    List<String> attributes = new ArrayList<>();
    Duration connect = null;
    Duration timeout = null;
    Integer batch = null;
    Integer perListing = null;
    boolean oneLevel = false;
    List<LdapSettings.Server> failover = new ArrayList<>();
    Duration reconnectFor = LdapSettings.DEFAULT_RECONNECT_FOR;
    String srvDomain = null;
    String dnsServer = null;
    for (String argument : arguments) {
      int eq = argument.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("not a key=value LDAP setting: '" + argument + "'");
      }
      String key = argument.substring(0, eq);
      String value = argument.substring(eq + 1);
      switch (key) {
        case "host" -> host = value;
        case "port" -> port = Integer.parseInt(value);
        case "security" -> security = LdapSettings.Security.valueOf(value);
        case "ca-file" -> caFile = Path.of(value);
        case "bind-dn" -> bindDn = value;
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
        case "failover" ->
            failover.add(
                new LdapSettings.Server(
                    value.substring(0, value.lastIndexOf(' ')),
                    Integer.parseInt(value.substring(value.lastIndexOf(' ') + 1))));
        case "reconnect-for" -> reconnectFor = Duration.parse(value);
        case "srv" -> srvDomain = value;
        case "dns-server" -> dnsServer = value;
        default -> throw new UnknownSettingException(key);
      }
    }
    LdapSettings.Builder b =
        LdapSettings.builder(host, port, base)
            .security(security, caFile)
            .schema(filter, uid, manager)
            .reportsAttribute(reports)
            .extraAttributes(attributes)
            .oneLevel(oneLevel)
            .failover(failover)
            .reconnectFor(reconnectFor);
    if (connect != null || timeout != null) {
      LdapSettings defaults = LdapSettings.of(host, port, base);
      b.timeouts(
          connect == null ? defaults.connectTimeout() : connect,
          timeout == null ? defaults.responseTimeout() : timeout);
    }
    if (batch != null) {
      b.batchSize(batch);
    }
    if (perListing != null) {
      b.managersPerListing(perListing);
    }
    if (srvDomain != null) {
      b.srv(new SrvDiscovery(srvDomain, dnsServer));
    }
    if (bindDn != null) {
      b.bind(bindDn, password.forBind(bindDn));
    }
    return b.build();
  }
}
