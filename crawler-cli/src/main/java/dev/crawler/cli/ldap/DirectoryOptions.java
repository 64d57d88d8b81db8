package dev.crawler.cli.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import dev.crawler.cli.common.DurationConverter;
import dev.crawler.cli.common.UserError;
import dev.crawler.ldap.LdapSettings;
import dev.crawler.ldap.SrvDiscovery;
import dev.crawler.ldap.demo.DemoDirectory;
import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * How {@code crawl ldap} reaches the directory, as ldapsearch users write it: the URL, the bind and
 * its password (never from an argument), TLS, the base, the schema, the timeouts. A picocli mixin:
 * declares the options, checks them, builds the {@link LdapSettings}, and says in one line why a
 * connection failed.
 */
public final class DirectoryOptions {
  @Option(
      names = {"-H", "--url"},
      paramLabel = "URL",
      description =
          "ldap://host:port or ldaps://host:port. Several servers of the same directory (domain"
              + " controllers, replicas): repeat -H, or give them in one, space-separated, as"
              + " ldapsearch takes them; they are tried in order, and a crawl goes on at another"
              + " when one goes away. With no host and a DN of dc components,"
              + " ldap:///dc=example,dc=com, the servers are found in DNS, as Active Directory's"
              + " clients find domain controllers (and pam_ldap for such a URL): the SRV records"
              + " _ldap._tcp.example.com, by priority and weight; the DN is also the default"
              + " --base. Without it: the embedded demo.")
  java.util.List<String> urlArguments = new java.util.ArrayList<>();

  /** The -H arguments split at spaces: every server's URL, in order; {@code null} for the demo. */
  String url;

  @Option(
      names = "--dns-server",
      paramLabel = "HOST[:PORT]",
      description =
          "With -H ldap:///dc=...: ask this DNS server for the SRV records, not the system's"
              + " (/etc/resolv.conf), as dig @HOST does.")
  String dnsServer;

  @Option(
      names = {"-D", "--bind-dn"},
      paramLabel = "DN",
      description = "Bind as DN (default: anonymous).")
  public String bindDn;

  @Option(
      names = {"-y", "--password-file"},
      paramLabel = "FILE",
      description = "Read the bind password from FILE.")
  public Path passwordFile;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Read the bind password from environment variable VAR.")
  public String passwordEnv;

  @Option(
      names = {"-W", "--ask-password"},
      description = "Prompt for the bind password.")
  public boolean askPassword;

  /**
   * ldapsearch's -w: refused, so that a password never sits in the process list or shell history.
   */
  @Option(names = "-w", paramLabel = "PASSWORD", hidden = true)
  String passwordArgument;

  @Option(
      names = "-x",
      description = "Simple bind: accepted for ldapsearch's habit; it is the only kind.")
  boolean simpleBind;

  @Option(
      names = {"-b", "--base"},
      paramLabel = "DN",
      description = "Where people live (required with --url).")
  String base;

  /** {@code null} unless given: the directory's, decided from its root DSE (see LdapSettings). */
  @Option(
      names = "--filter",
      paramLabel = "FILTER",
      description =
          "Which entries are people: the walk goes through them alone. Default"
              + " (objectClass=inetOrgPerson); on Active Directory (its root DSE says so)"
              + " (&(objectCategory=person)(objectClass=user)). Also given as the first argument,"
              + " as ldapsearch takes it.")
  String personFilter;

  /** {@code null} unless given: the directory's, decided from its root DSE (see LdapSettings). */
  @Option(
      names = "--uid-attribute",
      paramLabel = "ATTR",
      description =
          "The attribute that names a person: what --root gives (unless a DN), what output calls"
              + " uid, and what a search past the size limit without paging is split by. Default"
              + " uid; on Active Directory sAMAccountName, and --root is also found by"
              + " userPrincipalName or mail (--debug says what was chosen).")
  String uidAttribute;

  @Option(
      names = "--manager-attribute",
      paramLabel = "ATTR",
      description =
          "The attribute of a person that holds their manager's DN: who they report to. The chart"
              + " is walked by searching for it (manager=DN of each manager). Default"
              + " ${DEFAULT-VALUE}.")
  String managerAttribute = "manager";

  @Option(
      names = {"-Z", "-ZZ", "--starttls"},
      description =
          "Upgrade the connection with StartTLS, and fail if the server cannot (ldapsearch's -ZZ;"
              + " -Z too).")
  boolean startTls;

  @Option(
      names = "--ca-file",
      paramLabel = "PEM",
      description = "Trust the CA certificates in PEM (default: the JVM's).")
  Path caFile;

