package dev.crawler.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one) in a JVM of its own, on free
 * loopback ports, with its log in a directory the test owns. {@link #stop()} kills it; {@link
 * #start()} starts it again on the same ports and log, as a restart would. {@link #startSecured}
 * adds a SASL_SSL listener (SCRAM-SHA-512, a certificate from a CA made for the test) for clients;
 * the controller and the broker's own traffic stay PLAINTEXT on loopback.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final Path properties;

  /** The SASL_SSL listener's port, or 0 if the broker has none. */
  private final int securePort;

  private Process process;

  /**
   * @param ca the CA whose broker certificate the SASL_SSL listener shows, or {@code null} for a
   *     broker without one
   * @param scram the SCRAM-SHA-512 user the secured listener knows, {@code name=...,password=...}
   */
  private KafkaBroker(Path dir, TestCa ca, String scram) throws IOException, InterruptedException {
    this.dir = dir;
    this.port = freePort();
    this.controllerPort = freePort();
    this.securePort = ca == null ? 0 : freePort();
    this.properties = dir.resolve("server.properties");
    String secureListener = ca == null ? "" : ",SASL_SSL://127.0.0.1:" + securePort;
    List<String> secured =
        ca == null
            ? List.of()
            : List.of(
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                    + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + ca.brokerKeystore(),
                "ssl.keystore.password=" + ca.password(),
                "ssl.key.password=" + ca.password());
    Files.writeString(
        properties,
        String.join("\n", secured)
            + "\n"
            + String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:"
                    + port
                    + secureListener
                    + ",CONTROLLER://127.0.0.1:"
                    + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + secureListener,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("log"),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "group.initial.rebalance.delay.ms=0",
                // A dead engine's open transaction is aborted, and its partitions move, within
                // seconds.
                "transaction.max.timeout.ms=60000",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
                "group.consumer.session.timeout.ms=6000",
                "group.consumer.min.session.timeout.ms=2000",
                "group.min.session.timeout.ms=2000",
                "")
            + "\n",
        StandardCharsets.UTF_8);
    List<String> format =
        new ArrayList<>(
            List.of(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                clusterId(),
                "-c",
                properties.toString()));
    if (scram != null) {
      // SCRAM credentials live in the cluster's metadata: written with the first records of the
      // log.
      format.addAll(List.of("--add-scram", "SCRAM-SHA-512=[" + scram + "]"));
    }
    run(format, dir.resolve("format.log"));
  }

  /** Formats a new log under {@code dir} and starts the broker; returns once it answers. */
  public static KafkaBroker start(Path dir) throws Exception {
    KafkaBroker broker = new KafkaBroker(dir, null, null);
    broker.start();
    return broker;
  }

  /**
   * As {@link #start(Path)}, with a SASL_SSL listener at {@link #secureBootstrap()} that shows a
   * certificate for 127.0.0.1 signed by {@code ca} and knows one SCRAM-SHA-512 user.
   */
  public static KafkaBroker startSecured(Path dir, TestCa ca, String user, String password)
      throws Exception {
    KafkaBroker broker = new KafkaBroker(dir, ca, "name=" + user + ",password=" + password);
    broker.start();
    return broker;
  }

  /** The PLAINTEXT listener. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** The SASL_SSL listener of a broker started by {@link #startSecured}. */
  public String secureBootstrap() {
    if (securePort == 0) {
      throw new IllegalStateException("this broker has no SASL_SSL listener");
    }
    return "127.0.0.1:" + securePort;
  }

  /** Starts (again) on the same ports and log; returns once the broker answers. */
  public void start() throws Exception {
    process =
        java(List.of("-Xmx512m", "kafka.Kafka", properties.toString()), dir.resolve("broker.log"));
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                "5000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                "5000"))) {
      while (true) {
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (Exception notYet) {
          if (!process.isAlive()) {
            throw new IllegalStateException("the broker exited: see " + dir.resolve("broker.log"));
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "the broker did not answer within "
                    + READY_WITHIN
                    + ": see "
                    + dir.resolve("broker.log"),
                notYet);
          }
        }
      }
    }
  }

  /** Kills the broker (as a crash would) and waits for it to be gone. */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
      process = null;
    }
  }

  @Override
  public void close() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      p.onExit().join();
      process = null;
    }
  }

  private static String clusterId() {
    // Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. One in 64 would
    // start with '-', which the storage tool's argument parser takes for an option (as Kafka's own
    // Uuid.randomUuid() knows, and draws again): draw again too.
    while (true) {
      UUID uuid = UUID.randomUUID();
      ByteBuffer bytes = ByteBuffer.allocate(16);
      bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
      if (!id.startsWith("-")) {
        return id;
      }
    }
  }

  private static void run(List<String> command, Path log) throws IOException, InterruptedException {
    Process p = java(command, log);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " failed: " + Files.readString(log));
    }
  }

  /** A JVM on this module's test classpath, its output in {@code log}. */
  static Process java(List<String> arguments, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(TestClasspath.get());
    command.addAll(arguments);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
