package dev.crawler.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small directory that stores people as Active Directory does, on UnboundID's in-memory server
 * over a real socket: {@code user} objects of {@code objectCategory} person, named by {@code
 * sAMAccountName} and {@code userPrincipalName} (no {@code uid}), with {@code mail}, {@code
 * manager}, {@code directReports} and {@code userAccountControl}; a computer account (a {@code
 * user} too) with a manager, which is no person. Its root DSE says Active Directory, or not. For
 * tests of what a crawl does by default on AD; a Samba AD DC ({@link SambaAd}) is the real one.
 *
 * <p>The chart ({@link #MANAGER_OF}): ceo; cto with dev1, dev2 and old (disabled); gone (a disabled
 * manager) with ops1, ops2 and gone2 (disabled too) over ops3; amb, and other, whose mail is "amb".
 * Every entry carries {@code distinguishedName}, as AD's do. Not thread-safe to build; the server
 * is.
 */
public final class AdShapedDirectory implements AutoCloseable {
  public static final String BASE = "OU=People,DC=example,DC=com";
  public static final String ADMIN = "CN=Administrator,CN=Users,DC=example,DC=com";
  public static final String PASSWORD = "secret";

  /** userAccountControl of a normal account; | 0x2 when disabled. */
  private static final int NORMAL = 0x200;

  /**
   * Each person by sAMAccountName with their manager's ({@code null} for the top), managers first.
   */
  public static final Map<String, String> MANAGER_OF;

  public static final Set<String> DISABLED = Set.of("gone", "gone2", "old");

  static {
    Map<String, String> managerOf = new LinkedHashMap<>();
    managerOf.put("ceo", null);
    managerOf.put("cto", "ceo");
    managerOf.put("gone", "ceo");
    managerOf.put("dev1", "cto");
    managerOf.put("dev2", "cto");
    managerOf.put("old", "cto");
    managerOf.put("ops1", "gone");
    managerOf.put("ops2", "gone");
    managerOf.put("gone2", "gone");
    managerOf.put("ops3", "gone2");
    managerOf.put("amb", "ceo");
    managerOf.put("other", "ceo");
    MANAGER_OF = Collections.unmodifiableMap(managerOf);
  }

  private final InMemoryDirectoryServer server;

  public AdShapedDirectory(boolean announceActiveDirectory) throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("DC=example,DC=com");
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig(
            "default", InetAddress.getByName("127.0.0.1"), 0, null));
    config.setSchema(
        null); // AD's schema is not the standard one: user, objectCategory, sAMAccountName
    if (announceActiveDirectory) {
      config.setCustomRootDSEAttributes(
          List.of(new Attribute("supportedCapabilities", DirectoryDefaults.ACTIVE_DIRECTORY_OID)));
    }
    config.addAdditionalBindCredentials(ADMIN, PASSWORD);
    server = new InMemoryDirectoryServer(config);
    server.add("dn: DC=example,DC=com", "objectClass: top", "objectClass: domain", "dc: example");
    server.add("dn: " + BASE, "objectClass: top", "objectClass: organizationalUnit", "ou: People");
    Map<String, List<String>> reports = new HashMap<>();
    MANAGER_OF.forEach(
        (name, manager) -> {
          if (manager != null) {
            reports.computeIfAbsent(manager, k -> new ArrayList<>()).add(dn(name));
          }
        });
    reports.get("cto").add(dn("build01"));
    for (Map.Entry<String, String> person : MANAGER_OF.entrySet()) {
      String name = person.getKey();
      Entry entry = new Entry(dn(name));
      entry.addAttribute(
          "distinguishedName", dn(name)); // as AD's entries carry it: reports are asked for by it
      entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "user");
      entry.addAttribute("objectCategory", "person");
      entry.addAttribute("cn", name);
      entry.addAttribute("sAMAccountName", name);
      entry.addAttribute("userPrincipalName", name + "@example.com");
      entry.addAttribute("mail", name.equals("other") ? "amb" : name + ".mail@example.com");
      entry.addAttribute(
          "userAccountControl", Integer.toString(DISABLED.contains(name) ? NORMAL | 0x2 : NORMAL));
      if (person.getValue() != null) {
        entry.addAttribute("manager", dn(person.getValue()));
      }
      if (reports.containsKey(name)) {
        entry.addAttribute("directReports", reports.get(name).toArray(String[]::new));
      }
      server.add(entry);
    }
    // A computer is a user too, of another category: not a person, though it has a manager.
    server.add(
        "dn: " + dn("build01"),
        "objectClass: top",
        "objectClass: user",
        "objectClass: computer",
        "distinguishedName: " + dn("build01"),
        "objectCategory: computer",
        "cn: build01",
        "sAMAccountName: build01$",
        "manager: " + dn("cto"),
        "userAccountControl: 4096");
    server.startListening();
  }

  public static String dn(String name) {
    return "CN=" + name + "," + BASE;
  }

  public int port() {
    return server.getListenPort();
  }

  /** The server itself, for a test that changes what it holds. */
  public InMemoryDirectoryServer server() {
    return server;
  }

  /** As a caller who names no filter and no uid attribute: the directory's. */
  public LdapSettings settings() {
    return LdapSettings.builder("127.0.0.1", port(), BASE)
        .bind(ADMIN, PASSWORD.toCharArray())
        .schema(null, null, "manager")
        .build();
  }

  @Override
  public void close() {
    server.shutDown(true);
  }
}
