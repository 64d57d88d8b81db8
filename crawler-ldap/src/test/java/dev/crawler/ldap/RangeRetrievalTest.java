package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.schema.Schema;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Range retrieval against AD's MaxValRange ({@link ActiveDirectoryLimits}) on the in-memory server:
 * every value read once, over as many reads as it takes, and an answer that does not continue where
 * the last ended is refused, never counted.
 */
class RangeRetrievalTest {
  private static final String BASE = "dc=example,dc=com";
  private static final String GROUP = "cn=big," + BASE;

  /**
   * A server holding one entry with {@code values} DNs in {@code directReports}, answers rewritten
   * by {@code bend}.
   */
  private static InMemoryDirectoryServer server(
      int values, UnaryOperator<Attribute> bend, AtomicLong reads) throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig(
            "default", InetAddress.getByName("127.0.0.1"), 0, null));
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
    config.addInMemoryOperationInterceptor(
        new InMemoryOperationInterceptor() {
          @Override
          public void processSearchEntry(InMemoryInterceptedSearchEntry result) {
            reads.incrementAndGet();
          }
        });
    config.addInMemoryOperationInterceptor(new ActiveDirectoryLimits("directReports", true));
    config.addInMemoryOperationInterceptor(
        new InMemoryOperationInterceptor() {
          @Override
          public void processSearchEntry(InMemoryInterceptedSearchEntry result) {
            Entry entry = result.getSearchEntry().duplicate();
            Attribute ranged = RangeRetrieval.ranged(entry, "directReports");
            if (ranged != null) {
              entry.removeAttribute(ranged.getName());
              entry.addAttribute(bend.apply(ranged));
              result.setSearchEntry(entry);
            }
          }
        });
    InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
    server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
    Entry group = new Entry(GROUP);
    group.addAttribute("objectClass", "top", "person", "linkedPerson");
    group.addAttribute("cn", "big");
    group.addAttribute("sn", "big");
    String[] dns = new String[values];
    for (int i = 0; i < values; i++) {
      dns[i] = "uid=p" + i + ",ou=people," + BASE;
    }
    if (values > 0) {
      group.addAttribute("directReports", dns);
    }
    server.add(group);
    server.startListening();
    return server;
  }

  private static RangeRetrieval retrieval() {
    LdapSettings settings = LdapSettings.of("127.0.0.1", 389, BASE);
    return new RangeRetrieval(
        new LimitedSearch(
            settings,
            Filter.createPresenceFilter("objectClass"),
            new String[] {"directReports"},
            new LdapCounters(),
            new QuerySizer(1)));
  }

  private static SearchResultEntry read(LDAPConnection connection) throws Exception {
    return connection.getEntry(GROUP, "directReports");
  }

  /**
   * 0 and 1,500 come whole; past that, one read more per 1,500 (4,000: 0-1499, 1500-2999, 3000-*).
   */
  @ParameterizedTest(name = "{0} values")
  @ValueSource(ints = {0, 1, 1_500, 1_501, 3_000, 4_000})
  void everyValueOnce_inAsManyReadsAsItTakes(int values) throws Exception {
    AtomicLong reads = new AtomicLong();
    InMemoryDirectoryServer server = server(values, UnaryOperator.identity(), reads);
    try (LDAPConnection connection = server.getConnection()) {
      SearchResultEntry first = read(connection);
      RangeRetrieval ranges = retrieval();
      List<String> all = ranges.values(connection, first, "directReports");
      assertEquals(values, all.size());
      assertEquals(values, new HashSet<>(all).size(), "no value twice");
      assertEquals(values, ranges.count(connection, first, "directReports"));
      int perRead = ActiveDirectoryLimits.MAX_VAL_RANGE;
      long expectedReads =
          1 + 2L * (values <= perRead ? 0 : (values - 1) / perRead); // values() and count()
      assertEquals(expectedReads, reads.get(), "entries read");
    } finally {
      server.shutDown(true);
    }
  }

  /**
   * A server whose next range overlaps the last (1400-* asked as 1500-*), or skips ahead: refused.
   */
  @ParameterizedTest(name = "low moved by {0}")
  @ValueSource(ints = {-100, 100})
  void aRangeThatDoesNotContinueWhereTheLastEnded_isTruncated(int shift) throws Exception {
    UnaryOperator<Attribute> shifted =
        a -> {
          String name = a.getName();
          int at = name.indexOf("range=") + "range=".length();
          int low = Integer.parseInt(name.substring(at, name.indexOf('-', at)));
          return low == 0
              ? a
              : new Attribute(
                  name.substring(0, at) + (low + shift) + name.substring(name.indexOf('-', at)),
                  a.getValues());
        };
    InMemoryDirectoryServer server = server(2_000, shifted, new AtomicLong());
    try (LDAPConnection connection = server.getConnection()) {
      SearchResultEntry first = read(connection);
      TruncatedAnswerException e =
          assertThrows(
              TruncatedAnswerException.class,
              () -> retrieval().count(connection, first, "directReports"));
      assertTrue(
          e.getMessage().contains(GROUP) && e.getMessage().contains("from 1500 on"),
          e.getMessage());
    } finally {
      server.shutDown(true);
    }
  }

  /** A middle range with fewer values than it claims: refused. */
  @Test
  void aRangeShortOfItsOwnBounds_isTruncated() throws Exception {
    UnaryOperator<Attribute> short1 =
        a ->
            a.getName().endsWith("-*")
                ? a
                : new Attribute(a.getName(), Arrays.copyOf(a.getValues(), a.size() - 1));
    InMemoryDirectoryServer server = server(4_000, short1, new AtomicLong());
    try (LDAPConnection connection = server.getConnection()) {
      SearchResultEntry first = read(connection);
      TruncatedAnswerException e =
          assertThrows(
              TruncatedAnswerException.class,
              () -> retrieval().count(connection, first, "directReports"));
      assertTrue(e.getMessage().contains("1499 values"), e.getMessage());
    } finally {
      server.shutDown(true);
    }
  }
}
