package dev.crawler.cli.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import dev.crawler.cli.common.CommandCrawl;
import dev.crawler.cli.common.CrawlOptions;
import dev.crawler.cli.common.DurationConverter;
import dev.crawler.cli.common.ExitCodes;
import dev.crawler.cli.common.ExitStatus;
import dev.crawler.cli.common.Failures;
import dev.crawler.cli.common.SharedOutput;
import dev.crawler.cli.common.StatsPrinter;
import dev.crawler.cli.common.Stderr;
import dev.crawler.cli.common.UserError;
import dev.crawler.cli.common.Version;
import dev.crawler.cli.common.WriterOutputStream;
import dev.crawler.cli.kafka.KafkaLifeOptions;
import dev.crawler.cli.kafka.KafkaRun;
import dev.crawler.cli.kafka.KafkaTopicOptions;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.Visit;
import dev.crawler.kafka.CrawlSpec;
import dev.crawler.kafka.KafkaCrawlSettings;
import dev.crawler.ldap.Disconnector;
import dev.crawler.ldap.LdapSettings;
import dev.crawler.ldap.NoSuchPersonException;
import dev.crawler.ldap.OrgChartSource;
import dev.crawler.ldap.OutOfReach;
import dev.crawler.ldap.Person;
import dev.crawler.ldap.demo.DemoDirectory;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
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
    versionProvider = Version.class,
    sortOptions = false,
    description = {
      "Walk an LDAP org chart from --root down, one small query per manager, past any size limit.",
      "The root comes first and every manager before their reports (--tree sorts each level by"
          + " name).",
      "With no --url, serves a generated demo org chart from an in-memory directory on loopback."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:everyone was read",
      "1:some managers' reports could not be read, the deadline passed (partial output), the"
          + " directory stayed away longer than --reconnect-for, the output could not be written,"
          + " more people were found than -z allows (partial output), --find-orphans found people"
          + " out of reach, or with --kafka the crawl lost its topics or Kafka while it ran",
      "2:bad usage, unknown root, bad credentials, or unreachable server",
      "130:interrupted (Ctrl-C); what was found was written"
    })
