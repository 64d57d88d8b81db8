package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import com.unboundid.util.ssl.cert.ManageCertificates;
import dev.crawler.core.Crawl;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.ldap.demo.DemoDirectory;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LDAPS and StartTLS against a real in-memory server with real certificates: the crawl works when
 * the CA is trusted and the certificate names the host, and fails with a clear error otherwise.
 *
 * <p>Clients connect to {@code localhost}, not {@code 127.0.0.1}: the SDK's host-name verifier
 * deliberately accepts any certificate on a loopback IP address (W3C "potentially trustworthy"),
 * but checks names.
 */
class TlsTest {
  private static final char[] PIN = "keystore-pin".toCharArray();
  private static final int PEOPLE = 120;

  @TempDir static Path dir;
  private static InMemoryDirectoryServer server;
  private static Path trustedCa;
  private static Path otherCa;

  @BeforeAll
  static void startServer() throws Exception {
    // A certificate for 127.0.0.1 and localhost, and one for this machine's other addresses only.
    Path good = certificate(dir.resolve("good.p12"), "localhost");
    Path wrongName = certificate(dir.resolve("wrong.p12"), "ldap.example.org");
    trustedCa = pem(good, dir.resolve("trusted-ca.pem"));
    otherCa = pem(wrongName, dir.resolve("other-ca.pem"));

    SSLUtil goodTls =
        new SSLUtil(
            new KeyStoreKeyManager(good.toFile(), PIN, "PKCS12", "server"),
            new TrustAllTrustManager());
    SSLUtil wrongTls =
        new SSLUtil(
            new KeyStoreKeyManager(wrongName.toFile(), PIN, "PKCS12", "server"),
            new TrustAllTrustManager());
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPSConfig(
            "ldaps", loopback, 0, goodTls.createSSLServerSocketFactory(), null),
        InMemoryListenerConfig.createLDAPConfig(
            "starttls", loopback, 0, goodTls.createSSLSocketFactory()),
        InMemoryListenerConfig.createLDAPSConfig(
            "wrong-name", loopback, 0, wrongTls.createSSLServerSocketFactory(), null));
    config.setEqualityIndexAttributes("manager", "uid");
    config.addAdditionalBindCredentials(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD);
    server = new InMemoryDirectoryServer(config);
    Entry domain = new Entry("dc=example,dc=com");
    domain.addAttribute("objectClass", "top", "domain");
    domain.addAttribute("dc", "example");
    server.add(domain);
    Entry unit = new Entry(DemoDirectory.BASE_DN);
    unit.addAttribute("objectClass", "top", "organizationalUnit");
    unit.addAttribute("ou", "people");
    server.add(unit);
    for (Entry person :
        DemoDirectory.entries(
            new DemoDirectory.Options(PEOPLE, 5, 100, Duration.ZERO, false), new ArrayList<>())) {
      server.add(person);
    }
    server.startListening();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.shutDown(true);
    }
  }

  private static LdapSettings settings(String listener, LdapSettings.Security security, Path ca) {
    return LdapSettings.builder("localhost", server.getListenPort(listener), DemoDirectory.BASE_DN)
        .bind(DemoDirectory.CRAWLER_DN, DemoDirectory.CRAWLER_PASSWORD.toCharArray())
        .security(security, ca)
        .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
        .build();
  }

  private static void assertCrawlsEveryone(LdapSettings settings) throws Exception {
    OrgChartSource source = OrgChartSource.of(settings);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    try (Crawl<Person> crawl =
        Crawler.over(source)
            .workers(4)
            .start(source.findRoot("ceo"), v -> seen.add(v.node().uid()))) {
      assertEquals(Outcome.COMPLETE, crawl.await().outcome());
    }
    assertEquals(PEOPLE, seen.size());
  }

  @Test
  void ldaps_withTheTrustedCa_crawlsEveryone() throws Exception {
    assertCrawlsEveryone(settings("ldaps", LdapSettings.Security.LDAPS, trustedCa));
  }

  @Test
  void startTls_withTheTrustedCa_crawlsEveryone() throws Exception {
    assertCrawlsEveryone(settings("starttls", LdapSettings.Security.STARTTLS, trustedCa));
  }

  @Test
  void ldaps_withAnUntrustedCertificate_fails() throws Exception {
    LDAPException e =
        assertThrows(
            LDAPException.class,
            () -> OrgChartSource.of(settings("ldaps", LdapSettings.Security.LDAPS, otherCa)));
    assertEquals(ResultCode.CONNECT_ERROR, e.getResultCode(), e.getMessage());
  }

  @Test
  void ldaps_withTheJvmTrustStore_rejectsASelfSignedCertificate() throws Exception {
    assertThrows(
        LDAPException.class,
        () -> OrgChartSource.of(settings("ldaps", LdapSettings.Security.LDAPS, null)));
  }

  @Test
  void hostNameMismatch_failsEvenWhenTheCertificateIsTrusted() throws Exception {
    LDAPException e =
        assertThrows(
            LDAPException.class,
            () -> OrgChartSource.of(settings("wrong-name", LdapSettings.Security.LDAPS, otherCa)));
    assertEquals(ResultCode.CONNECT_ERROR, e.getResultCode());
    assertTrue(
        e.getMessage().contains("localhost") && e.getMessage().contains("ldap.example.org"),
        e.getMessage());
  }

  /** A self-signed certificate and key for {@code host}, in a new PKCS#12 keystore. */
  private static Path certificate(Path keystore, String host) {
    ResultCode made =
        ManageCertificates.main(
            (InputStream) null,
            OutputStream.nullOutputStream(),
            OutputStream.nullOutputStream(),
            "generate-self-signed-certificate",
            "--keystore",
            keystore.toString(),
            "--keystore-password",
            new String(PIN),
            "--keystore-type",
            "PKCS12",
            "--alias",
            "server",
            "--subject-dn",
            "CN=" + host,
            "--subject-alternative-name-dns",
            host,
            "--days-valid",
            "2");
    assertEquals(ResultCode.SUCCESS, made);
    return keystore;
  }

  /** Writes the keystore's certificate as PEM, as a CA file a user would pass with --ca-file. */
  private static Path pem(Path keystore, Path out) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      store.load(in, PIN);
    }
    Certificate certificate = store.getCertificate("server");
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(certificate.getEncoded());
    return Files.writeString(
        out, "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
  }
}
