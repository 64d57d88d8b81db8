package dev.crawler.ldap.testing;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away OpenLDAP {@code slapd} for integration tests and benchmarks: configured in a
 * temporary directory, listening on a free loopback port, with an account {@code cn=crawler} whose
 * searches are limited to {@code sizeLimit} entries, as in a real HR directory. {@link #start}
 * returns only once slapd listens; {@link #close()} returns only once it has exited. Needs the
 * {@code slapd} binary and the Debian schema files ({@link #installed()}). Not thread-safe: one
 * test drives it.
 */
public final class Slapd implements AutoCloseable {
  /** Where Debian's package installs slapd. */
  public static final Path BINARY = Path.of("/usr/sbin/slapd");

  /** The directory's suffix; {@link #load} adds {@code ou=people} under it. */
  public static final String SUFFIX = "dc=example,dc=com";

  /** The administrator (rootdn), who may write. */
  public static final String ADMIN_DN = "cn=admin," + SUFFIX;

  /** The administrator's password. */
  public static final String ADMIN_PASSWORD = "admin-secret";

  /** The account a crawl binds as, read-only, with the size limit given to {@link #start}. */
  public static final String CRAWLER_DN = "cn=crawler," + SUFFIX;

  /** The crawling account's password. */
  public static final String CRAWLER_PASSWORD = "crawler-secret";

  private final Process process;

  /** The loopback port slapd listens on (plain LDAP, 127.0.0.1). */
  public final int port;

  /** Where its configuration and database live: a restart reads them again. */
  private final Path dir;

  private Slapd(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /**
   * Whether slapd and its schema files are installed here: tests skip (assume) when not.
   *
   * @return true if {@link #start} can run
   */
  public static boolean installed() {
    return Files.isExecutable(BINARY) && Files.isDirectory(Path.of("/etc/ldap/schema"));
  }

  /**
   * Configures a slapd in {@code dir} and starts it on a free loopback port.
   *
   * @param dir an empty directory for its configuration and database
   * @param sizeLimit the most entries one search by {@link #CRAWLER_DN} may return
   * @return the running slapd, listening
   * @throws IOException if it cannot be configured, or does not start within 30 s (the message
   *     holds its log)
   * @throws InterruptedException if interrupted while waiting for it to start
   */
  public static Slapd start(Path dir, int sizeLimit) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(dir.resolve("db"));
    Path conf = dir.resolve("slapd.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "include /etc/ldap/schema/core.schema",
            "include /etc/ldap/schema/cosine.schema",
            "include /etc/ldap/schema/inetorgperson.schema",
            "pidfile " + dir.resolve("slapd.pid"),
            "modulepath /usr/lib/ldap",
            "moduleload back_mdb",
            "database mdb",
            "maxsize 1073741824",
            "dbnosync",
            "suffix \"" + SUFFIX + "\"",
            "rootdn \"" + ADMIN_DN + "\"",
            "rootpw " + ADMIN_PASSWORD,
            "directory " + dir.resolve("db"),
            "index objectClass eq",
            "index uid eq,sub",
            "index manager eq",
            "limits dn.exact=\"" + CRAWLER_DN + "\" size=" + sizeLimit,
            "access to attrs=userPassword by anonymous auth by * none",
            "access to * by * read",
            ""),
        StandardCharsets.UTF_8);
    return launch(dir, port);
  }

  /**
   * Kills slapd at once (SIGKILL: no goodbye to its clients, as a crashed or rebooted server) and
   * waits until it is gone; its data stays on disk for {@link #restart()}.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /**
   * A new slapd on the same port, over the same data, after {@link #kill()}.
   *
   * @return the new slapd, listening
   * @throws IOException if it does not start within 30 s
   * @throws InterruptedException if interrupted while waiting for it to start
   */
  public Slapd restart() throws IOException, InterruptedException {
    return launch(dir, port);
  }

  private static Slapd launch(Path dir, int port) throws IOException, InterruptedException {
    Path conf = dir.resolve("slapd.conf");
    // -d 256 keeps slapd in the foreground and logs "slapd starting" once it listens.
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "-f",
                conf.toString(),
                "-h",
                "ldap://127.0.0.1:" + port + "/",
                "-d",
                "256")
            .redirectErrorStream(true)
            .start();
    CountDownLatch ready = new CountDownLatch(1);
    StringBuilder log = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  if (ready.getCount() > 0) {
                    synchronized (log) {
                      log.append(line).append('\n');
                    }
                  }
                  if (line.contains("slapd starting")) {
                    ready.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "slapd-log");
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      synchronized (log) {
        throw new IOException("slapd did not start within 30 s:\n" + log);
      }
    }
    return new Slapd(process, port, dir);
  }

  /**
   * Adds the base entries, the crawling account and {@code people}, as the administrator.
   *
   * @param people entries to add after the base entries, parents before children
   * @throws LDAPException if slapd refuses an entry
   */
  public void load(List<Entry> people) throws LDAPException {
    try (LDAPConnection admin = new LDAPConnection("127.0.0.1", port, ADMIN_DN, ADMIN_PASSWORD)) {
      Entry domain = new Entry(SUFFIX);
      domain.addAttribute("objectClass", "top", "domain");
      domain.addAttribute("dc", "example");
      admin.add(domain);
      Entry unit = new Entry("ou=people," + SUFFIX);
      unit.addAttribute("objectClass", "top", "organizationalUnit");
      unit.addAttribute("ou", "people");
      admin.add(unit);
      Entry crawler = new Entry(CRAWLER_DN);
      crawler.addAttribute("objectClass", "top", "organizationalRole", "simpleSecurityObject");
      crawler.addAttribute("cn", "crawler");
      crawler.addAttribute("userPassword", CRAWLER_PASSWORD);
      admin.add(crawler);
      for (Entry person : people) {
        admin.add(person);
      }
    }
  }

  /**
   * The CPU time slapd has used so far, as the system reports it.
   *
   * @return the CPU time, zero where the system does not report it
   */
  public Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Stops slapd and waits for it; an interrupt is restored, not thrown. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
