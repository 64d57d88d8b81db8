package dev.crawler.ldap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the directory is, how to reach it, and how its org chart is shaped. Immutable. Build with
 * {@link #of(String, int, String)} and the {@code with} methods.
 *
 * @param host server host name
 * @param port server port
 * @param security plain, LDAPS, or StartTLS
 * @param caFile PEM file of trusted CA certificates for TLS; {@code null} for the JVM's trust store
 * @param bindDn who to bind as; {@code null} for an anonymous crawl
 * @param password the bind password; never logged; {@code null} when anonymous
 * @param baseDn where people live
 * @param personFilter which entries are people, as an LDAP filter string; {@code null} for the
 *     directory's: {@code (&(objectCategory=person)(objectClass=user))} when the root DSE says
 *     Active Directory, else {@code (objectClass=inetOrgPerson)}
 * @param uidAttribute the attribute {@code --root} names a person by; {@code null} for the
 *     directory's: {@code sAMAccountName} on Active Directory (and a root is then also found by
 *     {@code userPrincipalName} or {@code mail}), else {@code uid}
 * @param managerAttribute the DN-valued attribute linking a person to their manager
 * @param reportsAttribute the back-link listing a person's direct reports, kept by the server
 *     (Active Directory's {@code directReports}); {@code null} to use {@code directReports} only
 *     when the server's root DSE says it is Active Directory. When in use, a person whose entry
 *     lacks it has no reports, so the crawl sends no query for them.
 * @param attributes what to read of each person besides uid and manager
 * @param connectTimeout how long to wait for a connection
 * @param responseTimeout how long to wait for one operation
 * @param batchSize the most managers whose reports are asked for in one query (terms of the OR)
 * @param managersPerListing the most pending managers listed together in one engine listing
 * @param oneLevel people are the base's direct children only (ldapsearch's {@code -s one}); else
 *     anywhere below it ({@code -s sub}, the default)
 * @param failover more servers holding the same directory (other domain controllers, replicas),
 *     tried in order when {@code host:port} cannot be reached; the one that answered is tried
 *     first from then on. Empty for one server.
 * @param reconnectFor how long a crawl waits for the directory to answer again after it went
 *     away (a restart, a failover): see {@link OrgChartSource#open()}
 */
public record LdapSettings(
    String host,
    int port,
    Security security,
    Path caFile,
    String bindDn,
    char[] password,
    String baseDn,
    String personFilter,
    String uidAttribute,
    String managerAttribute,
    String reportsAttribute,
    List<String> attributes,
    Duration connectTimeout,
    Duration responseTimeout,
    int batchSize,
    int managersPerListing,
    boolean oneLevel,
    List<Server> failover,
    Duration reconnectFor) {

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
    /** Validates. */
    public Server {
      Objects.requireNonNull(host, "host");
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port (" + port + ") must be from 1 to 65535");
      }
    }

    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** How long a crawl waits by default for the directory to answer again: a restart or a failover. */
  public static final Duration DEFAULT_RECONNECT_FOR = Duration.ofSeconds(60);

  /** Validates and copies. */
  public LdapSettings {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port (" + port + ") must be from 1 to 65535");
    }
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(baseDn, "baseDn");
    Objects.requireNonNull(managerAttribute, "managerAttribute");
    attributes = List.copyOf(attributes);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize (" + batchSize + ") must be at least 1");
    }
    if (managersPerListing < 1) {
      throw new IllegalArgumentException("managersPerListing (" + managersPerListing + ") must be at least 1");
    }
    failover = List.copyOf(failover);
    Objects.requireNonNull(reconnectFor, "reconnectFor");
    if (reconnectFor.isNegative()) {
      throw new IllegalArgumentException("reconnectFor (" + reconnectFor + ") must not be negative");
    }
    if ((bindDn == null) != (password == null)) {
      throw new IllegalArgumentException("a bind DN needs a password, and a password a bind DN");
    }
  }

  /** Plain LDAP, anonymous, inetOrgPerson entries linked by {@code manager}. */
  public static LdapSettings of(String host, int port, String baseDn) {
    return new LdapSettings(host, port, Security.NONE, null, null, null, baseDn, "(objectClass=inetOrgPerson)",
        "uid", "manager", null, List.of("cn", "title", "mail"), Duration.ofSeconds(10), Duration.ofSeconds(30), 400, 64, false, List.of(),
        DEFAULT_RECONNECT_FOR);
  }

  public LdapSettings withBind(String dn, char[] secret) {
    return new LdapSettings(host, port, security, caFile, dn, secret, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, attributes, connectTimeout, responseTimeout, batchSize, managersPerListing, oneLevel, failover, reconnectFor);
  }

  public LdapSettings withSecurity(Security mode, Path trustedCas) {
    return new LdapSettings(host, port, mode, trustedCas, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, attributes, connectTimeout, responseTimeout, batchSize, managersPerListing, oneLevel, failover, reconnectFor);
  }

  /**
   * The people, what they are named by and who their manager is; a {@code null} filter or uid
   * attribute is the directory's (see {@link LdapSettings}).
   */
  public LdapSettings withSchema(String filter, String uid, String manager) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, filter, uid, manager,
        reportsAttribute, attributes, connectTimeout, responseTimeout, batchSize, managersPerListing, oneLevel, failover, reconnectFor);
  }

  public LdapSettings withTimeouts(Duration connect, Duration response) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, attributes, connect, response, batchSize, managersPerListing, oneLevel, failover, reconnectFor);
  }

  public LdapSettings withBatchSize(int managersPerQuery) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, attributes, connectTimeout, responseTimeout, managersPerQuery, managersPerListing, oneLevel, failover, reconnectFor);
  }

  public LdapSettings withManagersPerListing(int managers) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, attributes, connectTimeout, responseTimeout, batchSize, managers, oneLevel, failover, reconnectFor);
  }

  public LdapSettings withReportsAttribute(String backLink) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, backLink, attributes, connectTimeout, responseTimeout, batchSize, managersPerListing, oneLevel, failover, reconnectFor);
  }

  /** Among the extra attributes, ldapsearch's name for every user attribute. */
  public static final String ALL_USER_ATTRIBUTES = "*";
  /** Among the extra attributes, ldapsearch's name for every operational attribute. */
  public static final String ALL_OPERATIONAL_ATTRIBUTES = "+";
  /** Among the extra attributes, ldapsearch's name for none (RFC 4511's "1.1"). */
  public static final String NO_ATTRIBUTES = "1.1";

  /**
   * Also reads {@code extra} attributes of each person (ldapsearch's trailing arguments); a person
   * carries them in {@link Person#attributes()}. A name already read (in any case: LDAP's names
   * ignore it) is read once. As ldapsearch takes them, {@value #ALL_USER_ATTRIBUTES} reads every
   * user attribute, {@value #ALL_OPERATIONAL_ATTRIBUTES} every operational one (each person then
   * carries those the server sent, beyond the names asked), and {@value #NO_ATTRIBUTES} none.
   */
  public LdapSettings withExtraAttributes(List<String> extra) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, distinct(Stream.concat(attributes.stream(), extra.stream())
            .toList()), connectTimeout, responseTimeout, batchSize, managersPerListing, oneLevel, failover, reconnectFor);
  }

  /**
   * The attributes read besides uid, manager, cn, title and mail, each once whatever its case, in
   * the order asked: exactly the names a person carries in {@link Person#attributes()}, and so an
   * output's extra columns. One that repeats what a person already has a field for (cn, title,
   * mail, the uid or manager attribute) is not among them.
   */
  List<String> extraAttributes() {
    return distinct(attributes).stream()
        .filter(a -> !isField(a) && !a.equals(ALL_USER_ATTRIBUTES) && !a.equals(ALL_OPERATIONAL_ATTRIBUTES)
            && !a.equals(NO_ATTRIBUTES))
        .toList();
  }

  /** Whether a person has a field of their own for attribute {@code name}: cn, title, mail, the uid or manager. */
  boolean isField(String name) {
    return Set.of("cn", "title", "mail").contains(name.toLowerCase(Locale.ROOT))
        || name.equalsIgnoreCase(uidAttribute) || name.equalsIgnoreCase(managerAttribute);
  }

  /** Whether every user attribute is read ({@value #ALL_USER_ATTRIBUTES} among the extra ones). */
  public boolean readsAllUserAttributes() {
    return attributes.contains(ALL_USER_ATTRIBUTES);
  }

  /** Whether every operational attribute is read ({@value #ALL_OPERATIONAL_ATTRIBUTES} among the extra ones). */
  public boolean readsOperationalAttributes() {
    return attributes.contains(ALL_OPERATIONAL_ATTRIBUTES);
  }

  /** {@code names} without repeats, ignoring case, the first spelling kept. */
  private static List<String> distinct(List<String> names) {
    Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    return names.stream().filter(seen::add).toList();
  }

  /** People are the base's direct children only ({@code true}), or anywhere below it. */
  public LdapSettings withOneLevel(boolean one) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, attributes, connectTimeout, responseTimeout, batchSize, managersPerListing,
        one, failover, reconnectFor);
  }

  /**
   * Also tries {@code servers}, in order, when the first cannot be reached (ldapsearch's {@code -H}
   * with several URIs): replicas or domain controllers of the same directory.
   */
  public LdapSettings withFailover(List<Server> servers) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, attributes, connectTimeout, responseTimeout, batchSize, managersPerListing,
        oneLevel, servers, reconnectFor);
  }

  /** How long a crawl waits for the directory to answer again; zero to fail at the first refusal. */
  public LdapSettings withReconnectFor(Duration budget) {
    return new LdapSettings(host, port, security, caFile, bindDn, password, baseDn, personFilter, uidAttribute,
        managerAttribute, reportsAttribute, attributes, connectTimeout, responseTimeout, batchSize, managersPerListing,
        oneLevel, failover, budget);
  }

  /** Every server, the first ({@code host:port}) first, then the failover ones. */
  public List<Server> servers() {
    List<Server> all = new ArrayList<>(1 + failover.size());
    all.add(new Server(host, port));
    all.addAll(failover);
    return List.copyOf(all);
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "LdapSettings[" + security + " " + servers().stream().map(Server::toString)
        .collect(Collectors.joining(" ")) + ", bind " + (bindDn == null ? "anonymous" : bindDn)
        + ", base " + baseDn + ", filter " + (personFilter == null ? "the directory's" : personFilter) + "]";
  }
}
