package dev.crawler.ldap.demo;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A generated, deterministic org chart served by UnboundID's {@link InMemoryDirectoryServer} on a
 * loopback port: what {@code crawl ldap} serves when no server is given. A CEO, VPs, directors,
 * managers and individual contributors, a few managers with more reports than the size limit, and a
 * few awkward uids ({@code star*man}, {@code o'neil(contractor)}, {@code doe, jane}). The {@code
 * manager} attribute is indexed: without an equality index the in-memory server scans every entry
 * for every query. Thread-safe; close it to stop the server.
 */
public final class DemoDirectory implements AutoCloseable {
  /** Where the people live. */
  public static final String BASE_DN = "ou=people,dc=example,dc=com";

  /** The fewest people a demo chart has: a CEO, VPs and their teams. */
  public static final int MIN_PEOPLE = 50;

  /**
   * Heap one demo person takes, with a margin for the crawl that reads them: the in-memory server's
   * entry and indexes measured 6.7 KB each (50,000 people, Java 17, after a full GC).
   */
  public static final long BYTES_PER_PERSON = 8 * 1024;

  /**
   * The most people a demo can serve, and a crawl of it hold, in {@code heapBytes} of heap (for
   * instance {@code Runtime.maxMemory()}): four fifths of it at {@link #BYTES_PER_PERSON} each. A
   * demo past that would not fail at once but slow to a crawl in garbage collection, deaf to
   * Ctrl-C, as 10,000,000 people did at 6.2 GB.
   *
   * @param heapBytes the heap the process may use
   * @return how many people fit, at least 0
   */
  public static long mostPeopleFor(long heapBytes) {
    return Math.max(0, heapBytes / 5 * 4 / BYTES_PER_PERSON);
  }

  /** The smallest size limit the demo server takes. */
  public static final int MIN_SIZE_LIMIT = 10;

  /** A crawling account whose searches are limited to {@link Options#sizeLimit()} entries. */
  public static final String CRAWLER_DN = "cn=crawler,dc=example,dc=com";

  /** The crawling account's password: the demo's, no secret. */
  public static final String CRAWLER_PASSWORD = "demo";

  /**
   * How to generate and serve the demo.
   *
   * @param people how many people, at least 50
   * @param seed picks names and shapes; the same seed gives the same chart
   * @param sizeLimit the most entries one search returns (the server's limit)
   * @param latency added to every search, to show what more workers buy
   * @param refusePaging refuse the Simple Paged Results control, as OpenLDAP does for limited users
   */
  public record Options(
      int people, long seed, int sizeLimit, Duration latency, boolean refusePaging) {
    /**
     * Validates.
     *
     * @param people how many people, at least 50
     * @param seed picks names and shapes
     * @param sizeLimit the most entries one search returns, at least 10
     * @param latency added to every search
     * @param refusePaging refuse the Simple Paged Results control
     */
    public Options {
      if (people < MIN_PEOPLE) {
        throw new IllegalArgumentException(
            "people (" + people + ") must be at least " + MIN_PEOPLE);
      }
      if (sizeLimit < MIN_SIZE_LIMIT) {
        throw new IllegalArgumentException(
            "sizeLimit (" + sizeLimit + ") must be at least " + MIN_SIZE_LIMIT);
      }
      Objects.requireNonNull(latency, "latency");
    }

    /**
     * What {@code crawl ldap} serves without {@code --url}.
     *
     * @return 5,000 people, seed 1, a size limit of 200, no added latency, paging allowed
     */
    public static Options defaults() {
      return new Options(5_000, 1, 200, Duration.ZERO, false);
    }
  }

  /**
   * One generated person, for comparing a crawl with what was served.
   *
   * @param uid their uid
   * @param dn their entry's DN
   * @param managerDn their manager's DN; {@code null} for the CEO
   * @param title their title
   */
  public record DemoPerson(String uid, String dn, String managerDn, String title) {}

  private final InMemoryDirectoryServer server;
  private final List<DemoPerson> people;

  /** Incremented by the server's interceptor for every search, on its threads. */
  private final AtomicLong searches;

  private DemoDirectory(
      InMemoryDirectoryServer server, List<DemoPerson> people, AtomicLong searches) {
    this.server = server;
    this.people = List.copyOf(people);
    this.searches = searches;
  }

  /**
   * Generates the chart and starts serving it on 127.0.0.1, on a free port.
   *
   * @param options what to generate and how to serve it
   * @return the running demo; close it to stop the server
   * @throws LDAPException if the server cannot start
   */
  public static DemoDirectory start(Options options) throws LDAPException {
    return start(options, 0);
  }

  /**
   * As {@link #start(Options)}, on a given port.
   *
   * @param options what to generate and how to serve it
   * @param port the port on 127.0.0.1; 0 for any free one
   * @return the running demo; close it to stop the server
   * @throws LDAPException if the server cannot start (the port is taken)
   */
  public static DemoDirectory start(Options options, int port) throws LDAPException {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig("default", loopback(), port, null));
    config.setEqualityIndexAttributes("manager", "uid");
    config.setMaxSizeLimit(options.sizeLimit());
    config.addAdditionalBindCredentials(CRAWLER_DN, CRAWLER_PASSWORD);
    AtomicLong searches = new AtomicLong();
    long latencyNanos = options.latency().toNanos();
    config.addInMemoryOperationInterceptor(
        new InMemoryOperationInterceptor() {
          @Override
          public void processSearchRequest(InMemoryInterceptedSearchRequest request)
              throws LDAPException {
            searches.incrementAndGet();
            if (options.refusePaging()
                && request.getRequest().hasControl(SimplePagedResultsControl.PAGED_RESULTS_OID)) {
              throw new LDAPException(
                  ResultCode.UNAVAILABLE_CRITICAL_EXTENSION,
                  "paging is not allowed for this account");
            }
            if (latencyNanos > 0) {
              LockSupport.parkNanos(latencyNanos);
            }
          }
        });
    InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
    List<DemoPerson> people = new ArrayList<>();
    List<Entry> entries = generate(options, people);
    Entry domain = new Entry("dc=example,dc=com");
    domain.addAttribute("objectClass", "top", "domain");
    domain.addAttribute("dc", "example");
    server.add(domain);
    Entry unit = new Entry(BASE_DN);
    unit.addAttribute("objectClass", "top", "organizationalUnit");
    unit.addAttribute("ou", "people");
    server.add(unit);
    for (Entry entry : entries) {
      server.add(entry);
    }
    server.startListening();
    return new DemoDirectory(server, people, searches);
  }

  private static InetAddress loopback() throws LDAPException {
    try {
      return InetAddress.getByName("127.0.0.1");
    } catch (UnknownHostException e) {
      throw new LDAPException(ResultCode.LOCAL_ERROR, "no loopback address", e);
    }
  }

  /**
   * @return the port the demo listens on (on 127.0.0.1)
   */
  public int port() {
    return server.getListenPort();
  }

  /**
   * @return everyone served, CEO first
   */
  public List<DemoPerson> people() {
    return people;
  }

  /**
   * @return the underlying server, for tests that add entries or stop and restart it
   */
  public InMemoryDirectoryServer server() {
    return server;
  }

  /**
   * @return the searches served so far (all connections)
   */
  public long searchesServed() {
    return searches.get();
  }

  @Override
  public void close() {
    server.shutDown(true);
  }

  // ---- Generation ---------------------------------------------------------------------------

  private static final String[] FIRST = {
    "Ada",
    "Alan",
    "Barbara",
    "Brian",
    "Claude",
    "Dennis",
    "Donald",
    "Edsger",
    "Frances",
    "Grace",
    "Guido",
    "Hedy",
    "Ivan",
    "James",
    "John",
    "Ken",
    "Leslie",
    "Linus",
    "Margaret",
    "Niklaus",
    "Radia",
    "Richard",
    "Robin",
    "Shafi",
    "Sophie",
    "Tim",
    "Tony",
    "Whitfield",
    "Xavier",
    "Yukihiro"
  };
  private static final String[] LAST = {
    "Lovelace",
    "Turing",
    "Liskov",
    "Kernighan",
    "Shannon",
    "Ritchie",
    "Knuth",
    "Dijkstra",
    "Allen",
    "Hopper",
    "Rossum",
    "Lamarr",
    "Sutherland",
    "Gosling",
    "Backus",
    "Thompson",
    "Lamport",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Stallman",
    "Milner",
    "Goldwasser",
    "Wilson",
    "Berners-Lee",
    "Hoare",
    "Diffie",
    "Leroy",
    "Matsumoto"
  };

  /**
   * The demo's people as LDAP entries under {@link #BASE_DN}, to load into another server.
   *
   * @param options the people count and seed matter here
   * @param people receives one {@link DemoPerson} per entry, in the same order
   * @return the entries, managers before their reports
   * @throws LDAPException if an entry cannot be made (a bug)
   */
  public static List<Entry> entries(Options options, List<DemoPerson> people) throws LDAPException {
    return generate(options, people);
  }

  private static List<Entry> generate(Options options, List<DemoPerson> people)
      throws LDAPException {
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Entry> entries = new ArrayList<>(options.people());
    DN base = new DN(BASE_DN);
    int[] next = {0};
    // Levels: CEO, 6 VPs, 5 directors each, 6 managers each; the rest are individual contributors.
    DN ceo = add(entries, people, base, "ceo", "Chief Executive Officer", null, random, next);
    List<DN> managers = new ArrayList<>();
    for (int v = 0; v < 6 && next[0] < options.people(); v++) {
      DN vp = add(entries, people, base, null, "Vice President", ceo, random, next);
      for (int d = 0; d < 5 && next[0] < options.people(); d++) {
        DN director = add(entries, people, base, null, "Director", vp, random, next);
        for (int m = 0; m < 6 && next[0] < options.people(); m++) {
          managers.add(add(entries, people, base, null, "Manager", director, random, next));
        }
      }
    }
    // Awkward uids first (they must exist in any demo), then two managers with more reports than
    // the size limit, then everyone else spread over the remaining managers.
    if (!managers.isEmpty()) {
      for (String odd : List.of("star*man", "o'neil(contractor)", "doe, jane", "back\\slash")) {
        if (next[0] < options.people()) {
          add(
              entries,
              people,
              base,
              odd,
              "Engineer",
              managers.get(managers.size() - 1),
              random,
              next);
        }
      }
    }
    int big = options.sizeLimit() + options.sizeLimit() / 2;
    for (int b = 0; b < 2 && managers.size() > 2; b++) {
      for (int i = 0; i < big && next[0] < options.people(); i++) {
        add(entries, people, base, null, "Engineer", managers.get(b), random, next);
      }
    }
    while (next[0] < options.people()) {
      DN manager =
          managers.size() <= 2 ? ceo : managers.get(2 + random.nextInt(managers.size() - 2));
      add(
          entries,
          people,
          base,
          null,
          random.nextInt(10) == 0 ? "Staff Engineer" : "Engineer",
          manager,
          random,
          next);
    }
    return entries;
  }

  private static DN add(
      List<Entry> entries,
      List<DemoPerson> people,
      DN base,
      String fixedUid,
      String title,
      DN manager,
      SplittableRandom random,
      int[] next)
      throws LDAPException {
    String first = FIRST[random.nextInt(FIRST.length)];
    String last = LAST[random.nextInt(LAST.length)];
    String uid =
        fixedUid != null
            ? fixedUid
            : (first.charAt(0) + last).toLowerCase(Locale.ROOT).replace("-", "") + next[0];
    next[0]++;
    DN dn = new DN(new RDN("uid", uid), base);
    Entry entry = new Entry(dn);
    entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson");
    entry.addAttribute("uid", uid);
    entry.addAttribute("cn", first + " " + last);
    entry.addAttribute("sn", last);
    entry.addAttribute("givenName", first);
    entry.addAttribute("title", title);
    entry.addAttribute("mail", uid.replaceAll("[^a-z0-9.]", "") + "@example.com");
    if (manager != null) {
      entry.addAttribute("manager", manager.toString());
    }
    entries.add(entry);
    people.add(
        new DemoPerson(uid, dn.toString(), manager == null ? null : manager.toString(), title));
    return dn;
  }
}
