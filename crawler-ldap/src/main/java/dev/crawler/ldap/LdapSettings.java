package dev.crawler.ldap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the directory is, how to reach it, and how its org chart is shaped. Immutable, and so safe
 * to share between threads; it keeps its own copy of the bind password and hands out copies only.
 * Built with {@link #builder(String, int, String)}, each setting given at most once and checked
 * when given; {@link #of(String, int, String)} for the defaults alone:
 *
 * <pre>{@code
 * LdapSettings settings = LdapSettings.builder("dc1.example.com", 389, "ou=people,dc=example,dc=com")
 *     .bind("cn=crawler,dc=example,dc=com", password) // copied: the caller may clear its array
 *     .security(LdapSettings.Security.STARTTLS, null)
 *     .build();
 * }</pre>
 *
 * <p>What each setting means, and its default, is said on the {@link Builder}'s method that sets
 * it; each has an accessor of the same name. {@link LdapSettingsCodec} gives the settings as text
 * for a crawl across processes.
 */
public final class LdapSettings {

  /** The person filter when none is given: {@code (objectClass=inetOrgPerson)}. */
  static final String DEFAULT_PERSON_FILTER = "(objectClass=inetOrgPerson)";

  /** What a person is read for by default besides the uid and manager attributes. */
  static final List<String> DEFAULT_ATTRIBUTES = List.of("cn", "title", "mail");

  private final String host;
  private final int port;
  private final Security security;
  private final Path caFile;
  private final String bindDn;

  /** Our own copy, never handed out: {@link #password()} copies it. */
  private final char[] password;

  private final String baseDn;
  private final String personFilter;
  private final String uidAttribute;
  private final String managerAttribute;
  private final String reportsAttribute;
  private final List<String> attributes;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final int batchSize;
  private final int managersPerListing;
  private final boolean oneLevel;
  private final List<Server> failover;
  private final Duration reconnectFor;
  private final SrvDiscovery srv;

  private LdapSettings(Builder b) {
    host = b.host;
    port = b.port;
    security = b.security;
    caFile = b.caFile;
    bindDn = b.bindDn;
    password = b.password == null ? null : b.password.clone();
    baseDn = b.baseDn;
    personFilter = b.personFilter;
    uidAttribute = b.uidAttribute;
    managerAttribute = b.managerAttribute;
    reportsAttribute = b.reportsAttribute;
    attributes = b.attributes;
    connectTimeout = b.connectTimeout;
    responseTimeout = b.responseTimeout;
    batchSize = b.batchSize;
    managersPerListing = b.managersPerListing;
    oneLevel = b.oneLevel;
    failover = b.failover;
    reconnectFor = b.reconnectFor;
    srv = b.srv;
  }

  /**
   * Settings for the directory at {@code host:port} with people under {@code baseDn}, every other
   * setting its default (plain LDAP, anonymous, inetOrgPerson entries linked by {@code manager}).
   *
   * @param host server host name
   * @param port from 1 to 65535
   * @param baseDn where people live
   * @return the settings
   */
  public static LdapSettings of(String host, int port, String baseDn) {
    return builder(host, port, baseDn).build();
  }

  /**
   * A builder for the directory at {@code host:port} with people under {@code baseDn}; every other
   * setting starts at its default (see the builder's methods).
   *
   * @param host server host name
   * @param port from 1 to 65535
   * @param baseDn where people live
   * @return a new builder
   * @throws IllegalArgumentException if the port is out of range
   */
  public static Builder builder(String host, int port, String baseDn) {
    return new Builder(host, port, baseDn);
  }

  /**
   * A builder holding these settings (the password copied), each of which may be set once more: the
   * way to derive settings from others.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(host, port, baseDn);
    b.security = security;
    b.caFile = caFile;
    b.bindDn = bindDn;
    b.password = password == null ? null : password.clone();
    b.personFilter = personFilter;
    b.uidAttribute = uidAttribute;
    b.managerAttribute = managerAttribute;
    b.reportsAttribute = reportsAttribute;
    b.attributes = attributes;
    b.connectTimeout = connectTimeout;
    b.responseTimeout = responseTimeout;
    b.batchSize = batchSize;
    b.managersPerListing = managersPerListing;
    b.oneLevel = oneLevel;
    b.failover = failover;
    b.reconnectFor = reconnectFor;
    b.srv = srv;
    return b;
  }

  /**
   * Builds {@link LdapSettings}. Each setting may be given once (a second time is a mistake, and
   * throws {@link IllegalStateException}) and is checked when given ({@link
   * IllegalArgumentException}, {@link NullPointerException}). Not thread-safe: one thread builds.
   */
  public static final class Builder {
    private final Set<String> given = new HashSet<>();
    private final String host;
    private final int port;
    private final String baseDn;
    private Security security = Security.NONE;
    private Path caFile;
    private String bindDn;
    private char[] password;
    private String personFilter = DEFAULT_PERSON_FILTER;
    private String uidAttribute = "uid";
    private String managerAttribute = "manager";
    private String reportsAttribute;
    private List<String> attributes = DEFAULT_ATTRIBUTES;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration responseTimeout = Duration.ofSeconds(30);
    private int batchSize = 400;
    private int managersPerListing = 64;
    private boolean oneLevel;
    private List<Server> failover = List.of();
    private Duration reconnectFor = DEFAULT_RECONNECT_FOR;
    private SrvDiscovery srv;

    private Builder(String host, int port, String baseDn) {
      this.host = Objects.requireNonNull(host, "host");
      this.port = checkPort(port);
      this.baseDn = Objects.requireNonNull(baseDn, "baseDn");
    }

    private void once(String setting) {
      if (!given.add(setting)) {
        throw new IllegalStateException(setting + " was already set");
      }
    }

    /**
     * Binds as {@code dn} with {@code password}, which is copied: the caller may clear its array
     * once this returns. Default: an anonymous crawl.
     *
     * @param dn who to bind as
     * @param password the bind password; never logged
     * @return this builder
     */
    public Builder bind(String dn, char[] password) {
      once("bind");
      this.bindDn = Objects.requireNonNull(dn, "dn");
      this.password = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * How the connection is protected. Default: {@link Security#NONE}.
     *
     * @param mode plain, LDAPS, or StartTLS
     * @param trustedCas PEM file of trusted CA certificates for TLS; {@code null} for the JVM's
     *     trust store
     * @return this builder
     */
    public Builder security(Security mode, Path trustedCas) {
      once("security");
      this.security = Objects.requireNonNull(mode, "mode");
      this.caFile = trustedCas;
      return this;
    }

    /**
     * Which entries are people, what they are named by and who their manager is. Default: {@code
     * (objectClass=inetOrgPerson)}, {@code uid} and {@code manager}.
     *
     * @param filter which entries are people, as an LDAP filter string; {@code null} for the
     *     directory's: {@code (&(objectCategory=person)(objectClass=user))} when the root DSE says
     *     Active Directory, else {@code (objectClass=inetOrgPerson)}
     * @param uid the attribute {@code --root} names a person by; {@code null} for the directory's:
     *     {@code sAMAccountName} on Active Directory (and a root is then also found by {@code
     *     userPrincipalName} or {@code mail}), else {@code uid}
     * @param manager the DN-valued attribute linking a person to their manager
     * @return this builder
     */
    public Builder schema(String filter, String uid, String manager) {
      once("schema");
      this.personFilter = filter;
      this.uidAttribute = uid;
      this.managerAttribute = Objects.requireNonNull(manager, "manager");
      return this;
    }

    /**
     * How long to wait. Default: 10 seconds to connect, 30 for one operation.
     *
     * @param connect how long to wait for a connection
     * @param response how long to wait for one operation
     * @return this builder
     */
    public Builder timeouts(Duration connect, Duration response) {
      once("timeouts");
      this.connectTimeout = Objects.requireNonNull(connect, "connect");
      this.responseTimeout = Objects.requireNonNull(response, "response");
      return this;
    }

    /**
     * The most managers whose reports are asked for in one query (terms of the OR). Default: 400.
     *
     * @param managersPerQuery at least 1
     * @return this builder
     */
    public Builder batchSize(int managersPerQuery) {
      once("batchSize");
      if (managersPerQuery < 1) {
        throw new IllegalArgumentException(
            "batchSize (" + managersPerQuery + ") must be at least 1");
      }
      this.batchSize = managersPerQuery;
      return this;
    }

    /**
     * The most pending managers listed together in one engine listing. Default: 64.
     *
     * @param managers at least 1
     * @return this builder
     */
    public Builder managersPerListing(int managers) {
      once("managersPerListing");
      if (managers < 1) {
        throw new IllegalArgumentException(
            "managersPerListing (" + managers + ") must be at least 1");
      }
      this.managersPerListing = managers;
      return this;
    }

    /**
     * The back-link listing a person's direct reports, kept by the server (Active Directory's
     * {@code directReports}). When in use, a person whose entry lacks it has no reports, so the
     * crawl sends no query for them. Default: {@code null}, which uses {@code directReports} only
     * when the server's root DSE says it is Active Directory.
     *
     * @param backLink the attribute's name, or {@code null}
     * @return this builder
     */
    public Builder reportsAttribute(String backLink) {
      once("reportsAttribute");
      this.reportsAttribute = backLink;
      return this;
    }

    /**
     * Also reads {@code extra} attributes of each person (ldapsearch's trailing arguments); a
     * person carries them in {@link Person#attributes()}. A name already read (in any case: LDAP's
     * names ignore it) is read once. As ldapsearch takes them, {@value #ALL_USER_ATTRIBUTES} reads
     * every user attribute, {@value #ALL_OPERATIONAL_ATTRIBUTES} every operational one (each person
     * then carries those the server sent, beyond the names asked), and {@value #NO_ATTRIBUTES}
     * none. Default: none beyond cn, title and mail.
     *
     * @param extra attribute names
     * @return this builder
     */
    public Builder extraAttributes(List<String> extra) {
      once("extraAttributes");
      this.attributes = distinct(Stream.concat(attributes.stream(), extra.stream()).toList());
      return this;
    }

    /**
     * Where people are. Default: anywhere below the base ({@code -s sub}).
     *
     * @param one people are the base's direct children only (ldapsearch's {@code -s one})
     * @return this builder
     */
    public Builder oneLevel(boolean one) {
      once("oneLevel");
      this.oneLevel = one;
      return this;
    }

    /**
     * Also tries {@code servers}, in order, when {@code host:port} cannot be reached (ldapsearch's
     * {@code -H} with several URIs): replicas or domain controllers of the same directory. The one
     * that answered is tried first from then on. Default: none.
     *
     * @param servers more servers holding the same directory
     * @return this builder
     */
    public Builder failover(List<Server> servers) {
      once("failover");
      this.failover = List.copyOf(servers);
      return this;
    }

    /**
     * How long a crawl waits for the directory to answer again after it went away (a restart, a
     * failover): see {@link OrgChartSource#open()}. Default: {@link #DEFAULT_RECONNECT_FOR}.
     *
     * @param budget not negative; zero to fail at the first refusal
     * @return this builder
     */
    public Builder reconnectFor(Duration budget) {
      once("reconnectFor");
      Objects.requireNonNull(budget, "budget");
      if (budget.isNegative()) {
        throw new IllegalArgumentException("reconnectFor (" + budget + ") must not be negative");
      }
      this.reconnectFor = budget;
      return this;
    }

    /**
     * Finds the servers in DNS ({@code _ldap._tcp.DOMAIN} SRV records, how Active Directory's
     * clients find its domain controllers) rather than at {@code host:port} and the failover ones,
     * which are then not used. Default: none.
     *
     * @param discovery the domain and, optionally, the DNS server to ask
     * @return this builder
     */
    public Builder srv(SrvDiscovery discovery) {
      once("srv");
      this.srv = Objects.requireNonNull(discovery, "discovery");
      return this;
    }

    /**
     * The settings. The builder may go on being used; the settings do not change with it.
     *
     * @return the settings, with their own copy of the password
     */
    public LdapSettings build() {
      return new LdapSettings(this);
    }
  }

  private static int checkPort(int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port (" + port + ") must be from 1 to 65535");
    }
    return port;
  }

  /**
   * How the connection is protected. Certificates are always checked against the trusted CAs, and
   * the server's host name against the certificate; the SDK exempts loopback IP addresses (not
   * names) from the name check by design, as "potentially trustworthy".
   */
  public enum Security {
    /** No TLS. */
    NONE,
    /** TLS from the first byte ({@code ldaps://}). */
    LDAPS,
    /** A plain connection upgraded with the StartTLS extended operation. */
    STARTTLS
  }

  /**
   * A server holding the directory. Immutable.
   *
   * @param host a host name or address
   * @param port from 1 to 65535
   */
  public record Server(String host, int port) {
    /**
     * Validates.
     *
     * @param host a host name or address
     * @param port from 1 to 65535
     */
    public Server {
      Objects.requireNonNull(host, "host");
      checkPort(port);
    }

    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * How long a crawl waits by default for the directory to answer again: a restart or a failover.
   */
  public static final Duration DEFAULT_RECONNECT_FOR = Duration.ofSeconds(60);

  /**
   * @return the server host name
   */
  public String host() {
    return host;
  }

  /**
   * @return the server port
   */
  public int port() {
    return port;
  }

  /**
   * @return plain, LDAPS, or StartTLS
   */
  public Security security() {
    return security;
  }

  /**
   * @return the PEM file of trusted CA certificates; {@code null} for the JVM's trust store
   */
  public Path caFile() {
    return caFile;
  }

  /**
   * @return who to bind as; {@code null} for an anonymous crawl
   */
  public String bindDn() {
    return bindDn;
  }

  /**
   * The bind password, as a new copy each call, which the caller should clear when done with it;
   * these settings' own copy is never handed out.
   *
   * @return a copy of the password; {@code null} when anonymous
   */
  public char[] password() {
    return password == null ? null : password.clone();
  }

  /**
   * @return where people live
   */
  public String baseDn() {
    return baseDn;
  }

  /**
   * @return which entries are people; {@code null} for the directory's (see {@link Builder#schema})
   */
  public String personFilter() {
    return personFilter;
  }

  /**
   * @return the attribute a person is named by; {@code null} for the directory's
   */
  public String uidAttribute() {
    return uidAttribute;
  }

  /**
   * @return the DN-valued attribute linking a person to their manager
   */
  public String managerAttribute() {
    return managerAttribute;
  }

  /**
   * @return the back-link listing a person's reports; {@code null} for the directory's
   */
  public String reportsAttribute() {
    return reportsAttribute;
  }

  /**
   * @return what is read of each person besides uid and manager, each name once
   */
  public List<String> attributes() {
    return attributes;
  }

  /**
   * @return how long to wait for a connection
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * @return how long to wait for one operation
   */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /**
   * @return the most managers whose reports are asked for in one query
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * @return the most pending managers listed together in one engine listing
   */
  public int managersPerListing() {
    return managersPerListing;
  }

  /**
   * @return whether people are the base's direct children only
   */
  public boolean oneLevel() {
    return oneLevel;
  }

  /**
   * @return the servers tried after {@code host:port}, in order; empty for one server
   */
  public List<Server> failover() {
    return failover;
  }

  /**
   * @return how long a crawl waits for the directory to answer again
   */
  public Duration reconnectFor() {
    return reconnectFor;
  }

  /**
   * @return where DNS names the servers ({@code _ldap._tcp.DOMAIN} SRV records), or {@code null}
   *     when they are {@code host:port} and the failover ones
   */
  public SrvDiscovery srv() {
    return srv;
  }

  /** Among the extra attributes, ldapsearch's name for every user attribute. */
  public static final String ALL_USER_ATTRIBUTES = "*";

  /** Among the extra attributes, ldapsearch's name for every operational attribute. */
  public static final String ALL_OPERATIONAL_ATTRIBUTES = "+";

  /** Among the extra attributes, ldapsearch's name for none (RFC 4511's "1.1"). */
  public static final String NO_ATTRIBUTES = "1.1";

  /**
   * The attributes read besides uid, manager, cn, title and mail, each once whatever its case, in
   * the order asked: exactly the names a person carries in {@link Person#attributes()}, and so an
   * output's extra columns. One that repeats what a person already has a field for (cn, title,
   * mail, the uid or manager attribute) is not among them.
   */
  List<String> extraAttributes() {
    return distinct(attributes).stream()
        .filter(
            a ->
                !isField(a)
                    && !a.equals(ALL_USER_ATTRIBUTES)
                    && !a.equals(ALL_OPERATIONAL_ATTRIBUTES)
                    && !a.equals(NO_ATTRIBUTES))
        .toList();
  }

  /**
   * Whether a person has a field of their own for attribute {@code name}: cn, title, mail, the uid
   * or manager.
   */
  boolean isField(String name) {
    return Set.of("cn", "title", "mail").contains(name.toLowerCase(Locale.ROOT))
        || name.equalsIgnoreCase(uidAttribute)
        || name.equalsIgnoreCase(managerAttribute);
  }

  /**
   * @return whether every user attribute is read ({@value #ALL_USER_ATTRIBUTES} among the extra
   *     ones)
   */
  public boolean readsAllUserAttributes() {
    return attributes.contains(ALL_USER_ATTRIBUTES);
  }

  /**
   * @return whether every operational attribute is read ({@value #ALL_OPERATIONAL_ATTRIBUTES} among
   *     the extra ones)
   */
  public boolean readsOperationalAttributes() {
    return attributes.contains(ALL_OPERATIONAL_ATTRIBUTES);
  }

  /** {@code names} without repeats, ignoring case, the first spelling kept. */
  private static List<String> distinct(List<String> names) {
    Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    return names.stream().filter(seen::add).toList();
  }

  /**
   * @return every server, the first ({@code host:port}) first, then the failover ones
   */
  public List<Server> servers() {
    List<Server> all = new ArrayList<>(1 + failover.size());
    all.add(new Server(host, port));
    all.addAll(failover);
    return List.copyOf(all);
  }

  /**
   * @return the servers as a person reads them: {@code host:port}, the failover ones after it,
   *     comma separated; or the SRV records they are found by ({@code DNS SRV
   *     _ldap._tcp.example.com})
   */
  public String where() {
    return srv != null
        ? srv.toString()
        : servers().stream().map(Server::toString).collect(Collectors.joining(", "));
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "LdapSettings["
        + security
        + " "
        + where()
        + ", bind "
        + (bindDn == null ? "anonymous" : bindDn)
        + ", base "
        + baseDn
        + ", filter "
        + (personFilter == null ? "the directory's" : personFilter)
        + "]";
  }
}
