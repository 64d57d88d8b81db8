package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.RootDSE;
import com.unboundid.ldif.LDIFChangeRecord;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A throw-away Samba Active Directory domain controller for integration tests (Debian's {@code
 * samba-ad-dc}): a fresh domain provisioned into a temporary directory, nothing written to {@code
 * /etc}, {@code /var} or {@code /run}, run as a child process in the foreground, and stopped by
 * {@link #close()}.
 *
 * <h2>Reaching it</h2>
 *
 * Samba's LDAP port cannot be moved from 389, and the host's 389 may be taken (or another test's).
 * So the server binds no TCP port at all ({@code interfaces} names a loopback address no interface
 * has) and serves LDAP on its {@code ldapi} Unix socket in the temporary directory; a {@link
 * UnixSocketForwarder} carries a free loopback TCP port to it. Several instances can run side by
 * side, with no network namespace (which would need privileges the JVM could not reach into without
 * one more forwarder) and no address added to {@code lo} (Samba binds only an address an interface
 * has: {@code interfaces = 127.0.0.2} finds "no network interfaces"). Simple binds over plain LDAP
 * are allowed ({@code ldap server require strong auth = no}, which provisioning leaves out).
 *
 * <h2>Stopping</h2>
 *
 * Samba runs with {@code -i}: it ends when its standard input closes, so even a test JVM killed
 * outright leaves no server behind. {@link #close()} closes that input, waits, and only then
 * signals the process and any child it has.
 *
 * <p>Not thread-safe: start, load and close from one thread; connect from any.
 */
public final class SambaAd implements AutoCloseable {
  public static final Path SAMBA = Path.of("/usr/sbin/samba");
  public static final Path SAMBA_TOOL = Path.of("/usr/bin/samba-tool");

  /**
   * What {@code samba-tool domain provision} reads its templates from (package samba-ad-provision).
   */
  public static final Path PROVISION_TEMPLATES = Path.of("/usr/share/samba/setup");

  public static final String REALM = "CORP.EXAMPLE.COM";
  public static final String DOMAIN = "CORP";
  public static final String DOMAIN_DN = "DC=corp,DC=example,DC=com";
  public static final String ADMIN_DN = "CN=Administrator,CN=Users," + DOMAIN_DN;

  /** Meets the domain's password policy. */
  public static final String ADMIN_PASSWORD = "Admin-secret-1";

  /** The loopback address Samba is told to bind: none of the host's, so it binds no TCP port. */
  private static final String NO_INTERFACE = "127.0.0.254/32";

  private static final Duration PROVISION_LIMIT = Duration.ofMinutes(3);
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private final Path dir;
  private final Process process;
  private final UnixSocketForwarder forwarder;

  /** How long provisioning and starting took, for the record. */
  public final Duration provisionTime;

  public final Duration startTime;

  private SambaAd(
      Path dir,
      Process process,
      UnixSocketForwarder forwarder,
      Duration provisionTime,
      Duration startTime) {
    this.dir = dir;
    this.process = process;
    this.forwarder = forwarder;
    this.provisionTime = provisionTime;
    this.startTime = startTime;
  }

  /** Whether Samba's AD DC and its provisioning templates are installed here. */
  public static boolean installed() {
    return Files.isExecutable(SAMBA)
        && Files.isExecutable(SAMBA_TOOL)
        && Files.isDirectory(PROVISION_TEMPLATES);
  }

  /**
   * Why no domain can be provisioned here, or {@code null} if one can: Samba must be installed, and
   * this process root ({@code samba-tool domain provision} chowns the sysvol share's files and
   * fails otherwise, "Unable to chown a file on your filesystem").
   */
  public static String unavailableBecause() {
    if (!installed()) {
      return "samba-ad-dc is not installed here (apt-get install samba-ad-dc samba-ad-provision; CI"
          + " installs it)";
    }
    try {
      Object uid =
          Files.getAttribute(
              Path.of("/proc/self"), "unix:uid"); // the owner of /proc/self is this process's user
      if (!Integer.valueOf(0).equals(uid)) {
        return "provisioning a Samba domain needs root (it chowns the sysvol share), and this is"
            + " uid "
            + uid;
      }
    } catch (IOException | UnsupportedOperationException e) {
      return "cannot tell whether this is root (" + e + "): provisioning a Samba domain needs it";
    }
    return null;
  }

  /**
   * Provisions a new domain into {@code dir} (which must be empty or absent), starts Samba on it
   * and returns once it answers LDAP.
   *
   * @throws IOException if provisioning fails or Samba does not answer in time, with its log
   */
  public static SambaAd start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    long begin = System.nanoTime();
    provision(dir);
    Duration provisioned = Duration.ofNanos(System.nanoTime() - begin);
    Path conf = configure(dir);
    begin = System.nanoTime();
    Path log = dir.resolve("samba.log");
    Process process =
        new ProcessBuilder(SAMBA.toString(), "-i", "-M", "single", "-d", "1", "-s", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    UnixSocketForwarder forwarder = null;
    try {
      awaitSocket(process, dir.resolve("private/ldapi"), log);
      forwarder = UnixSocketForwarder.to(dir.resolve("private/ldapi"));
      SambaAd samba =
          new SambaAd(
              dir, process, forwarder, provisioned, Duration.ofNanos(System.nanoTime() - begin));
      samba.awaitRootDse(log);
      return samba;
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (forwarder != null) {
        forwarder.close();
      }
      stop(process);
      throw e;
    }
  }

  private static void provision(Path dir) throws IOException, InterruptedException {
    Path log = dir.resolve("provision.log");
    // The host name is fixed: the machine's may be too long for a NetBIOS name, or clash with the
    // realm.
    Process provision =
        new ProcessBuilder(
                SAMBA_TOOL.toString(),
                "domain",
                "provision",
                "--realm=" + REALM,
                "--domain=" + DOMAIN,
                "--adminpass=" + ADMIN_PASSWORD,
                "--server-role=dc",
                "--dns-backend=NONE",
                "--backend-store=mdb",
                "--host-name=dc1",
                "--option=netbios name = DC1",
                "--option=interfaces = " + NO_INTERFACE,
                "--option=bind interfaces only = yes",
                "--targetdir=" + dir)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
            .start();
    if (!provision.waitFor(PROVISION_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      stop(provision);
      throw new IOException(
          "samba-tool domain provision did not finish within "
              + PROVISION_LIMIT
              + ":\n"
              + tail(log));
    }
    if (provision.exitValue() != 0) {
      throw new IOException(
          "samba-tool domain provision exited with " + provision.exitValue() + ":\n" + tail(log));
    }
  }

  private static File nullDevice() {
    return new File("/dev/null");
  }

  /**
   * Replaces the smb.conf provisioning wrote with one that keeps every file in {@code dir}, runs
   * the LDAP server alone, and allows simple binds over plain LDAP.
   */
  private static Path configure(Path dir) throws IOException {
    for (String sub : List.of("pid", "cache", "ncalrpc", "winbindd")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Path conf = dir.resolve("etc/smb.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "[global]",
            "netbios name = DC1",
            "realm = " + REALM,
            "workgroup = " + DOMAIN,
            "server role = active directory domain controller",
            "server services = ldap",
            "interfaces = " + NO_INTERFACE,
            "bind interfaces only = yes",
            "ldap server require strong auth = no",
            "private dir = " + dir.resolve("private"),
            "state directory = " + dir.resolve("state"),
            "cache directory = " + dir.resolve("cache"),
            "lock directory = " + dir,
            "pid directory = " + dir.resolve("pid"),
            "ncalrpc dir = " + dir.resolve("ncalrpc"),
            "winbindd socket directory = " + dir.resolve("winbindd"),
            "binddns dir = " + dir.resolve("bind-dns"),
            "log file = " + dir.resolve("log.samba"),
            "ldb:nosync = true",
            "dsdb:schema update allowed = true", // for index()
            ""),
        StandardCharsets.UTF_8);
    return conf;
  }

  /** Waits until the ldapi socket accepts a connection, Samba ends, or the limit passes. */
  private static void awaitSocket(Process process, Path socket, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (true) {
      if (Files.exists(socket)) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          probe.connect(UnixDomainSocketAddress.of(socket));
          return;
        } catch (IOException e) {
          // bound but not listening yet: try again
        }
      }
      // Not a sleep: returns at once if Samba ended, which fails the start with its log.
      if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
        throw new IOException(
            "samba exited with " + process.exitValue() + " before serving LDAP:\n" + tail(log));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(
            "samba did not serve LDAP on " + socket + " within " + START_LIMIT + ":\n" + tail(log));
      }
    }
  }

  /** Waits until the root DSE can be read through the forwarder: the directory is open. */
  private void awaitRootDse(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (true) {
      try (LDAPConnection c = new LDAPConnection("127.0.0.1", port())) {
        RootDSE dse = c.getRootDSE();
        if (dse != null && dse.getAttributeValue("defaultNamingContext") != null) {
          return;
        }
      } catch (LDAPException e) {
        // not answering yet
      }
      if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
        throw new IOException("samba exited with " + process.exitValue() + ":\n" + tail(log));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(
            "samba did not answer LDAP within " + START_LIMIT + ":\n" + tail(log));
      }
    }
  }

  /** The loopback TCP port that reaches this server's LDAP. */
  public int port() {
    return forwarder.port();
  }

  /** A connection bound as the domain's Administrator. */
  public LDAPConnection admin() throws LDAPException {
    return new LDAPConnection("127.0.0.1", port(), ADMIN_DN, ADMIN_PASSWORD);
  }

  /**
   * Has Samba index an attribute it does not index as provisioned (it indexes no {@code manager},
   * for one), by setting the index bit of the attribute's {@code searchFlags} in the schema. Samba
   * then re-indexes what it holds: cheapest before anything is loaded.
   *
   * @param schemaCn the attribute's {@code cn} in the schema (e.g. {@code Manager})
   */
  public void index(String schemaCn) throws LDAPException {
    try (LDAPConnection admin = admin()) {
      String dn = "CN=" + schemaCn + ",CN=Schema,CN=Configuration," + DOMAIN_DN;
      String flags = admin.getEntry(dn, "searchFlags").getAttributeValue("searchFlags");
      int indexed = (flags == null ? 0 : Integer.parseInt(flags)) | 1; // fATTINDEX
      admin.modify(
          dn, new Modification(ModificationType.REPLACE, "searchFlags", Integer.toString(indexed)));
    }
  }

  /**
   * Applies {@code changes} in order as the Administrator, one LDAP operation each (as fast as
   * {@code ldbadd} on {@code sam.ldb} in files of 500 entries, and twice as fast as in one file:
   * Samba's cost per user grows with the users there are).
   *
   * @return how long it took
   */
  public Duration load(List<LDIFChangeRecord> changes) throws LDAPException {
    long begin = System.nanoTime();
    try (LDAPConnection admin = admin()) {
      for (LDIFChangeRecord change : changes) {
        change.processChange(admin);
      }
    }
    return Duration.ofNanos(System.nanoTime() - begin);
  }

  /** The CPU time Samba has used so far, as the system reports it (zero where it does not). */
  public Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** The directory everything lives in: provision.log and samba.log are there. */
  public Path dir() {
    return dir;
  }

  /** Stops Samba and waits for it and its children; an interrupt is restored, not thrown. */
  @Override
  public void close() {
    forwarder.close();
    stop(process);
  }

  /**
   * Ends {@code p}: its standard input closed first (Samba's {@code -i} ends on that), then a
   * SIGTERM, then a SIGKILL, each after a bounded wait; every descendant is signalled as well.
   */
  private static void stop(Process p) {
    List<ProcessHandle> children = new ArrayList<>(p.descendants().toList());
    try (OutputStream in = p.getOutputStream()) {
      in.flush();
    } catch (IOException e) {
      // already closed: it is ending
    }
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      }
      for (ProcessHandle child : children) {
        child.destroyForcibly();
        child.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // a child that will not end within 10 s after SIGKILL: nothing more a test can do
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
