package dev.crawler.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import com.unboundid.ldap.listener.LDAPListener;
import com.unboundid.ldap.listener.LDAPListenerConfig;
import com.unboundid.ldap.listener.ProxyRequestHandler;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SingleServerSet;
import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.LdapSettings;
import dev.crawler.ldap.OrgChartSource;
import dev.crawler.ldap.Person;
import dev.crawler.ldap.testing.Slapd;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * An org chart in a real OpenLDAP slapd, reached through a proxy that adds latency to every search,
 * crawled three ways: one unlimited subtree search by the administrator (what the size limit
 * forbids the crawling account), a naive pool that sends one query per person, and this project's
 * crawl as the limited account. Two rows bound what any walk could do: the same OR queries a crawl
 * sends, but cut with the generated chart in hand (no query hits the limit, none is small), with
 * every person as a term, and with only the managers (what a back-link such as directReports
 * allows). Prints a Markdown table.
 *
 * <p>{@code java -cp benchmarks.jar dev.crawler.bench.LdapBench [--people 200000] [--limit 500]
 * [--latency-ms 2] [--workers 8,32,64] [--naive]}
 */
public final class LdapBench {
  private static final String BASE = "ou=people," + Slapd.SUFFIX;

  /** The back-link to reports in the generated chart: see orgChart. */
  private static final String BACK_LINK = "seeAlso";

  /** In --workers: the crawl with no workers(n) call, as a user who does not choose. */
  private static final int DEFAULT_WORKERS = 0;

  private static final String[] ATTRIBUTES = {"uid", "cn", "title", "mail", "manager"};

  private LdapBench() {}

  public static void main(String[] args) throws Exception {
    int people = 200_000;
    int limit = 500;
    long latencyMs = 2;
    int[] workers = {8, 32, 64};
    boolean naive = false;
    int orTerms = LdapSettings.of("x", 1, "o=x").batchSize();
    int perListing = LdapSettings.of("x", 1, "o=x").managersPerListing();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--people" -> people = Integer.parseInt(args[++i]);
        case "--limit" -> limit = Integer.parseInt(args[++i]);
        case "--latency-ms" -> latencyMs = Long.parseLong(args[++i]);
        case "--workers" ->
            workers =
                Arrays.stream(args[++i].split(","))
                    .mapToInt(w -> w.equals("default") ? DEFAULT_WORKERS : Integer.parseInt(w))
                    .toArray();
        case "--naive" -> naive = true;
        case "--or-terms" -> orTerms = Integer.parseInt(args[++i]);
        case "--per-listing" -> perListing = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    run(people, limit, latencyMs, workers, naive, orTerms, perListing);
  }

  private static void run(
      int people,
      int limit,
      long latencyMs,
      int[] workers,
      boolean naive,
      int orTerms,
      int perListing)
      throws Exception {
    Path dir = Files.createTempDirectory("crawler-ldap-bench");
    try (Slapd slapd = Slapd.start(dir, limit)) {
      long t0 = System.nanoTime();
      List<Entry> entries = orgChart(people);
      load(slapd, entries);
      System.err.printf(
          Locale.ROOT, "loaded %,d people in %.1f s%n", people, (System.nanoTime() - t0) / 1e9);
      LDAPListener proxy =
          new LDAPListener(
              new LDAPListenerConfig(
                  0,
                  new SlowProxyHandler(
                      new ProxyRequestHandler(new SingleServerSet("127.0.0.1", slapd.port)),
                      latencyMs * 1_000_000)));
      proxy.startListening();
      try {
        int port = proxy.getListenPort();
        Rows rows = new Rows(slapd, people);
        System.out.printf(
            "| method | people | W | wall s | LDAP operations | entries read | CPU s, this JVM /"
                + " slapd | peak live heap MiB | vs single search | vs ideal walk |%n");
        System.out.printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n");
        Run single = rows.median(() -> singleSearch(port, people));
        rows.print("one unlimited subtree search (administrator)", 1, single);
        Run ideal = rows.median(() -> idealWalk(port, 32, entries, limit, false));
        rows.print(
            "ideal walk: the crawl's OR queries cut knowing the chart, everyone a term", 32, ideal);
        Run idealManagers = rows.median(() -> idealWalk(port, 32, entries, limit, true));
        rows.print(
            "ideal walk: the crawl's OR queries cut knowing the chart, managers only (as with a"
                + " back-link)",
            32,
            idealManagers);
        // The crawl's own warm-up, before its first row: with only each row's two, the first crawl
        // row took 0.5 s longer (and 1 s more CPU) than the same row run again after another.
        for (int i = 0; i < 3; i++) {
          crawl(port, DEFAULT_WORKERS, people, orTerms, perListing, null);
        }
        for (int w : workers) {
          Run crawl = rows.median(() -> crawl(port, w, people, orTerms, perListing, null));
          rows.print(
              String.format(
                  Locale.ROOT,
                  "crawl, limited account (size limit %d), OR of <= %d, %d managers per listing",
                  limit,
                  orTerms,
                  perListing),
              w == DEFAULT_WORKERS ? "default" : Integer.toString(w),
              crawl);
        }
        Run linked =
            rows.median(() -> crawl(port, DEFAULT_WORKERS, people, orTerms, perListing, BACK_LINK));
        rows.print(
            "crawl as above, with a back-link to reports ("
                + BACK_LINK
                + "); against the managers-only ideal walk",
            "default",
            linked,
            idealManagers);
        if (naive) {
          Run pool = rows.once(() -> naivePool(port, 8, entries));
          rows.print("naive pool, one query per person", 8, pool);
        }
      } finally {
        proxy.shutDown(true);
      }
    }
  }