  @Option(
      names = "--connect-timeout",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description =
          "How long to wait for a server to accept a connection before trying the next -H server"
              + " (during a crawl: before waiting and trying again, see --reconnect-for); default"
              + " 10s. --timeout bounds each operation once connected.")
  Duration connectTimeout = Duration.ofSeconds(10);

  @Option(
      names = "--timeout",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Per operation; default 30s.")
  Duration responseTimeout = Duration.ofSeconds(30);

  @Option(
      names = "--reconnect-for",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description =
          "When the directory goes away during the crawl (a restart, a failover), reconnect with"
              + " backoff for up to TIME, then fail (exit 1); default 60s, never past --deadline."
              + " Each person is still printed once.")
  Duration reconnectFor = LdapSettings.DEFAULT_RECONNECT_FOR;

  @Option(
      names = {"-s", "--scope"},
      paramLabel = "SCOPE",
      description =
          "Where people are, as ldapsearch's -s: sub (anywhere below --base, the default) or one "
              + "(right under it).")
  String scope = "sub";

  /** The base DN given, or {@code fallback} (the demo's). */
  String baseOr(String fallback) {
    return base == null ? fallback : base;
  }

  /** Checks the flags against each other before anything starts. */
  void validate() throws UserError {
    if (personFilter != null) {
      LdapsearchArguments.checkFilter(personFilter, "--filter");
    }
    if (uidAttribute != null) {
      LdapsearchArguments.checkAttribute(uidAttribute, "--uid-attribute");
    }
    LdapsearchArguments.checkAttribute(managerAttribute, "--manager-attribute");
    java.util.List<String> urls = new java.util.ArrayList<>();
    for (String argument : urlArguments) {
      for (String one : argument.trim().split("\\s+")) {
        if (!one.isEmpty()) {
          urls.add(one);
        }
      }
    }
    if (!urlArguments.isEmpty() && urls.isEmpty()) {
      throw new UserError("-H names no server: write it like ldap://host:389 or ldaps://host:636");
    }
    url = urls.isEmpty() ? null : String.join(" ", urls);
    if (!scope.equals("sub") && !scope.equals("one")) {
      throw new UserError(
          "-s takes sub or one, not '"
              + scope
              + "'"
              + (scope.equals("base")
                  ? ": base would search the --base entry alone, and people live below it"
                  : ""));
    }
    if (passwordArgument != null) {
      throw new UserError(
          "-w would show the password to every user of this machine (ps) and keep it in your "
              + "shell history: give -y FILE, --password-env VAR, or -W to be asked");
    }
    int ways =
        (passwordFile != null ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (askPassword ? 1 : 0);
    if (ways > 1) {
      throw new UserError(
          "give the password one way: -y FILE, --password-env VAR or -W, not several");
    }
    if (url == null && (bindDn != null || base != null || startTls || caFile != null)) {
      throw new UserError(
          "--bind-dn, --base, --starttls and --ca-file need --url (without it, the demo is"
              + " served)");
    }
    if (url == null && dnsServer != null) {
      throw new UserError(
          "--dns-server is for servers found in DNS: -H ldap:///dc=example,dc=com, with no host");
    }
  }

  /** Settings for the embedded demo directory, with this command line's schema and timeouts. */
  LdapSettings.Builder demoSettings(DemoDirectory demo) {
    return scoped(
        LdapSettings.builder("127.0.0.1", demo.port(), DemoDirectory.BASE_DN)
            .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
            .schema(personFilter, uidAttribute, managerAttribute)
            .timeouts(connectTimeout, responseTimeout));
  }

  private LdapSettings.Builder scoped(LdapSettings.Builder settings) {
    return settings.oneLevel(scope.equals("one")).reconnectFor(reconnectFor);
  }

  /** Settings for the directory at --url, checked; the password read as the flags say. */
  LdapSettings.Builder settingsForUrl() throws UserError {
    java.util.List<LDAPURL> parsed = new java.util.ArrayList<>();
    for (String one : url.split(" ")) {
      parsed.add(parse(one));
    }
    SrvDiscovery srv = srv(parsed);
    if (base == null && srv != null) {
      base = parsed.get(0).getBaseDN().toString();
    }
    if (base == null) {
      throw new UserError(
          "--base is needed with --url: where do people live? (e.g. -b"
              + " ou=people,dc=example,dc=com)");
    }
    String scheme = parsed.get(0).getScheme();
    for (LDAPURL other : parsed) {
      if (!other.getScheme().equalsIgnoreCase(scheme)) {
        throw new UserError(
            "-H " + url + ": give every server the same scheme, all ldap:// or all ldaps://");
      }
    }
    boolean ldaps = "ldaps".equalsIgnoreCase(scheme);
    if (ldaps && startTls) {
      throw new UserError("--starttls goes with ldap://, not ldaps:// (which is TLS already)");
    }
    if (caFile != null && !ldaps && !startTls) {
      throw new UserError(
          "--ca-file is for TLS: use an ldaps:// URL or --starttls, or leave --ca-file out");
    }
    LdapSettings.Security security =
        ldaps
            ? LdapSettings.Security.LDAPS
            : startTls ? LdapSettings.Security.STARTTLS : LdapSettings.Security.NONE;
    java.util.List<LdapSettings.Server> failover = new java.util.ArrayList<>();
    for (LDAPURL other : parsed.subList(1, parsed.size())) {
      failover.add(new LdapSettings.Server(other.getHost(), other.getPort()));
    }
    LdapSettings.Builder settings =
        LdapSettings.builder(
                srv != null ? srv.domain() : parsed.get(0).getHost(), parsed.get(0).getPort(), base)
            .failover(failover)
            .security(security, caFile)
            .schema(personFilter, uidAttribute, managerAttribute)
            .timeouts(connectTimeout, responseTimeout);
    if (srv != null) {
      settings.srv(srv);
    }
    if (bindDn != null) {
      char[] secret = password();
      settings.bind(bindDn, secret);
      Arrays.fill(secret, '\0'); // the settings keep their own copy
    } else if (passwordFile != null || passwordEnv != null || askPassword) {
      throw new UserError("a password was given but no --bind-dn to bind as");
    }
    return scoped(settings);
  }

  /**
   * Where DNS names the servers, for a URL with no host ({@code ldap:///dc=example,dc=com}, as
   * pam_ldap reads it); {@code null} when the URLs name their hosts.
   */
  private SrvDiscovery srv(java.util.List<LDAPURL> parsed) throws UserError {
    LDAPURL first = parsed.get(0);
    if (first.hostProvided()) {
      if (dnsServer != null) {
        throw new UserError(
            "--dns-server is for servers found in DNS: -H ldap:///dc=example,dc=com, with no host");
      }
      return null;
    }
    String written = url.split(" ")[0];
    if (parsed.size() > 1) {
      throw new UserError(
          "-H "
              + url
              + ": "
              + written
              + " finds its servers in DNS; give it alone, not with others");
    }
    if ("ldaps".equalsIgnoreCase(first.getScheme())) {
      throw new UserError(
          "-H "
              + written
              + ": the SRV records _ldap._tcp name plain LDAP ports; use ldap:///"
              + first.getBaseDN()
              + " with --starttls for TLS");
    }
    if (first.getBaseDN().isNullDN()) {
      throw new UserError(
          "-H "
              + written
              + " names no host and no domain: write ldap://host:389, or "
              + "ldap:///dc=example,dc=com to find the servers of example.com in DNS");
    }
    try {
      return new SrvDiscovery(SrvDiscovery.domainOf(first.getBaseDN().toString()), dnsServer);
    } catch (IllegalArgumentException e) {
      throw new UserError(
          "-H "
              + written
              + ": "
              + e.getMessage()
              + " (write ldap:///dc=example,dc=com to find the "
              + "servers of example.com in DNS)");
    }
  }

  /** One server's URL, checked: a host, over TCP. */
  private static LDAPURL parse(String one) throws UserError {
    if (one.regionMatches(true, 0, "ldapi:", 0, 6)) {
      // The UnboundID SDK talks over TCP sockets only; java.net.Socket cannot be a Unix socket.
      throw new UserError(
          "--url '"
              + one
              + "': ldapi:// (a Unix socket) is not supported; connect over TCP, "
              + "like ldap://127.0.0.1:389, or ldaps://host:636");
    }
    LDAPURL parsed;
    try {
      parsed = new LDAPURL(one);
    } catch (LDAPException e) {
      throw new UserError(
          "bad --url '" + one + "': write it like ldap://host:389 or ldaps://host:636");
    }
    if (!parsed.hostProvided() && parsed.getBaseDN().isNullDN()) {
      throw new UserError(
          "--url '"
              + one
              + "' names no host: write it like ldap://host:389 or ldaps://host:636, or "
              + "ldap:///dc=example,dc=com to find the servers of example.com in DNS");
    }
    return parsed;
  }

  /**
   * The bind password: from a file, an environment variable or a prompt; never from an argument. A
   * file's bytes are decoded straight into the array, never through a {@code String}, and cleared;
   * an environment variable is a {@code String} already (the JVM's), so only its copy is an array.
   */
  public char[] password() throws UserError {
    if (passwordFile != null) {
      char[] secret;
      try {
        secret = stripped(Files.readAllBytes(passwordFile));
      } catch (NoSuchFileException e) {
        throw new UserError("cannot read --password-file " + passwordFile + ": no such file", e);
      } catch (AccessDeniedException e) {
        throw new UserError(
            "cannot read --password-file " + passwordFile + ": permission denied", e);
      } catch (IOException e) {
        throw new UserError(
            "cannot read --password-file " + passwordFile + ": " + e.getMessage(), e);
      }
      if (secret.length == 0) {
        throw new UserError(
            "--password-file " + passwordFile + " is empty: put the bind password in it");
      }
      return secret;
    }
    if (passwordEnv != null) {
      String value = System.getenv(passwordEnv);
      if (value == null) {
        throw new UserError("--password-env " + passwordEnv + ": no such environment variable");
      }
      return value.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw new UserError(
          "--bind-dn needs a password: give --password-file, --password-env, or -W on a terminal");
    }
    char[] typed = console.readPassword("Password for %s: ", bindDn);
    if (typed == null) {
      throw new UserError("no password given");
    }
    return typed;
  }

  /**
   * {@code utf8} decoded without the white space around it, as {@link String#strip()} takes it;
   * {@code utf8} and every buffer on the way are cleared.
   *
   * @throws CharacterCodingException if it is not UTF-8, as {@code Files.readString} refuses it
   */
  static char[] stripped(byte[] utf8) throws CharacterCodingException {
    CharBuffer chars;
    try {
      chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8));
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
    int from = chars.position();
    int to = chars.limit();
    while (from < to && Character.isWhitespace(chars.get(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(chars.get(to - 1))) {
      to--;
    }
    char[] secret = new char[to - from];
    chars.get(from, secret);
    if (chars.hasArray()) {
      Arrays.fill(chars.array(), '\0');
    }
    return secret;
  }

  /** One line saying what went wrong when reaching or binding to the directory. */
  public static String explain(LDAPException e, LdapSettings settings) {
    String where = settings.where();
    ResultCode code = e.getResultCode();
    if (settings.srv() != null && String.valueOf(e.getMessage()).startsWith("no DNS SRV records")) {
      return e.getMessage(); // Connector's one line: the records, the DNS server, why
    }
    if (code == ResultCode.CONNECT_ERROR
        || code == ResultCode.SERVER_DOWN
        || code == ResultCode.TIMEOUT) {
      return "cannot reach " + where + ": " + unreachableBecause(e, settings);
    }
    if (code == ResultCode.INVALID_CREDENTIALS) {
      return "the directory at "
          + where
          + " refused the bind as "
          + settings.bindDn()
          + ": invalid credentials (check --bind-dn and the password)";
    }
    if (code == ResultCode.NO_SUCH_OBJECT) {
      return "the base DN " + settings.baseDn() + " does not exist at " + where + " (check --base)";
    }
    return "the directory at "
        + where
        + " said "
        + code.getName()
        + ": "
        + e.getDiagnosticMessage();
  }

  /** Why a connection failed, in a few words, from the cause the SDK wrapped. */
  private static String unreachableBecause(LDAPException e, LdapSettings settings) {
    if (e.getResultCode() == ResultCode.TIMEOUT) {
      // Connected, then no answer (to StartTLS, the bind, or a search): --timeout's wait, not
      // --connect-timeout's.
      return "connected, but no answer within "
          + DurationConverter.format(settings.responseTimeout())
          + " (see --timeout)";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage());
      if (t instanceof java.net.UnknownHostException || text.contains("UnknownHostException")) {
        return "unknown host (check the name in --url)";
      }
      if (t instanceof java.net.ConnectException || text.contains("ConnectException")) {
        return "connection refused (is the server running, and on that port?)";
      }
      if (t instanceof javax.net.ssl.SSLException
          || text.contains("SSLException")
          || text.contains("SSLHandshake")
          || text.contains("Hostname verification")) {
        return text.contains("Hostname verification")
            ? "TLS: the server's certificate is not for " + settings.host()
            : "TLS handshake failed (is it ldaps:// on a plain port, or is its certificate"
                + " untrusted? see --ca-file)";
      }
      if (t instanceof java.net.SocketTimeoutException
          || text.contains("SocketTimeoutException")
          || text.contains("connect timeout")) {
        return "no connection within "
            + DurationConverter.format(settings.connectTimeout())
            + " (see --connect-timeout)";
      }
    }
    return e.getResultCode() == ResultCode.SERVER_DOWN
        ? "the server closed the connection (is it ldap:// on a TLS port?)"
        : e.getDiagnosticMessage() == null ? e.getResultCode().getName() : e.getDiagnosticMessage();
  }
}