public final class LdapCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--root",
      required = true,
      paramLabel = "UID|DN",
      description = "Who to start from: a uid or a DN.")
  String root;

  @Mixin DirectoryOptions directory = new DirectoryOptions();

  @picocli.CommandLine.Parameters(
      paramLabel = "[FILTER] ATTR",
      arity = "0..*",
      description =
          "As ldapsearch takes them, [filter [attributes...]]: a first argument that is a filter"
              + " ('(objectClass=inetOrgPerson)', or with an =) is --filter; the others are more"
              + " attributes to read of each person (e.g. telephoneNumber departmentNumber),"
              + " printed in --json, --csv and --ldif: * for every user attribute and + for every"
              + " operational one (not with --csv, whose columns are named), 1.1 for none.")
  List<String> arguments = new ArrayList<>();

  /** The attributes among {@link #arguments}, once {@link #validate} has split off a filter. */
  List<String> extraAttributes = new ArrayList<>();

  @Option(
      names = "-L",
      description =
          "LDIF, as ldapsearch's -L, -LL and -LLL (clustered: -LLL): --ldif; with -LL or -LLL"
              + " without comment lines (a person out of reach then has no line saying why). No"
              + " version line is written.")
  boolean[] ldifLevel = new boolean[0];

  @Option(
      names = "-z",
      paramLabel = "N",
      description =
          "A size limit, as ldapsearch's -z but kept by this client (each query still reads past"
              + " the server's): print at most N people, then stop; when more were found the output"
              + " is partial, said on stderr, exit 1. 0 or none: no limit.")
  String sizeLimitArgument;

  @Option(
      names = "-l",
      paramLabel = "TIME",
      description =
          "A time limit, as ldapsearch's -l but for the whole "
              + "command: --deadline (a plain number is seconds). 0 or none: no limit.")
  String timeLimitArgument;

  /** -z, checked: {@code null} for no limit. */
  private Long sizeLimit;

  /** Levels below the root that --dot draws unless --max-depth says otherwise. */
  static final int DOT_DEPTH = 2;

  /**
   * Default workers: what the source prefers, one connection each (listings wait on the server).
   */
  public static final int DEFAULT_WORKERS = OrgChartSource.PREFERRED_WORKERS;

  @Mixin CrawlOptions crawlOptions = new CrawlOptions();

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

    @Option(
        names = "--dot",
        description = "Graphviz DOT, for a picture: crawl ldap ... --dot | dot -Tsvg > chart.svg")
    boolean dot;

    @Option(
        names = "--html",
        description =
            "A web page of the chart: collapsible, searchable, with counts per "
                + "manager; one file that works offline: crawl ldap ... --html > chart.html")
    boolean html;

    @Option(names = "--ldif", description = "LDIF, as ldapsearch writes it.")
    boolean ldif;

    PersonFormat personFormat() {
      return csv
          ? PersonFormat.CSV
          : tree
              ? PersonFormat.TREE
              : dot
                  ? PersonFormat.DOT
                  : ldif ? PersonFormat.LDIF : html ? PersonFormat.HTML : PersonFormat.JSON;
    }
  }

  @Option(
      names = "--demo-people",
      paramLabel = "N",
      description = "Demo only: how many people (default ${DEFAULT-VALUE}).")
  int demoPeople = 5_000;

  @Option(
      names = "--demo-size-limit",
      paramLabel = "N",
      description = "Demo only: the server's size limit (default ${DEFAULT-VALUE}).")
  int demoSizeLimit = 200;

  @Option(
      names = "--demo-latency",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Demo only: added to every search, to see what more workers buy (e.g. 2ms).")
  Duration demoLatency;

  @Option(
      names = "--find-orphans",
      description =
          "After the crawl, read every person once more (in pieces under the size limit) and name"
              + " everyone the crawl cannot reach, and why: no manager; a manager that does not"
              + " exist, is outside the base DN, or is not a person by the filter; a manager cycle"
              + " (an island); or below someone out of reach for one of those reasons. --json adds"
              + " them with an \"outOfReach\" object (reason, why, head, manager, cycle) and"
              + " \"depth\":null, --csv with two more columns (out_of_reach, out_of_reach_why),"
              + " --ldif with a comment line; other formats name them on stderr. Each part of the"
              + " chart out of reach is summed up on stderr. People above or beside a root that is"
              + " not the top are counted, not named. Exit status 1 when anyone is out of reach, 0"
              + " when nobody is.")
  boolean findOrphans;

  @Option(
      names = "--skip-disabled",
      description =
          "Leave out of the output the accounts Active Directory says are disabled"
              + " (userAccountControl bit 0x2), while the crawl still goes through them: their"
              + " reports are printed, under the nearest manager above who is not disabled (in"
              + " --tree, --dot, --html, and depth). The root is printed whatever its state;"
              + " manager in --json, --csv and --ldif stays the directory's value; --stats counts"
              + " the disabled. A filter on userAccountControl instead would leave out their"
              + " reports too.")
  boolean skipDisabled;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT",
      description =
          "Crawl over Kafka at HOST:PORT with this process's workers and any that join, and print"
              + " the whole chart; add machines with crawl join --kafka HOST:PORT --crawl ID (each"
              + " gives its own password).")
  String kafka;

  @Option(
      names = "--crawl-id",
      paramLabel = "ID",
      description = "With --kafka: the crawl's id (default: a new one).")
  String crawlId;

  @Option(names = "--kafka-config", paramLabel = "FILE", description = KafkaRun.CONFIG_HELP)
  Path kafkaConfig;

  @Mixin KafkaLifeOptions life = new KafkaLifeOptions();

  @Mixin KafkaTopicOptions kafkaTopics = new KafkaTopicOptions();

  private final OutputStream stdout;

  public LdapCommand(OutputStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws Exception {
    crawlOptions.validate();
    validate();
    KafkaRun.refuseConfigWithoutKafka(kafka, kafkaConfig);
    life.validate(kafka);
    kafkaTopics.refuseWithoutKafka(kafka);
    KafkaCrawlSettings distributed = kafka == null ? null : kafkaSettings();
    PrintStream err = new Stderr(new WriterOutputStream(spec.commandLine().getErr()));
    // Every connection of the command, set-up's included, so that --deadline and Ctrl-C end a
    // wait on a server that stopped answering (issue 26: 31 s for --deadline 5s).
    Disconnector disconnector = new Disconnector();
    Thread onCtrlC =
        new Thread(
            () -> {
              Crawl<?> crawl = running.get();
              if (crawl != null) {
                crawl.cancel(); // first, so that the connections closed next are lost by a stopped
                // crawl
              }
              disconnector.disconnectAll();
            },
            "crawl-ldap-disconnect");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try (CommandDeadline deadline =
        crawlOptions.deadline == null
            ? null
            : new CommandDeadline(crawlOptions.deadline, disconnector::disconnectAll)) {
      DemoDirectory demo = directory.url == null ? startDemo() : null;
      try {
        LdapSettings settings =
            (demo == null ? directory.settingsForUrl() : directory.demoSettings(demo))
                .extraAttributes(extraAttributes)
                .build();
        OrgChartSource source;
        try {
          source = OrgChartSource.of(settings, disconnector);
        } catch (IllegalArgumentException e) {
          throw new UserError(e.getMessage(), e);
        } catch (GeneralSecurityException e) {
          throw new UserError(
              "cannot read --ca-file " + directory.caFile + ": " + e.getMessage(), e);
        } catch (LDAPException e) {
          if (passed(deadline)) {
            return deadlineBeforeTheCrawl(err, deadline, "connecting to " + where(settings), e);
          }
          throw new UserError(DirectoryOptions.explain(e, settings), e);
        }
        Person rootPerson;
        try {
          rootPerson = source.findRoot(root);
        } catch (NoSuchPersonException e) {
          throw new UserError(e.getMessage(), e);
        } catch (LDAPException e) {
          if (passed(deadline)) {
            return deadlineBeforeTheCrawl(
                err, deadline, "looking for " + root + " at " + where(settings), e);
          }
          throw new UserError(DirectoryOptions.explain(e, settings), e);
        }
        if (passed(deadline)) {
          return deadlineBeforeTheCrawl(err, deadline, "finding " + root, null);
        }
        if (demo != null) {
          demoBanner(err, demo); // after the root is found: an error on the demo comes alone
        }
        return crawl(
            source,
            rootPerson,
            err,
            distributed == null
                ? null
                : new Distributed(distributed, LdapSpec.of(settings, demo != null)),
            deadline);
      } finally {
        if (demo != null) {
          demo.close();
        }
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs already
      }
    }
  }

  /** The crawl running now, for Ctrl-C to stop before it closes the connections. */
  private final java.util.concurrent.atomic.AtomicReference<Crawl<?>> running =
      new java.util.concurrent.atomic.AtomicReference<>();

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0
        ? a
        : b; // a deadline that passes as the crawl starts is still a deadline
  }

  private static boolean passed(CommandDeadline deadline) {
    return deadline != null && deadline.passed();
  }

  private static String where(LdapSettings settings) {
    return settings.where();
  }

  /**
   * --deadline passed before the crawl began: one line, nothing printed, exit 1 (nothing was read).
   */
  private int deadlineBeforeTheCrawl(
      PrintStream err, CommandDeadline deadline, String doing, Exception e) {
    err.println(
        "crawl: the deadline of "
            + DurationConverter.format(deadline.deadline())
            + " passed while "
            + doing
            + "; nothing was crawled");
    err.flush();
    if (e != null) {
      Failures.debugTrace(e);
    }
    return ExitCodes.PARTIAL;
  }

  /**
   * Checks what can be checked before anything starts: no banner, no connection before a usage
   * error.
   */
  private void validate() throws UserError {
    LdapsearchArguments.Positionals positionals = LdapsearchArguments.split(arguments);
    if (positionals.filter() != null) {
      if (directory.personFilter != null) {
        throw new UserError(
            "give the filter once: --filter "
                + directory.personFilter
                + " or a first argument "
                + positionals.filter()
                + ", not both");
      }
      directory.personFilter = positionals.filter();
    }
    extraAttributes = positionals.attributes();
    if (personFormat() == PersonFormat.CSV
        && (extraAttributes.contains(LdapSettings.ALL_USER_ATTRIBUTES)
            || extraAttributes.contains(LdapSettings.ALL_OPERATIONAL_ATTRIBUTES))) {
      throw new UserError(
          "--csv has a column per attribute named: * and + name none; name them, or use --json or "
              + "--ldif");
    }
    if (ldifLevel.length > 0
        && (format.json || format.csv || format.tree || format.dot || format.html)) {
      throw new UserError(
          "-L asks for LDIF: it goes with --ldif or alone, not with another format");
    }
    if (ldifLevel.length > 3) {
      throw new UserError("-L is given at most three times (-LLL), not " + ldifLevel.length);
    }
    sizeLimit = LdapsearchArguments.sizeLimit(sizeLimitArgument);
    Duration timeLimit = LdapsearchArguments.timeLimit(timeLimitArgument);
    if (timeLimit != null) {
      if (crawlOptions.deadline != null) {
        throw new UserError(
            "give -l or --deadline, not both: -l is --deadline, as ldapsearch says it");
      }
      crawlOptions.deadline = timeLimit;
    }
    if (kafka != null && sizeLimit != null) {
      throw new UserError("-z does not work with --kafka yet");
    }
    directory.validate();
    if (directory.url == null) {
      if (demoPeople < DemoDirectory.MIN_PEOPLE) {
        throw new UserError(
            "--demo-people must be at least " + DemoDirectory.MIN_PEOPLE + ", not " + demoPeople);
      }
      long heap = Runtime.getRuntime().maxMemory();
      if (demoPeople > DemoDirectory.mostPeopleFor(heap)) {
        throw new UserError(
            String.format(
                Locale.ROOT,
                "--demo-people %,d needs about %.1f GiB of memory and this JVM may use %.1f GiB,"
                    + " enough for %,d: give fewer people, or more memory"
                    + " (CRAWL_JAVA_OPTS=-Xmx...)",
                demoPeople,
                demoPeople * (double) DemoDirectory.BYTES_PER_PERSON * 5 / 4 / (1L << 30),
                heap / (double) (1L << 30),
                DemoDirectory.mostPeopleFor(heap)));
      }
      if (demoSizeLimit < DemoDirectory.MIN_SIZE_LIMIT) {
        throw new UserError(
            "--demo-size-limit must be at least "
                + DemoDirectory.MIN_SIZE_LIMIT
                + ", not "
                + demoSizeLimit);
      }
    }
  }

  /** The settings of a crawl over Kafka, after refusing what does not cross processes yet. */
  private KafkaCrawlSettings kafkaSettings() throws UserError {
    if (crawlOptions.maxDepth != null
        || crawlOptions.deadline != null
        || crawlOptions.rate != null) {
      throw new UserError("--max-depth, --deadline and --rate do not work with --kafka yet");
    }
    if (format.dot) {
      throw new UserError(
          "--dot draws the top levels of the chart (--max-depth), which does not work with --kafka"
              + " yet");
    }
    return kafkaTopics.apply(
        KafkaRun.settings(
            kafka, kafkaConfig, crawlId, "ldap", crawlOptions.workersOr(DEFAULT_WORKERS)));
  }

  /** A crawl over Kafka: where, and what a joining process needs to know. */
  private record Distributed(KafkaCrawlSettings settings, CrawlSpec spec) {}

  private DemoDirectory startDemo() throws LDAPException, UserError {
    DemoDirectory.Options options =
        new DemoDirectory.Options(
            demoPeople, 1, demoSizeLimit, demoLatency == null ? Duration.ZERO : demoLatency, true);
    DemoDirectory demo;
    try {
      demo = DemoDirectory.start(options);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    return demo;
  }

  /** Says what the demo serves, unless quiet. */
  private void demoBanner(PrintStream err, DemoDirectory demo) {
    if (!crawlOptions.quiet) {
      err.printf(
          Locale.ROOT,
          "crawl: serving a demo org chart of %,d people on ldap://127.0.0.1:%d (size limit %d, "
              + "no paging%s); give --url to crawl a real directory%n",
          demoPeople,
          demo.port(),
          demoSizeLimit,
          demoLatency == null ? "" : ", " + demoLatency.toMillis() + " ms per search");
    }
  }

  /** The format asked for: -L is --ldif. */
  private PersonFormat personFormat() {
    return ldifLevel.length > 0 ? PersonFormat.LDIF : format.personFormat();
  }

  /**
   * The crawl and what follows it, in order: the header, the people as they are found, the tree of
   * a format that waits for everyone, {@code --find-orphans}, the footer, the warnings and the exit
   * status.
   *
   * @param distributed where to crawl over Kafka, or {@code null} to crawl in this process alone
   */
  private int crawl(
      OrgChartSource source,
      Person rootPerson,
      PrintStream err,
      Distributed distributed,
      CommandDeadline deadline)
      throws Exception {
    PersonFormat personFormat = personFormat();
    ActiveChart activeOnly = skipDisabled ? new ActiveChart() : null;
    String uidAttribute = source.settings().uidAttribute(); // the directory's, unless given
    String managerAttribute = source.settings().managerAttribute();
    Crawler<Person, ?> crawler = crawler(source, personFormat, err, deadline);
    CrawlReport<Person> report;
    SharedOutput output;
    Printer print;
    try (CommandCrawl session = new CommandCrawl(stdout, err, crawlOptions.quiet, "people", true)) {
      output = session.out;
      // Every write goes through the session's output, which remembers a failure: a PrintStream
      // would hide it, and a write of our own would throw past the crawl's cleanup.
      // The columns every person has: a repeated attribute, or one that is a column already, is
      // not one more (the header had 12 columns and every row 11 for --csv title department).
      output.writeNow(
          personFormat
              .header(source.extraAttributes(), findOrphans)
              .getBytes(StandardCharsets.UTF_8));
      if (output.failed()) {
        output.checkWritten();
        return ExitCodes.OK; // the reader went away before anyone was read: nothing to crawl for
      }
      print =
          new Printer(
              personFormat,
              activeOnly,
              sizeLimit,
              findOrphans,
              uidAttribute,
              managerAttribute,
              session.out,
              running);
      report =
          distributed == null
              ? crawlHere(crawler, rootPerson, print, session)
              : crawlOverKafka(distributed, source, rootPerson, print, session, err);
      if (report == null) {
        return ExitCodes.OK; // the reader went away (| head): that is how pipelines end
      }
    }
    if (!output.failed() && !personFormat.streams()) {
      writeTree(print.collected, output);
    }
    OutOfReach.Summary outOfReach = null;
    boolean sizeLimitReached = print.sizeLimitExceeded.get();
    if (findOrphans
        && !output.failed()
        && report.outcome() != Outcome.FAILED
        && !passed(deadline)
        && !sizeLimitReached) {
      try {
        outOfReach =
            findOutOfReach(
                source,
                rootPerson,
                personFormat,
                activeOnly,
                uidAttribute,
                managerAttribute,
                output,
                err);
      } catch (LDAPException e) {
        if (!passed(deadline)) {
          throw e;
        }
        err.println(
            "crawl: the deadline of "
                + DurationConverter.format(deadline.deadline())
                + " passed while looking for people out of reach; those named are the ones found by"
                + " then");
        return ExitCodes.PARTIAL;
      }
    }
    output.writeNow(personFormat.footer().getBytes(StandardCharsets.UTF_8));
    output.checkWritten(); // a full disk: one line, exit 1
    if (output.readerGone()) {
      return ExitStatus.of(report, true, 0, err, crawlOptions);
    }
    long orphans = outOfReach == null ? 0 : outOfReach.people();
    if (report.visits() == 1
        && report.outcome().ranToEnd()
        && !passed(deadline)
        && !source.anyoneHasAManager()) {
      err.println(
          "crawl: warning: no person under "
              + directory.baseOr(DemoDirectory.BASE_DN)
              + " has the attribute "
              + directory.managerAttribute
              + ", so nobody reports to anyone: check --manager-attribute");
    }
    if (crawlOptions.stats) {
      printStats(source, report, sizeLimitReached, outOfReach, activeOnly, deadline, err);
    }
    if (sizeLimitReached && report.outcome() != Outcome.FAILED) {
      err.printf(
          Locale.ROOT,
          "crawl: the size limit of %,d %s (-z) was reached and the crawl stopped; the output is "
              + "partial%n",
          sizeLimit,
          sizeLimit == 1 ? "person" : "people");
      return ExitCodes.PARTIAL;
    }
    return ExitStatus.of(report, false, orphans, err, crawlOptions);
  }

  /**
   * The crawler with the command's options; --dot draws the top of the chart unless --max-depth
   * says.
   */
  private Crawler<Person, ?> crawler(
      OrgChartSource source, PersonFormat personFormat, PrintStream err, CommandDeadline deadline)
      throws UserError {
    Crawler<Person, ?> crawler =
        crawlOptions
            .configure(
                Crawler.over(source),
                DEFAULT_WORKERS,
                deadline == null ? null : max(deadline.left(), Duration.ofNanos(1)))
            .distinctBy(Person::key)
            .errorListener(
                error -> {
                  if (!crawlOptions.quiet) {
                    err.println(
                        "crawl: " + error.branch() + ": " + Failures.describe(error.cause()));
                  }
                });
    if (personFormat == PersonFormat.DOT && crawlOptions.maxDepth == null) {
      // A picture of thousands of boxes is unreadable at any size: draw the top of the chart.
      crawler.maxDepth(DOT_DEPTH);
      if (!crawlOptions.quiet) {
        err.println(
            "crawl: --dot draws "
                + (DOT_DEPTH + 1)
                + " levels (the root, their reports and theirs); "
                + "give --max-depth N for more");
      }
    }
    return crawler;
  }

  /** The crawl in this process alone. */
  private CrawlReport<Person> crawlHere(
      Crawler<Person, ?> crawler, Person rootPerson, Printer print, CommandCrawl session)
      throws InterruptedException {
    Crawl<Person> started = crawler.start(rootPerson, print);
    running.set(started);
    if (print.sizeLimitExceeded.get()) {
      started.cancel(); // exceeded before the crawl was known here: the visit could not stop it
    }
    return session.await(started);
  }

  /**
   * The crawl over Kafka, this process listing too; {@code null} if the reader went away. Visits
   * come in commit order, managers before their reports. Processes share no distinct-check: someone
   * with two managers is found under both, and printed once here.
   */
  private CrawlReport<Person> crawlOverKafka(
      Distributed distributed,
      OrgChartSource source,
      Person rootPerson,
      Printer print,
      CommandCrawl session,
      PrintStream err)
      throws Exception {
    java.util.Set<Object> printed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    CrawlReport<Person> report =
        KafkaRun.run(
            distributed.settings(),
            distributed.spec(),
            source,
            source.codec(),
            List.of(rootPerson),
            visit -> {
              if (printed.add(visit.node().key())) {
                print.accept(visit);
              }
            },
            session,
            crawlOptions,
            err,
            new String[] {"managers listed", "people"},
            life.lifetime());
    if (report != null && !crawlOptions.quiet) {
      report
          .errors()
          .forEach(
              error ->
                  err.println(
                      "crawl: "
                          + error.branch()
                          + ": "
                          + Failures.describe(
                              error.cause()))); // known at the end, from every process
    }
    return report;
  }

  /**
   * Prints each person as the crawl finds them, or keeps them for a format that waits for everyone;
   * stops the crawl past -z. Thread-safe: the workers call it. A manager is visited before their
   * reports (the output is ordered), so a manager's head is known by then.
   */
  private static final class Printer implements java.util.function.Consumer<Visit<Person>> {
    private final PersonFormat personFormat;

    /** --skip-disabled's chart, or {@code null}. */
    private final ActiveChart activeOnly;

    /** -z, or {@code null}. */
    private final Long sizeLimit;

    private final boolean findOrphans;
    private final String uidAttribute;
    private final String managerAttribute;
    private final SharedOutput out;
    private final java.util.concurrent.atomic.AtomicReference<Crawl<?>> running;

    /** -z: people printed so far. */
    private final java.util.concurrent.atomic.AtomicLong printedCount =
        new java.util.concurrent.atomic.AtomicLong();

    /** -z: one more was found past the limit, and the crawl stops. */
    final java.util.concurrent.atomic.AtomicBoolean sizeLimitExceeded =
        new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Who heads each person's part of the chart (the root's report above them): DOT draws a cluster
     * per head.
     */
    private final java.util.Map<Person, Person> headOf =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** The people of a format that does not stream, for {@link #writeTree}. */
    final Queue<Visit<Person>> collected = new ConcurrentLinkedQueue<>();

    Printer(
        PersonFormat personFormat,
        ActiveChart activeOnly,
        Long sizeLimit,
        boolean findOrphans,
        String uidAttribute,
        String managerAttribute,
        SharedOutput out,
        java.util.concurrent.atomic.AtomicReference<Crawl<?>> running) {
      this.personFormat = personFormat;
      this.activeOnly = activeOnly;
      this.sizeLimit = sizeLimit;
      this.findOrphans = findOrphans;
      this.uidAttribute = uidAttribute;
      this.managerAttribute = managerAttribute;
      this.out = out;
      this.running = running;
    }

    @Override
    public void accept(Visit<Person> visit) {
      if (visit.node().isCycle()) {
        return; // reported as an error line, not printed twice
      }
      if (activeOnly != null) {
        visit = activeOnly.shown(visit);
        if (visit == null) {
          return; // disabled: walked through, not printed
        }
      }
      if (sizeLimit != null && printedCount.incrementAndGet() > sizeLimit) {
        // One more than -z allows: not printed, and the crawl stops. Visits racing in from other
        // workers land here too; the set is idempotent, as is the cancel.
        sizeLimitExceeded.set(true);
        Crawl<?> crawl = running.get();
        if (crawl != null) {
          crawl.cancel();
        }
        return;
      }
      if (personFormat == PersonFormat.DOT) {
        Person head =
            visit.depth() == 0
                ? null
                : visit.depth() == 1 ? visit.node() : headOf.get(visit.parent());
        if (head != null && visit.node().reportCount() > 0) {
          headOf.put(visit.node(), head);
        }
        personFormat.writeInCluster(visit, head, out.buffer());
      } else if (personFormat == PersonFormat.CSV) {
        personFormat.write(visit, findOrphans, out.buffer()); // the out-of-reach columns empty
      } else if (personFormat.streams()) {
        personFormat.write(visit, uidAttribute, managerAttribute, out.buffer());
      } else {
        collected.add(visit);
      }
    }
  }

  /** The tree of a format that waits for everyone, written once the crawl is over. */
  private static void writeTree(Queue<Visit<Person>> collected, SharedOutput output) {
    java.io.ByteArrayOutputStream tree = new java.io.ByteArrayOutputStream();
    PrintStream text = new PrintStream(tree, false, StandardCharsets.UTF_8);
    PersonFormat.printTree(collected, text);
    text.flush();
    output.writeNow(tree.toByteArray());
  }

  /**
   * --find-orphans: everyone out of reach, in the output when the format carries them and on stderr
   * otherwise, then a line per unreachable part and the count.
   */
  private OutOfReach.Summary findOutOfReach(
      OrgChartSource source,
      Person rootPerson,
      PersonFormat personFormat,
      ActiveChart activeOnly,
      String uidAttribute,
      String managerAttribute,
      SharedOutput output,
      PrintStream err)
      throws LDAPException {
    OutOfReach.Summary outOfReach =
        source.outOfReach(
            rootPerson,
            o -> { // as read again: the audit holds no entries
              if (activeOnly != null && o.person().isDisabled()) {
                return; // --skip-disabled: counted in the summary, not printed
              }
              if (personFormat.carriesOutOfReach()) {
                output.writeNow(
                    personFormat.outOfReach(
                        o, uidAttribute, managerAttribute, ldifLevel.length < 2));
              } else {
                err.println("crawl: " + o.person() + ": out of reach: " + o.why());
              }
            });
    for (OutOfReach.Part part : outOfReach.parts()) {
      err.println("crawl: out of reach: " + partLine(part));
    }
    if (!crawlOptions.quiet || outOfReach.people() > 0) {
      err.println(
          String.format(
                  Locale.ROOT,
                  "crawl: --find-orphans: %,d %s out of reach of %s",
                  outOfReach.people(),
                  outOfReach.people() == 1 ? "person" : "people",
                  root)
              + (outOfReach.besideRoot() == 0
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "; %,d more are above or beside %s in its own chart, not named",
                      outOfReach.besideRoot(),
                      root)));
    }
    return outOfReach;
  }

  /** --stats: the crawl's numbers, the LDAP operations, and how many of everyone were reached. */
  private void printStats(
      OrgChartSource source,
      CrawlReport<Person> report,
      boolean sizeLimitReached,
      OutOfReach.Summary outOfReach,
      ActiveChart activeOnly,
      CommandDeadline deadline,
      PrintStream err) {
    StatsPrinter.print(
        err,
        "ldap " + root,
        "people",
        report,
        sizeLimitReached
            ? "SIZE_LIMIT_EXCEEDED (partial: more than " + sizeLimit + " people, -z)"
            : report.outcome().toString());
    err.printf(
        Locale.ROOT,
        "  LDAP operations %,d, entries read %,d (queries split at the size limit: %,d)%n",
        source.operations(),
        source.entriesRead(),
        source.splits());
    err.println(
        "  "
            + (passed(deadline)
                ? String.format(
                    Locale.ROOT,
                    "people reached %,d; not counted how many there are: the deadline passed",
                    report.visits())
                : reachedOfAll(
                    source, report.visits(), directory.baseOr(DemoDirectory.BASE_DN), outOfReach)));
    if (activeOnly != null) {
      err.printf(
          Locale.ROOT,
          "  disabled accounts walked through, not printed (--skip-disabled): %,d%n",
          activeOnly.leftOut());
    }
  }

  /**
   * How many people the crawl reached against how many the directory holds, for {@code --stats}, or
   * why the total is not known: counting costs one search of DNs (or pages of them), which a
   * limited account without paging cannot do cheaply.
   *
   * @param outOfReach what {@code --find-orphans} found, or {@code null} when it was not asked for
   */
  static String reachedOfAll(
      OrgChartSource source, long reached, String baseDn, OutOfReach.Summary outOfReach) {
    java.util.OptionalLong total;
    try {
      total = source.countPeople();
    } catch (com.unboundid.ldap.sdk.LDAPException e) {
      return String.format(
          Locale.ROOT,
          "people reached %,d; how many %s holds is not known: %s",
          reached,
          baseDn,
          e.getResultCode());
    }
    if (total.isEmpty()) {
      return String.format(
          Locale.ROOT,
          "people reached %,d; how many %s holds is not known: the size limit stops a search of"
              + " them and the server refuses paging, so a count would cost a search per uid"
              + " prefix",
          reached,
          baseDn);
    }
    long all = total.getAsLong();
    if (reached >= all) {
      return String.format(
          Locale.ROOT, "people reached %,d of the %,d under %s: everyone", reached, all, baseDn);
    }
    if (outOfReach == null) {
      return String.format(
          Locale.ROOT,
          "people reached %,d of the %,d under %s; the other %,d are above or beside the "
              + "root, or out of reach of it (--find-orphans names those out of reach, and why)",
          reached,
          all,
          baseDn,
          all - reached);
    }
    return String.format(
        Locale.ROOT,
        "people reached %,d of the %,d under %s; of the other %,d, --find-orphans found "
            + "%,d out of reach and %,d above or beside the root",
        reached,
        all,
        baseDn,
        all - reached,
        outOfReach.people(),
        outOfReach.besideRoot());
  }

  /** One part of the chart out of reach, for stderr: its head (or cycle), how many, and why. */
  static String partLine(OutOfReach.Part part) {
    if (part.reason() == OutOfReach.Reason.CYCLE) {
      return String.format(
              Locale.ROOT,
              "%,d %s %s",
              part.people(),
              part.people() == 1 ? "person" : "people",
              part.why())
          + (part.people() > part.cycle().size() ? ", with those below" : "");
    }
    return part.head()
        + (part.people() == 1
            ? ""
            : String.format(Locale.ROOT, " and %,d below", part.people() - 1))
        + ": "
        + part.why();
  }
}
