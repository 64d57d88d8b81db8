package dev.crawler.ldap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away DNS server for tests: {@code dnsmasq} on a free loopback port, answering for the
 * domain {@code test} alone (anything else refused, nothing forwarded, no /etc/hosts), with the SRV
 * records given. A name under {@code test} with no record is "no such name". Stopped by {@link
 * #close()}.
 */
public final class Dnsmasq implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/dnsmasq");

  /** One SRV record: {@code name} points at {@code target:port}. */
  public record Srv(String name, String target, int port, int priority, int weight) {}

  private final Process process;

  /** The port it answers on, over UDP and TCP, at 127.0.0.1. */
  public final int port;

  private Dnsmasq(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Whether dnsmasq is installed here ({@code apt-get install dnsmasq-base}). */
  public static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /** {@code 127.0.0.1:PORT}: what {@link SrvDiscovery#dnsServer()} takes. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public static Dnsmasq start(List<Srv> records) throws IOException, InterruptedException {
    int port = freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                BINARY.toString(),
                "--keep-in-foreground",
                "--no-daemon",
                "--port=" + port,
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--conf-file=/dev/null",
                "--pid-file=",
                "--user=" + System.getProperty("user.name"),
                "--log-facility=-",
                "--local=/test/"));
    for (Srv r : records) {
      command.add(
          "--srv-host="
              + r.name()
              + ","
              + r.target()
              + ","
              + r.port()
              + ","
              + r.priority()
              + ","
              + r.weight());
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CountDownLatch ready = new CountDownLatch(1);
    StringBuilder log = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  synchronized (log) {
                    log.append(line).append('\n');
                  }
                  // Logged once its sockets are bound.
                  if (line.contains("started, version")) {
                    ready.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
              ready.countDown();
            },
            "dnsmasq-log");
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(30, TimeUnit.SECONDS) || !process.isAlive()) {
      process.destroyForcibly();
      synchronized (log) {
        throw new IOException("dnsmasq did not start:\n" + log);
      }
    }
    return new Dnsmasq(process, port);
  }

  /** A port free for both UDP and TCP on loopback, as far as can be known before binding it. */
  private static int freePort() throws IOException {
    for (int attempt = 0; ; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          return tcp.getLocalPort();
        } catch (IOException taken) {
          if (attempt > 20) {
            throw taken;
          }
        }
      }
    }
  }

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