  /** One way of reading the chart: its wall time, operations, entries read and CPU used. */
  record Run(
      double seconds,
      long operations,
      long entries,
      double jvmCpu,
      double slapdCpu,
      long liveHeapGrowth) {}

  /** Something that reads the chart once and says {seconds, operations[, entries]}. */
  interface Method {
    double[] run() throws Exception;
  }

  /**
   * Runs methods and prints their rows, with ratios to the first row (the single search) and to the
   * second (the ideal walk with everyone a term). CPU is measured around each run: this JVM's (the
   * method and the latency proxy) and slapd's.
   */
  static final class Rows {
    private final Slapd slapd;
    private final int people;
    private Run single;
    private Run ideal;

    Rows(Slapd slapd, int people) {
      this.slapd = slapd;
      this.people = people;
    }

    /**
     * Two warm-up runs, not counted (the JIT compiles the crawler's code in its first runs, as
     * hyperfine warms its commands; with one, the first crawl row still paid 0.5-1 s of CPU more
     * than the same crawl later), then three; the one with the median wall time.
     */
    Run median(Method method) throws Exception {
      once(method);
      once(method);
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        runs.add(once(method));
      }
      runs.sort(Comparator.comparingDouble(Run::seconds));
      return runs.get(1);
    }

    Run once(Method method) throws Exception {
      System.gc();
      long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      LiveHeap live = new LiveHeap();
      double jvm0 = jvmCpu();
      double slapd0 = slapd.cpuTime().toNanos() / 1e9;
      double[] r;
      try {
        r = method.run();
      } finally {
        live.close();
      }
      double jvm = jvmCpu() - jvm0;
      double server = slapd.cpuTime().toNanos() / 1e9 - slapd0;
      long growth = live.peak() < 0 ? -1 : Math.max(0, live.peak() - before);
      return new Run(r[0], (long) r[1], r.length > 2 ? (long) r[2] : people, jvm, server, growth);
    }

    void print(String method, int workers, Run run) {
      print(method, Integer.toString(workers), run);
    }

    void print(String method, String workers, Run run) {
      print(method, workers, run, null);
    }

    /**
     * With {@code reference} the ideal walk this row is compared to; {@code null} for the first.
     */
    void print(String method, String workers, Run run, Run reference) {
      if (single == null) {
        single = run;
      } else if (ideal == null) {
        ideal = run;
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %.2f | %,d | %,d | %.1f / %.1f | %s | %.2f | %s |%n",
          method,
          people,
          workers,
          run.seconds(),
          run.operations(),
          run.entries(),
          run.jvmCpu(),
          run.slapdCpu(),
          run.liveHeapGrowth() < 0
              ? "no GC"
              : String.format(Locale.ROOT, "%,d", run.liveHeapGrowth() >> 20),
          run.seconds() / single.seconds(),
          run == single
              ? ""
              : String.format(
                  Locale.ROOT,
                  "%.2f",
                  run.seconds() / (reference == null ? ideal : reference).seconds()));
    }

    /**
     * The most heap in use right after any collection while it is open: the live data at its peak,
     * as near as collections show it; -1 if none ran.
     */
    private static final class LiveHeap implements AutoCloseable {
      private final AtomicLong peak = new AtomicLong(-1);
      private final List<Runnable> removals = new ArrayList<>();

