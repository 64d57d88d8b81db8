package dev.crawler.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * Kafka client settings from a properties file, as Kafka's own tools take them: how to reach a
 * secured cluster (security.protocol, sasl.*, ssl.*: SASL_SSL, TLS, mTLS, SCRAM, OAuth) and any
 * other key Kafka's clients know, given to every client a crawl makes. Passwords stay in the file,
 * never on a command line. Each process reads its own: nothing of it is written to Kafka.
 *
 * <p>A key the crawl sets itself is refused when read, never silently overridden: exactly once
 * rests on some (isolation.level, enable.idempotence, transactional.id, acks, group.id,
 * enable.auto.commit), every wait being bounded on others (its timeouts), and the rest are the
 * crawl's flags (bootstrap.servers is {@code --kafka}). See {@link Clients#CRAWL_KEYS}. One of them
 * is the crawl's to take, not to refuse: {@value #TRANSACTION_TIMEOUT} becomes the crawl's
 * transaction timeout ({@link KafkaCrawlSettings#withClient}), for listings slower than its default
 * allows; the brokers' {@code transaction.max.timeout.ms} (15 minutes by default) bounds it.
 *
 * <p>Immutable and thread-safe. {@link #toString()} names the keys, never their values.
 */
public final class ClientProperties {
  /** No file: the crawl's own settings alone, PLAINTEXT. */
  public static final ClientProperties NONE =
      new ClientProperties(Map.of(), "no client properties", null);

  /** The one key of {@link Clients#CRAWL_KEYS} a file may give: the crawl's transaction timeout. */
  public static final String TRANSACTION_TIMEOUT = "transaction.timeout.ms";

  private final Map<String, String> values;
  private final String source;

  /** {@value #TRANSACTION_TIMEOUT}, taken out of {@link #values}; {@code null} when not given. */
  private final Duration transactionTimeout;

  private ClientProperties(Map<String, String> values, String source, Duration transactionTimeout) {
    this.values = values;
    this.source = source;
    this.transactionTimeout = transactionTimeout;
  }

  /**
   * Reads a properties file (ISO 8859-1 with escapes, as Kafka's tools read it).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the key, if the file sets a key the crawl sets itself
   *     or a value Kafka's clients refuse
   * @param file the properties file
   * @return its settings
   */
  public static ClientProperties read(Path file) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    }
    Map<String, String> values = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      values.put(key, properties.getProperty(key).strip());
    }
    return of(values, file.toString());
  }

  /**
   * Client settings from a map.
   *
   * @param source where they come from, for messages (a file's name)
   * @throws IllegalArgumentException naming the key, if a key is one the crawl sets itself or a
   *     value Kafka's clients refuse
   * @param values the settings, by Kafka client key
   * @return the settings
   */
  public static ClientProperties of(Map<String, String> values, String source) {
    Map<String, String> clients = new HashMap<>(values);
    Duration transactionTimeout = transactionTimeout(clients.remove(TRANSACTION_TIMEOUT), source);
    for (String key : clients.keySet()) {
      if (Clients.CRAWL_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            source
                + " sets "
                + key
                + ", which the crawl sets itself (its exactly-once "
                + "delivery, its timeouts and its flags depend on those keys): remove it");
      }
    }
    ClientProperties properties =
        new ClientProperties(Map.copyOf(clients), source, transactionTimeout);
    try {
      Clients.check(properties);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
    return properties;
  }

  private static Duration transactionTimeout(String millis, String source) {
    if (millis == null) {
      return null;
    }
    long value;
    try {
      value = Long.parseLong(millis);
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 3_000 || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          source
              + " sets "
              + TRANSACTION_TIMEOUT
              + " to '"
              + millis
              + "': give a number of milliseconds from 3000 (a transaction lasts at least its"
              + " one-second slice and a listing), such as 60000");
    }
    return Duration.ofMillis(value);
  }

  /**
   * The crawl's transaction timeout, when the file gives {@value #TRANSACTION_TIMEOUT}: how long
   * one transaction may list, its slowest listing included, before the broker aborts it.
   *
   * @return the timeout given, or empty for the crawl's default
   */
  public Optional<Duration> transactionTimeout() {
    return Optional.ofNullable(transactionTimeout);
  }

  /** The settings, to add to every client's ({@value #TRANSACTION_TIMEOUT} aside). */
  Map<String, String> values() {
    return values;
  }

  /**
   * Where the settings come from: a file's name.
   *
   * @return the file's name, or what else said them
   */
  public String source() {
    return source;
  }

  /**
   * Whether there are none: the clients are PLAINTEXT, as a broker is by default.
   *
   * @return whether no setting is given
   */
  public boolean isEmpty() {
    return values.isEmpty() && transactionTimeout == null;
  }

  @Override
  public String toString() {
    TreeMap<String, String> keys = new TreeMap<>(values);
    if (transactionTimeout != null) {
      keys.put(TRANSACTION_TIMEOUT, "");
    }
    return source + " " + keys.keySet();
  }
}
