package dev.crawler.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one test with the JDK's own keytool: a broker keystore whose
 * certificate, for IP 127.0.0.1, the CA signed, and a truststore that holds only the CA. Nothing is
 * trusted by default, so a client without the truststore fails its TLS handshake. Immutable once
 * made; its files live under the directory given.
 *
 * @param brokerKeystore PKCS12: the broker's key and its chain
 * @param truststore PKCS12: the CA's certificate
 * @param password of both stores and of the broker's key
 */
public record TestCa(Path brokerKeystore, Path truststore, String password) {
  /** Makes the CA, the broker's certificate and the truststore under {@code dir}. */
  public static TestCa make(Path dir) throws IOException, InterruptedException {
    String password = "changeit-" + Long.toHexString(System.nanoTime());
    Path ca = dir.resolve("ca.p12");
    Path caPem = dir.resolve("ca.pem");
    Path broker = dir.resolve("broker.p12");
    Path csr = dir.resolve("broker.csr");
    Path brokerPem = dir.resolve("broker.pem");
    Path truststore = dir.resolve("truststore.p12");
    keytool(
        dir,
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-dname",
        "CN=crawler test CA",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        ca,
        "-storepass",
        password,
        "-storetype",
        "PKCS12");
    keytool(
        dir,
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca,
        "-storepass",
        password,
        "-file",
        caPem);
    keytool(
        dir,
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "EC",
        "-dname",
        "CN=127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        broker,
        "-storepass",
        password,
        "-storetype",
        "PKCS12");
    keytool(
        dir,
        "-certreq",
        "-alias",
        "broker",
        "-keystore",
        broker,
        "-storepass",
        password,
        "-file",
        csr);
    keytool(
        dir,
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca,
        "-storepass",
        password,
        "-infile",
        csr,
        "-outfile",
        brokerPem,
        "-ext",
        "SAN=IP:127.0.0.1",
        "-validity",
        "2");
    // The signed certificate replaces the self-signed one once keytool can chain it to the CA.
    keytool(
        dir,
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem,
        "-keystore",
        broker,
        "-storepass",
        password);
    keytool(
        dir,
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        brokerPem,
        "-keystore",
        broker,
        "-storepass",
        password);
    keytool(
        dir,
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem,
        "-keystore",
        truststore,
        "-storepass",
        password,
        "-storetype",
        "PKCS12");
    return new TestCa(broker, truststore, password);
  }

  /** A client's properties for {@code user} on the SASL_SSL listener, trusting this CA only. */
  public String clientProperties(String user, String userPassword) {
    return String.join(
        "\n",
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\""
            + user
            + "\" password=\""
            + userPassword
            + "\";",
        "ssl.truststore.type=PKCS12",
        "ssl.truststore.location=" + truststore.toString().replace("\\", "\\\\"),
        "ssl.truststore.password=" + password,
        "");
  }

  private static void keytool(Path dir, Object... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    for (Object argument : arguments) {
      command.add(argument.toString());
    }
    Path log = dir.resolve("keytool.log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "keytool " + arguments[0] + " failed: " + Files.readString(log));
    }
  }
}