      LiveHeap() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
          NotificationEmitter emitter = (NotificationEmitter) gc;
          NotificationListener listener =
              (notification, handback) -> {
                if (notification
                    .getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  GarbageCollectionNotificationInfo info =
                      GarbageCollectionNotificationInfo.from(
                          (CompositeData) notification.getUserData());
                  long used =
                      info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                          .mapToLong(MemoryUsage::getUsed)
                          .sum();
                  peak.accumulateAndGet(used, Math::max);
                }
              };
          emitter.addNotificationListener(listener, null, null);
          removals.add(
              () -> {
                try {
                  emitter.removeNotificationListener(listener);
                } catch (ListenerNotFoundException e) {
                  throw new IllegalStateException(e);
                }
              });
        }
      }

      long peak() {
        return peak.get();
      }

      @Override
      public void close() {
        removals.forEach(Runnable::run);
      }
    }

    private static double jvmCpu() {
      return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime()
          / 1e9;
    }
  }

  /**
   * A chart where each manager has 4 to 15 reports, filled breadth first: about one in ten manages.
   */
  static List<Entry> orgChart(int people) {
    SplittableRandom random = new SplittableRandom(1);
    List<Entry> entries = new ArrayList<>(people);
    int[] managerOf = new int[people];
    managerOf[0] = -1;
    int next = 1;
    for (int m = 0; m < people && next < people; m++) {
      int span = 4 + random.nextInt(12);
      for (int k = 0; k < span && next < people; k++) {
        managerOf[next++] = m;
      }
    }
    // A back-link to reports, as Active Directory's directReports: in seeAlso, a DN-valued
    // attribute every person may hold in OpenLDAP's core schema. Only the back-link crawl reads it.
    List<List<String>> reports = new ArrayList<>(people);
    for (int i = 0; i < people; i++) {
      reports.add(new ArrayList<>());
    }
    for (int i = 1; i < people; i++) {
      reports.get(managerOf[i]).add("uid=p" + i + "," + BASE);
    }
    for (int i = 0; i < people; i++) {
      Entry e = new Entry("uid=p" + i + "," + BASE);
      e.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson");
      e.addAttribute("uid", "p" + i);
      e.addAttribute("cn", "Person " + i);
      e.addAttribute("sn", "P" + i);
      e.addAttribute("title", managerOf[i] < 0 ? "CEO" : "Staff");
      e.addAttribute("mail", "p" + i + "@example.com");
      if (managerOf[i] >= 0) {
        e.addAttribute("manager", "uid=p" + managerOf[i] + "," + BASE);
      }
      if (!reports.get(i).isEmpty()) {
        e.addAttribute(BACK_LINK, reports.get(i));
      }
      entries.add(e);
    }
    return entries;
  }

  static void load(Slapd slapd, List<Entry> entries) throws Exception {
    slapd.load(List.of());
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> parts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int part = t;
      parts.add(
          pool.submit(
              () -> {
                try (LDAPConnection admin =
                    new LDAPConnection(
                        "127.0.0.1", slapd.port, Slapd.ADMIN_DN, Slapd.ADMIN_PASSWORD)) {
                  for (int i = part; i < entries.size(); i += threads) {
                    admin.add(entries.get(i));
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : parts) {
      f.get();
    }
    pool.shutdown();
  }

  private static double[] singleSearch(int port, int people) throws Exception {
    try (LDAPConnection admin =
        new LDAPConnection("127.0.0.1", port, Slapd.ADMIN_DN, Slapd.ADMIN_PASSWORD)) {
      long start = System.nanoTime();
      List<SearchResultEntry> all =
          admin
              .search(
                  new SearchRequest(
                      BASE,
                      SearchScope.SUB,
                      Filter.createEqualityFilter("objectClass", "inetOrgPerson"),
                      ATTRIBUTES))
              .getSearchEntries();
      double seconds = (System.nanoTime() - start) / 1e9;
      check(all.size() == people, "single search returned " + all.size());
      return new double[] {seconds, 1, people};
    }
  }

  /**
   * A crawl from p0; {@code backLink} names the attribute listing a person's reports, or is {@code
   * null}.
   */
  private static double[] crawl(
      int port, int workers, int people, int orTerms, int perListing, String backLink)
      throws Exception {
    LdapSettings settings =
        LdapSettings.builder("127.0.0.1", port, BASE)
            .bind(Slapd.CRAWLER_DN, Slapd.CRAWLER_PASSWORD.toCharArray())
            .batchSize(orTerms)
            .managersPerListing(perListing)
            .build();
    if (backLink != null) {
      settings = settings.toBuilder().reportsAttribute(backLink).build();
    }
    OrgChartSource source = OrgChartSource.of(settings);
    // Visits per person, by the number in the uid "p<i>": a check that costs the crawl next to
    // nothing.
    AtomicIntegerArray visits = new AtomicIntegerArray(people);
    long start = System.nanoTime();
    Person root = source.findRoot("p0");
    CrawlReport<Person> report;
    Crawler<Person, ?> crawler = Crawler.over(source).distinctBy(Person::key);
    if (workers != DEFAULT_WORKERS) {
      crawler.workers(workers);
    }
    try (Crawl<Person> crawl =
        crawler.start(
            root,
            v ->
                visits.incrementAndGet(
                    Integer.parseInt(v.node().uid(), 1, v.node().uid().length(), 10)))) {
      report = crawl.await();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    check(
        report.outcome() == Outcome.COMPLETE,
        "crawl ended " + report.outcome() + " " + report.errors());
    for (int i = 0; i < people; i++) {
      check(visits.get(i) == 1, "the crawl visited p" + i + " " + visits.get(i) + " times");
    }
    return new double[] {seconds, source.operations(), source.entriesRead()};
  }

  /**
   * The OR-of-managers queries with perfect knowledge: the generated chart says how many reports
   * each person has, so no query hits the limit, and each is cut as full as 60% of the limit
   * allows, sent by {@code threads} connections. With {@code managersOnly}, people without reports
   * are left out, as a back-link allows. The crawl aims at 50% of the limit with estimated counts
   * and at 90% with a back-link's exact ones, so with a back-link it sends fewer queries than this
   * walk; the walk stays as the issue measured it.
   */
  private static double[] idealWalk(
      int port, int threads, List<Entry> entries, int limit, boolean managersOnly)
      throws Exception {
    Map<String, Integer> reports = new HashMap<>();
    for (Entry e : entries) {
      String manager = e.getAttributeValue("manager");
      if (manager != null) {
        reports.merge(manager, 1, Integer::sum);
      }
    }
    List<List<String>> queries = new ArrayList<>();
    List<String> query = new ArrayList<>();
    int expected = 0;
    int terms =
        LdapSettings.of("x", 1, "o=x")
            .batchSize(); // the crawl's defaults; the 60% fill is the walk's own
    for (Entry e : entries) {
      int n = reports.getOrDefault(e.getDN(), 0);
      if (managersOnly && n == 0) {
        continue;
      }
      if (!query.isEmpty() && (query.size() == terms || expected + n > 0.6 * limit)) {
        queries.add(query);
        query = new ArrayList<>();
        expected = 0;
      }
      query.add(e.getDN());
      expected += n;
    }
    queries.add(query);
    Collections.shuffle(queries, new Random(1)); // the crawl does not go in entry order
    ConcurrentLinkedQueue<List<String>> pending = new ConcurrentLinkedQueue<>(queries);
    AtomicLong read = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> parts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      parts.add(
          pool.submit(
              () -> {
                try (LDAPConnection c =
                    new LDAPConnection(
                        "127.0.0.1", port, Slapd.CRAWLER_DN, Slapd.CRAWLER_PASSWORD)) {
                  for (List<String> q; (q = pending.poll()) != null; ) {
                    Filter[] or =
                        q.stream()
                            .map(dn -> Filter.createEqualityFilter("manager", dn))
                            .toArray(Filter[]::new);
                    read.addAndGet(
                        c.search(
                                new SearchRequest(
                                    BASE,
                                    SearchScope.SUB,
                                    Filter.createANDFilter(
                                        Filter.createEqualityFilter("objectClass", "inetOrgPerson"),
                                        Filter.createORFilter(or)),
                                    ATTRIBUTES))
                            .getEntryCount());
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : parts) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    check(read.get() == entries.size() - 1, "ideal walk read " + read.get());
    return new double[] {seconds, queries.size(), read.get()};
  }

  /** What people write first: a pool, one (manager=dn) query per person found. */
  private static double[] naivePool(int port, int threads, List<Entry> entries) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    ThreadLocal<LDAPConnection> connection =
        ThreadLocal.withInitial(
            () -> {
              try {
                return new LDAPConnection(
                    "127.0.0.1", port, Slapd.CRAWLER_DN, Slapd.CRAWLER_PASSWORD);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    List<LDAPConnection> opened = new CopyOnWriteArrayList<>();
    AtomicLong pending = new AtomicLong(1);
    AtomicLong ops = new AtomicLong();
    AtomicLong found = new AtomicLong(1);
    CountDownLatch done = new CountDownLatch(1);
    long start = System.nanoTime();
    class Query implements Runnable {
      final String dn;

      Query(String dn) {
        this.dn = dn;
      }

      @Override
      public void run() {
        try {
          LDAPConnection c = connection.get();
          if (!opened.contains(c)) {
            opened.add(c);
          }
          ops.incrementAndGet();
          for (SearchResultEntry e :
              c.search(
                      BASE, SearchScope.SUB, Filter.createEqualityFilter("manager", dn), ATTRIBUTES)
                  .getSearchEntries()) {
            found.incrementAndGet();
            pending.incrementAndGet();
            pool.execute(new Query(e.getDN()));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          if (pending.decrementAndGet() == 0) {
            done.countDown();
          }
        }
      }
    }
    pool.execute(new Query("uid=p0," + BASE));
    done.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    opened.forEach(LDAPConnection::close);
    check(found.get() == entries.size(), "naive pool found " + found.get());
    return new double[] {seconds, ops.get()};
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
