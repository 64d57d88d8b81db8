package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.ldap.sdk.schema.Schema;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AdLimitsProxy} on an in-memory directory that, like Samba, enforces no limit: the proxy
 * must answer as Active Directory does, or the tests that rely on it prove nothing.
 */
class AdLimitsProxyTest {
  private static final String BASE = "ou=people,dc=example,dc=com";
  private static final int PEOPLE = 2_500;
  private static final int BIG_TEAM = 3_200;
  private static InMemoryDirectoryServer server;
  private static AdLimitsProxy proxy;
  private static AdLimitsProxy hiding;
  private static final String[] team = new String[BIG_TEAM];

  @BeforeAll
  static void start() throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig(
            "default", InetAddress.getLoopbackAddress(), 0, null));
    config.setSchema(
        Schema.mergeSchemas(
            Schema.getDefaultStandardSchema(),
            new Schema(
                new Entry(
                    "dn: cn=schema",
                    "objectClass: subschema",
                    "attributeTypes: ( 1.2.840.113556.1.2.436 NAME 'directReports' SYNTAX"
                        + " 1.3.6.1.4.1.1466.115.121.1.12 )",
                    "objectClasses: ( 1.3.6.1.4.1.32473.1 NAME 'linkedPerson' AUXILIARY MAY"
                        + " directReports )"))));
    config.setCustomRootDSEAttributes(
        List.of(new Attribute("supportedCapabilities", DirectoryDefaults.ACTIVE_DIRECTORY_OID)));
    config.addInMemoryOperationInterceptor(new IgnoresSizeLimits());
    server = new InMemoryDirectoryServer(config);
    server.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
    server.add("dn: " + BASE, "objectClass: organizationalUnit", "ou: people");
    for (int i = 0; i < BIG_TEAM; i++) {
      team[i] = "uid=r" + i + "," + BASE;
    }
    List<Entry> entries = new ArrayList<>();
    entries.add(person("boss", team));
    entries.add(person("small", Arrays.copyOf(team, 10)));
    for (int i = 0; i < PEOPLE - 2; i++) {
      entries.add(person("p" + i));
    }
    for (Entry e : entries) {
      server.add(e);
    }
    server.startListening();
    proxy =
        AdLimitsProxy.start(
            "127.0.0.1", server.getListenPort(), AdLimitsProxy.Limits.ACTIVE_DIRECTORY);
    hiding =
        AdLimitsProxy.start(
            "127.0.0.1",
            server.getListenPort(),
            AdLimitsProxy.Limits.ACTIVE_DIRECTORY.hidingActiveDirectory(true));
  }

  /**
   * Samba's way with a search's size limit: it sends everyone, whatever limit the client (or the
   * proxy) asked for, so the proxy must cut the answer itself.
   */
  private static final class IgnoresSizeLimits extends InMemoryOperationInterceptor {
    @Override
    public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
      SearchRequest unlimited = request.getRequest().duplicate();
      unlimited.setSizeLimit(0);
      request.setRequest(unlimited);
    }
  }

  private static Entry person(String uid, String... reports) {
    Entry e = new Entry("uid=" + uid + "," + BASE);
    e.addAttribute(
        "objectClass", "top", "person", "organizationalPerson", "inetOrgPerson", "linkedPerson");
    e.addAttribute("uid", uid);
    e.addAttribute("cn", uid);
    e.addAttribute("sn", uid);
    if (reports.length > 0) {
      e.addAttribute("directReports", reports);
    }
    return e;
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
      hiding.close();
    }
    if (server != null) {
      server.shutDown(true);
    }
  }

  private static LDAPConnection connect(AdLimitsProxy p) throws Exception {
    return new LDAPConnection("127.0.0.1", p.port());
  }

  private static SearchResultEntry read(LDAPConnection c, String uid, String... attributes)
      throws Exception {
    return c.getEntry("uid=" + uid + "," + BASE, attributes);
  }

  @Test
  void longAttribute_comesAsTheFirstRange() throws Exception {
    try (LDAPConnection c = connect(proxy)) {
      SearchResultEntry boss = read(c, "boss", "directReports");
      assertNull(
          boss.getAttribute("directReports"), "more than MaxValRange values never come whole");
      assertArrayEquals(
          Arrays.copyOfRange(team, 0, 1_500),
          boss.getAttributeValues("directReports;range=0-1499"));
    }
  }

  @Test
  void rangesAskedFor_coverEveryValueOnce() throws Exception {
    try (LDAPConnection c = connect(proxy)) {
      assertArrayEquals(
          Arrays.copyOfRange(team, 1_500, 3_000),
          read(c, "boss", "directReports;range=1500-*")
              .getAttributeValues("directReports;range=1500-2999"));
      assertArrayEquals(
          Arrays.copyOfRange(team, 3_000, BIG_TEAM),
          read(c, "boss", "directReports;range=3000-*")
              .getAttributeValues("directReports;range=3000-*"));
      assertArrayEquals(
          Arrays.copyOfRange(team, 10, 20),
          read(c, "boss", "directReports;range=10-19")
              .getAttributeValues("directReports;range=10-19"));
      assertTrue(proxy.rangeRequests() >= 3);
    }
  }

  @Test
  void shortAttribute_comesWhole() throws Exception {
    try (LDAPConnection c = connect(proxy)) {
      assertArrayEquals(
          Arrays.copyOf(team, 10),
          read(c, "small", "directReports").getAttributeValues("directReports"));
      assertArrayEquals(
          Arrays.copyOf(team, 10),
          read(c, "small", "directReports;range=0-*")
              .getAttributeValues("directReports;range=0-*"));
    }
  }

  @Test
  void searchWithoutPaging_stopsAtMaxPageSize() throws Exception {
    try (LDAPConnection c = connect(proxy)) {
      LDAPSearchException e =
          assertThrows(
              LDAPSearchException.class,
              () -> c.search(BASE, SearchScope.ONE, "(objectClass=person)", "uid"));
      assertEquals(ResultCode.SIZE_LIMIT_EXCEEDED, e.getResultCode());
      assertEquals(1_000, e.getEntryCount());
    }
  }

  @Test
  void searchWithASmallerLimit_stopsThere() throws Exception {
    try (LDAPConnection c = connect(proxy)) {
      SearchRequest request =
          new SearchRequest(BASE, SearchScope.ONE, "(objectClass=person)", "uid");
      request.setSizeLimit(10);
      LDAPSearchException e = assertThrows(LDAPSearchException.class, () -> c.search(request));
      assertEquals(ResultCode.SIZE_LIMIT_EXCEEDED, e.getResultCode());
      assertEquals(10, e.getEntryCount());
    }
  }

  @Test
  void pagedSearch_getsPagesOfMaxPageSize_andEveryone() throws Exception {
    try (LDAPConnection c = connect(proxy)) {
      SearchRequest request =
          new SearchRequest(BASE, SearchScope.ONE, "(objectClass=person)", "uid");
      int total = 0;
      List<Integer> pages = new ArrayList<>();
      ASN1OctetString cookie = null;
      do {
        request.setControls(new SimplePagedResultsControl(5_000, cookie));
        SearchResult page = c.search(request);
        pages.add(page.getEntryCount());
        total += page.getEntryCount();
        SimplePagedResultsControl response = SimplePagedResultsControl.get(page);
        assertNotNull(response);
        cookie = response.getCookie();
      } while (cookie != null && cookie.getValueLength() > 0);
      assertEquals(PEOPLE, total);
      assertEquals(List.of(1_000, 1_000, 500), pages);
    }
  }

  @Test
  void rootDse_saysActiveDirectory_unlessHidden() throws Exception {
    try (LDAPConnection c = connect(proxy);
        LDAPConnection h = connect(hiding)) {
      assertTrue(
          Arrays.asList(c.getRootDSE().getAttributeValues("supportedCapabilities"))
              .contains(DirectoryDefaults.ACTIVE_DIRECTORY_OID));
      String[] hidden = h.getRootDSE().getAttributeValues("supportedCapabilities");
      assertFalse(
          hidden != null && Arrays.asList(hidden).contains(DirectoryDefaults.ACTIVE_DIRECTORY_OID));
    }
  }

  @Test
  void binds_arePassedOn() throws Exception {
    try (LDAPConnection c = connect(proxy)) {
      LDAPSearchException e =
          assertThrows(
              LDAPSearchException.class,
              () -> c.search("dc=nowhere", SearchScope.BASE, "(objectClass=*)"));
      assertEquals(ResultCode.NO_SUCH_OBJECT, e.getResultCode());
      assertEquals(
          ResultCode.INVALID_CREDENTIALS,
          assertThrows(LDAPException.class, () -> c.bind("uid=p1," + BASE, "wrong"))
              .getResultCode());
    }
  }
}
