package dev.crawler.bench;

import com.unboundid.ldap.listener.LDAPListener;
import com.unboundid.ldap.listener.LDAPListenerConfig;
import com.unboundid.ldap.listener.ProxyRequestHandler;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.SingleServerSet;
import dev.crawler.ldap.testing.Slapd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Serves an org chart of several shapes (issue 25, §4) from a real OpenLDAP slapd, through a proxy
 * adding latency to every search, for {@code crawler-bench/ldap-shapes-bench} to crawl with the
 * {@code crawl} command and dump with {@code ldapsearch}: the root {@code uid=ceo}; six mega
 * managers with 1,500-2,300 direct reports; chains of 30 single-report levels; wide and flat teams
 * of 200-400; everyone else in a tree of 4-15 reports a manager. The crawling account ({@link
 * Slapd#CRAWLER_DN}) has the size limit and no paging; the administrator pages.
 *
 * <p>Prints {@code PORT n} (the proxy's) and a summary of the shapes on stdout once it serves, then
 * serves until its standard input closes.
 */
public final class LdapShapes {
  static final String BASE = "ou=people," + Slapd.SUFFIX;

  private LdapShapes() {}

  public static void main(String[] args) throws Exception {
    int people = 200_000;
    int limit = 500;
    long latencyMs = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--people" -> people = Integer.parseInt(args[++i]);
        case "--limit" -> limit = Integer.parseInt(args[++i]);
        case "--latency-ms" -> latencyMs = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("crawler-ldap-shapes");
    try (Slapd slapd = Slapd.start(dir, limit)) {
      long t0 = System.nanoTime();
      int[] managerOf = shapes(people);
      LdapBench.load(slapd, entries(managerOf));
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
        System.out.println("PORT " + proxy.getListenPort());
        System.out.flush();
        while (System.in.read() >= 0) {
          // serve until stdin closes
        }
      } finally {
        proxy.shutDown(true);
      }
    }
  }

  /** Each person's manager by index, -1 for the root (index 0). */
  static int[] shapes(int people) {
    SplittableRandom random = new SplittableRandom(25);
    int[] managerOf = new int[people];
    managerOf[0] = -1;
    int next = 1;
    int vps = 8;
    for (int v = 0; v < vps; v++) {
      managerOf[next++] = 0;
    }
    int mega = 0;
    for (int m = 0;
        m < 6;
        m++) { // six mega managers, under the first VPs, 1,500-2,300 reports each
      int manager = next;
      managerOf[next++] = 1 + m % vps;
      int reports = 1_500 + random.nextInt(801);
      for (int r = 0; r < reports; r++) {
        managerOf[next++] = manager;
      }
      mega += reports;
    }
    int chains = Math.min(300, people / 600);
    for (int c = 0; c < chains; c++) { // chains of 30 single-report levels, under VP 7
      int above = 7;
      for (int level = 0; level < 30; level++) {
        managerOf[next] = above;
        above = next++;
      }
    }
    int wide = people / 2_000;
    for (int w = 0; w < wide; w++) { // wide and flat: a manager under VP 8 with 200-400 reports
      int manager = next;
      managerOf[next++] = 8;
      int reports = 200 + random.nextInt(201);
      for (int r = 0; r < reports && next < people; r++) {
        managerOf[next++] = manager;
      }
    }
    // Everyone else: a tree of 4-15 reports a manager, filled breadth first under VPs 1-6.
    List<Integer> queue = new ArrayList<>();
    for (int v = 1; v <= 6; v++) {
      queue.add(v);
    }
    for (int q = 0; next < people; q++) {
      int manager = queue.get(q);
      int span = 4 + random.nextInt(12);
      for (int k = 0; k < span && next < people; k++) {
        managerOf[next] = manager;
        queue.add(next++);
      }
    }
    System.err.printf(
        Locale.ROOT,
        "shapes: 6 mega managers with %,d reports, %d chains of 30, %d wide teams, "
            + "the rest a tree of 4-15 reports%n",
        mega,
        chains,
        wide);
    return managerOf;
  }

  private static List<Entry> entries(int[] managerOf) {
    List<Entry> entries = new ArrayList<>(managerOf.length);
    for (int i = 0; i < managerOf.length; i++) {
      String uid = i == 0 ? "ceo" : "p" + i;
      Entry e = new Entry("uid=" + uid + "," + BASE);
      e.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson");
      e.addAttribute("uid", uid);
      e.addAttribute("cn", "Person " + i);
      e.addAttribute("sn", "P" + i);
      e.addAttribute("title", i == 0 ? "CEO" : "Staff");
      e.addAttribute("mail", uid + "@example.com");
      if (managerOf[i] >= 0) {
        e.addAttribute(
            "manager", "uid=" + (managerOf[i] == 0 ? "ceo" : "p" + managerOf[i]) + "," + BASE);
      }
      entries.add(e);
    }
    return entries;
  }
}
