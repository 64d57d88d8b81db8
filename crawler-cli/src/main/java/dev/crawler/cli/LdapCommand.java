package dev.crawler.cli;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import dev.crawler.ldap.LdapSettings;
import dev.crawler.ldap.MissingManager;
import dev.crawler.ldap.NoSuchPersonException;
import dev.crawler.ldap.OrgChartSource;
import dev.crawler.ldap.Person;
import dev.crawler.ldap.demo.DemoDirectory;
import java.io.Console;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crawl ldap}: an org chart walked from one person down, one small query per manager. */
@Command(
    name = "ldap",
    mixinStandardHelpOptions = true,
    versionProvider = CrawlCommand.Version.class,
    sortOptions = false,
    description = {
        "Walk an LDAP org chart from --root down, one small query per manager, past any size limit.",
        "People are printed in no particular order (--tree sorts them).",
        "With no --url, serves a generated demo org chart from an in-memory directory on loopback."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:everyone was read",
        "1:some managers' reports could not be read, or the deadline passed (partial output)",
        "2:bad usage, unknown root, bad credentials, or unreachable server",
        "130:interrupted (Ctrl-C); what was found was written"})
final class LdapCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--root", required = true, paramLabel = "UID|DN", description = "Who to start from: a uid or a DN.")
  String root;

  @Option(names = {"-H", "--url"}, paramLabel = "URL",
      description = "ldap://host:port or ldaps://host:port. Without it: the embedded demo.")
  String url;

  @Option(names = {"-D", "--bind-dn"}, paramLabel = "DN", description = "Bind as DN (default: anonymous).")
  String bindDn;

  @Option(names = {"-y", "--password-file"}, paramLabel = "FILE", description = "Read the bind password from FILE.")
  Path passwordFile;

  @Option(names = "--password-env", paramLabel = "VAR", description = "Read the bind password from environment variable VAR.")
  String passwordEnv;

  @Option(names = {"-W", "--ask-password"}, description = "Prompt for the bind password.")
  boolean askPassword;

  /** ldapsearch's -w: refused, so that a password never sits in the process list or shell history. */
  @Option(names = "-w", paramLabel = "PASSWORD", hidden = true)
  String passwordArgument;

  @Option(names = "-x", description = "Simple bind: accepted for ldapsearch's habit; it is the only kind.")
  boolean simpleBind;

  @Option(names = {"-b", "--base"}, paramLabel = "DN", description = "Where people live (required with --url).")
  String base;

  @Option(names = "--filter", paramLabel = "FILTER", description = "Which entries are people (default ${DEFAULT-VALUE}).")
  String personFilter = "(objectClass=inetOrgPerson)";

  @Option(names = "--uid-attribute", paramLabel = "ATTR", description = "Default ${DEFAULT-VALUE}.")
  String uidAttribute = "uid";

  @Option(names = "--manager-attribute", paramLabel = "ATTR", description = "Default ${DEFAULT-VALUE}.")
  String managerAttribute = "manager";

  @Option(names = {"-Z", "-ZZ", "--starttls"},
      description = "Upgrade the connection with StartTLS, and fail if the server cannot (ldapsearch's -ZZ; -Z too).")
  boolean startTls;

  @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust the CA certificates in PEM (default: the JVM's).")
  Path caFile;

  @Option(names = "--connect-timeout", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Default 10s.")
  Duration connectTimeout = Duration.ofSeconds(10);

  @Option(names = "--timeout", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Per operation; default 30s.")
  Duration responseTimeout = Duration.ofSeconds(30);

  /** Default workers: one connection each; LDAP listings wait on the server, not the CPU. */
  static final int DEFAULT_WORKERS = 8;

  @Mixin
  CrawlOptions crawlOptions = new CrawlOptions();

  @ArgGroup(exclusive = true)
  Format format = new Format();

  /** Output format flags; at most one. */
  static final class Format {
    @Option(names = "--json", description = "JSON lines (the default).")
    boolean json;

    @Option(names = "--csv", description = "CSV with a header row.")
    boolean csv;

    @Option(names = "--tree", description = "An indented org chart, sorted by name.")
    boolean tree;

    @Option(names = "--dot", description = "Graphviz DOT, for a picture: crawl ldap ... --dot | dot -Tsvg > chart.svg")
    boolean dot;

    PersonFormat personFormat() {
      return csv ? PersonFormat.CSV : tree ? PersonFormat.TREE : dot ? PersonFormat.DOT : PersonFormat.JSON;
    }
  }

  @Option(names = "--demo-people", paramLabel = "N", description = "Demo only: how many people (default ${DEFAULT-VALUE}).")
  int demoPeople = 5_000;

  @Option(names = "--demo-size-limit", paramLabel = "N", description = "Demo only: the server's size limit (default ${DEFAULT-VALUE}).")
  int demoSizeLimit = 200;

  @Option(names = "--demo-latency", paramLabel = "TIME", converter = DurationConverter.class,
      description = "Demo only: added to every search, to see what more workers buy (e.g. 2ms).")
  Duration demoLatency;

  @Option(names = "--find-orphans", description = "After the crawl, read every person once more (in pieces under "
      + "the size limit) and report those whose manager does not exist: no crawl from the top reaches them.")
  boolean findOrphans;

  private final OutputStream stdout;

  LdapCommand(OutputStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws Exception {
    crawlOptions.validate();
    validate();
    PrintStream err = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
    DemoDirectory demo = url == null ? startDemo(err) : null;
    try {
      LdapSettings settings = demo == null ? settingsForUrl() : demoSettings(demo);
      OrgChartSource source;
      try {
        source = OrgChartSource.of(settings);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage(), e);
      } catch (GeneralSecurityException e) {
        throw new UserError("cannot read --ca-file " + caFile + ": " + e.getMessage(), e);
      } catch (LDAPException e) {
        throw new UserError(explain(e, settings), e);
      }
      Person rootPerson;
      try {
        rootPerson = source.findRoot(root);
      } catch (NoSuchPersonException e) {
        throw new UserError(e.getMessage(), e);
      } catch (LDAPException e) {
        throw new UserError(explain(e, settings), e);
      }
      return crawl(source, rootPerson, err);
    } finally {
      if (demo != null) {
        demo.close();
      }
    }
  }

  /** Checks what can be checked before anything starts: no banner, no connection before a usage error. */
  private void validate() throws UserError {
    if (passwordArgument != null) {
      throw new UserError("-w would show the password to every user of this machine (ps) and keep it in your "
          + "shell history: give -y FILE, --password-env VAR, or -W to be asked");
    }
    int ways = (passwordFile != null ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (askPassword ? 1 : 0);
    if (ways > 1) {
      throw new UserError("give the password one way: -y FILE, --password-env VAR or -W, not several");
    }
    if (url == null) {
      if (bindDn != null || base != null || startTls || caFile != null) {
        throw new UserError("--bind-dn, --base, --starttls and --ca-file need --url (without it, the demo is served)");
      }
      if (demoPeople < DemoDirectory.MIN_PEOPLE) {
        throw new UserError("--demo-people must be at least " + DemoDirectory.MIN_PEOPLE + ", not " + demoPeople);
      }
      if (demoSizeLimit < DemoDirectory.MIN_SIZE_LIMIT) {
        throw new UserError("--demo-size-limit must be at least " + DemoDirectory.MIN_SIZE_LIMIT + ", not "
            + demoSizeLimit);
      }
    }
  }

  private DemoDirectory startDemo(PrintStream err) throws LDAPException, UserError {
    DemoDirectory.Options options = new DemoDirectory.Options(demoPeople, 1, demoSizeLimit,
        demoLatency == null ? Duration.ZERO : demoLatency, true);
    DemoDirectory demo;
    try {
      demo = DemoDirectory.start(options);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (!crawlOptions.quiet) {
      err.printf(Locale.ROOT, "crawl: serving a demo org chart of %,d people on ldap://127.0.0.1:%d (size limit %d, "
              + "no paging%s); give --url to crawl a real directory%n", demoPeople, demo.port(), demoSizeLimit,
          demoLatency == null ? "" : ", " + demoLatency.toMillis() + " ms per search");
    }
    return demo;
  }

  private LdapSettings demoSettings(DemoDirectory demo) {
    return LdapSettings.of("127.0.0.1", demo.port(), DemoDirectory.BASE_DN)
        .withBind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
        .withSchema(personFilter, uidAttribute, managerAttribute)
        .withTimeouts(connectTimeout, responseTimeout);
  }

  private LdapSettings settingsForUrl() throws UserError {
    LDAPURL parsed;
    try {
      parsed = new LDAPURL(url);
    } catch (LDAPException e) {
      throw new UserError("bad --url '" + url + "': write it like ldap://host:389 or ldaps://host:636");
    }
    if (!parsed.hostProvided()) {
      throw new UserError("--url '" + url + "' names no host: write it like ldap://host:389 or ldaps://host:636");
    }
    if (base == null) {
      throw new UserError("--base is needed with --url: where do people live? (e.g. -b ou=people,dc=example,dc=com)");
    }
    boolean ldaps = "ldaps".equalsIgnoreCase(parsed.getScheme());
    if (ldaps && startTls) {
      throw new UserError("--starttls goes with ldap://, not ldaps:// (which is TLS already)");
    }
    if (caFile != null && !ldaps && !startTls) {
      throw new UserError("--ca-file is for TLS: use an ldaps:// URL or --starttls, or leave --ca-file out");
    }
    LdapSettings.Security security = ldaps ? LdapSettings.Security.LDAPS
        : startTls ? LdapSettings.Security.STARTTLS : LdapSettings.Security.NONE;
    LdapSettings settings = LdapSettings.of(parsed.getHost(), parsed.getPort(), base)
        .withSecurity(security, caFile)
        .withSchema(personFilter, uidAttribute, managerAttribute)
        .withTimeouts(connectTimeout, responseTimeout);
    if (bindDn != null) {
      settings = settings.withBind(bindDn, password());
    } else if (passwordFile != null || passwordEnv != null || askPassword) {
      throw new UserError("a password was given but no --bind-dn to bind as");
    }
    return settings;
  }

  /** The bind password: from a file, an environment variable or a prompt; never from an argument. */
  private char[] password() throws UserError {
    if (passwordFile != null) {
      String text;
      try {
        text = Files.readString(passwordFile, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new UserError("cannot read --password-file " + passwordFile + ": no such file", e);
      } catch (AccessDeniedException e) {
        throw new UserError("cannot read --password-file " + passwordFile + ": permission denied", e);
      } catch (IOException e) {
        throw new UserError("cannot read --password-file " + passwordFile + ": " + e.getMessage(), e);
      }
      char[] secret = text.strip().toCharArray();
      if (secret.length == 0) {
        throw new UserError("--password-file " + passwordFile + " is empty: put the bind password in it");
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
      throw new UserError("--bind-dn needs a password: give --password-file, --password-env, or -W on a terminal");
    }
    char[] typed = console.readPassword("Password for %s: ", bindDn);
    if (typed == null) {
      throw new UserError("no password given");
    }
    return typed;
  }

  /** One line saying what went wrong when reaching or binding to the directory. */
  static String explain(LDAPException e, LdapSettings settings) {
    String where = settings.host() + ":" + settings.port();
    ResultCode code = e.getResultCode();
    if (code == ResultCode.CONNECT_ERROR || code == ResultCode.SERVER_DOWN || code == ResultCode.TIMEOUT) {
      return "cannot reach " + where + ": " + unreachableBecause(e, settings);
    }
    if (code == ResultCode.INVALID_CREDENTIALS) {
      return "the directory at " + where + " refused the bind as " + settings.bindDn()
          + ": invalid credentials (check --bind-dn and the password)";
    }
    if (code == ResultCode.NO_SUCH_OBJECT) {
      return "the base DN " + settings.baseDn() + " does not exist at " + where + " (check --base)";
    }
    return "the directory at " + where + " said " + code.getName() + ": " + e.getDiagnosticMessage();
  }

  /** Why a connection failed, in a few words, from the cause the SDK wrapped. */
  private static String unreachableBecause(LDAPException e, LdapSettings settings) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage());
      if (t instanceof java.net.UnknownHostException || text.contains("UnknownHostException")) {
        return "unknown host (check the name in --url)";
      }
      if (t instanceof java.net.ConnectException || text.contains("ConnectException")) {
        return "connection refused (is the server running, and on that port?)";
      }
      if (t instanceof javax.net.ssl.SSLException || text.contains("SSLException") || text.contains("SSLHandshake")
          || text.contains("Hostname verification")) {
        return text.contains("Hostname verification")
            ? "TLS: the server's certificate is not for " + settings.host()
            : "TLS handshake failed (is it ldaps:// on a plain port, or is its certificate untrusted? see --ca-file)";
      }
      if (t instanceof java.net.SocketTimeoutException || text.contains("SocketTimeoutException")
          || e.getResultCode() == ResultCode.TIMEOUT) {
        return "timed out (see --connect-timeout)";
      }
    }
    return e.getResultCode() == ResultCode.SERVER_DOWN
        ? "the server closed the connection (is it ldap:// on a TLS port?)"
        : e.getDiagnosticMessage() == null ? e.getResultCode().getName() : e.getDiagnosticMessage();
  }

  private int crawl(OrgChartSource source, Person rootPerson, PrintStream err) throws Exception {
    PersonFormat personFormat = format.personFormat();
    Queue<Visit<Person>> collected = new ConcurrentLinkedQueue<>();
    Crawler<Person, ?> crawler = crawlOptions.configure(Crawler.over(source), DEFAULT_WORKERS)
        .distinctBy(Person::key)
        .errorListener(error -> {
          if (!crawlOptions.quiet) {
            err.println("crawl: " + error.branch() + ": " + CrawlCommand.describe(error.cause()));
          }
        });
    stdout.write(personFormat.header().getBytes(StandardCharsets.UTF_8));
    CrawlReport<Person> report;
    boolean readerGone;
    // Ordered: the root first, every manager before their reports, for a reader building the chart.
    try (CommandCrawl session = new CommandCrawl(stdout, err, crawlOptions.quiet, "people", true)) {
      report = session.await(crawler.start(rootPerson, visit -> {
        if (visit.node().isCycle()) {
          return; // reported as an error line, not printed twice
        }
        if (personFormat.streams()) {
          personFormat.write(visit, session.out.buffer());
        } else {
          collected.add(visit);
        }
      }));
      readerGone = session.out.failed();
    }
    if (readerGone) {
      return ExitStatus.of(report, true, 0, err, crawlOptions);
    }
    if (!personFormat.streams()) {
      PrintStream text = new PrintStream(stdout, false, StandardCharsets.UTF_8);
      PersonFormat.printTree(collected, text);
      text.flush();
    }
    stdout.write(personFormat.footer().getBytes(StandardCharsets.UTF_8));
    stdout.flush();
    long orphans = 0;
    if (findOrphans && report.outcome() != Outcome.FAILED) {
      for (MissingManager orphan : source.missingManagers()) {
        err.println("crawl: " + orphan.person() + ": manager " + orphan.managerDn()
            + " does not exist; nobody above reaches them");
        orphans++;
      }
    }
    if (crawlOptions.stats) {
      StatsPrinter.print(err, "ldap " + root, "people", report);
      err.printf(Locale.ROOT, "  LDAP operations %,d, entries read %,d (queries split at the size limit: %,d)%n",
          source.operations(), source.entriesRead(), source.splits());
    }
    return ExitStatus.of(report, false, orphans, err, crawlOptions);
  }
}
