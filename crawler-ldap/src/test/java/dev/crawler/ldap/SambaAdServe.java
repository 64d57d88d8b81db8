package dev.crawler.ldap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Serves {@link AdChart} from a fresh {@link SambaAd} behind {@link AdLimitsProxy} with Active
 * Directory's limits (MaxValRange 1,500, MaxPageSize 1,000), for {@code
 * crawler-bench/samba-ad-bench} (issue 25, §4): a main class, not a test. Samba is left as it
 * ships: {@code manager} is not indexed, so each {@code (manager=...)} term of a query reads every
 * user.
 *
 * <p>Arguments: {@code PEOPLE DIR [--index-manager]}. Prints {@code LOADED ...} and then {@code
 * PORT n} (the proxy's loopback port) on standard output, serves until its standard input closes,
 * then stops Samba. Runs on the main thread alone.
 */
public final class SambaAdServe {
  private SambaAdServe() {}

  /** Provisions, loads, serves until standard input ends; exit 2 on bad arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: SambaAdServe PEOPLE DIR [--index-manager]");
      System.exit(2);
    }
    int people = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    boolean indexManager = args.length > 2 && args[2].equals("--index-manager");
    String unavailable = SambaAd.unavailableBecause();
    if (unavailable != null) {
      System.err.println(unavailable);
      System.exit(2);
    }
    try (SambaAd samba = SambaAd.start(dir)) {
      if (indexManager) {
        samba.index("Manager");
      }
      AdChart chart = AdChart.of(people);
      chart.writeTruth(dir.resolve("truth.tsv"));
      Duration load = samba.load(chart.changes());
      try (AdLimitsProxy proxy =
          AdLimitsProxy.start("127.0.0.1", samba.port(), AdLimitsProxy.Limits.ACTIVE_DIRECTORY)) {
        System.out.printf(
            "LOADED samba provisioned in %s, started in %s; %d people (%d reachable from %s), "
                + "%d changes over LDAP in %s; manager indexed: %s%n",
            samba.provisionTime,
            samba.startTime,
            chart.people().size(),
            chart.reachable().size(),
            AdChart.ROOT,
            chart.changes().size(),
            load,
            indexManager);
        System.out.println("PORT " + proxy.port());
        System.out.flush();
        drain(System.in);
        System.out.println("SAMBA_CPU " + samba.cpuTime().toMillis());
      }
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // serve until the caller closes our input
    }
  }
}
