package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Settings as text for a crawl across processes: every setting crosses, the password never does.
 */
class LdapSettingsCodecTest {
  /**
   * Every setting away from its default, so that one the codec forgot would come back different.
   */
  private static LdapSettings everySetting() {
    return LdapSettings.builder("dc1.example.com", 3389, "ou=people,dc=example,dc=com")
        .bind("cn=crawler,dc=example,dc=com", "secret".toCharArray())
        .security(LdapSettings.Security.STARTTLS, Path.of("/etc/ssl/ca.pem"))
        .schema("(objectClass=person)", "sAMAccountName", "boss")
        .reportsAttribute("directReports")
        .extraAttributes(List.of("sn", "objectClass", "+"))
        .timeouts(Duration.ofSeconds(3), Duration.ofMillis(4500))
        .batchSize(17)
        .managersPerListing(5)
        .oneLevel(true)
        .failover(
            List.of(
                new LdapSettings.Server("dc2.example.com", 389),
                new LdapSettings.Server("::1", 636)))
        .reconnectFor(Duration.ofSeconds(90))
        .build();
  }

  /** What a process can see of settings, the password included. */
  private static final List<Function<LdapSettings, Object>> SEEN =
      List.of(
          LdapSettings::host,
          LdapSettings::port,
          LdapSettings::security,
          LdapSettings::caFile,
          LdapSettings::bindDn,
          s -> new String(s.password()),
          LdapSettings::baseDn,
          LdapSettings::personFilter,
          LdapSettings::uidAttribute,
          LdapSettings::managerAttribute,
          LdapSettings::reportsAttribute,
          LdapSettings::attributes,
          LdapSettings::extraAttributes,
          LdapSettings::connectTimeout,
          LdapSettings::responseTimeout,
          LdapSettings::batchSize,
          LdapSettings::managersPerListing,
          LdapSettings::oneLevel,
          LdapSettings::failover,
          LdapSettings::servers,
          LdapSettings::reconnectFor,
          LdapSettings::readsOperationalAttributes,
          LdapSettings::toString);

  @Test
  void everySetting_roundTrips_withTheJoinersOwnPassword() {
    LdapSettings original = everySetting();
    List<String> wire = LdapSettingsCodec.encode(original);
    List<String> asked = new ArrayList<>();
    LdapSettings read =
        LdapSettingsCodec.decode(
            wire,
            dn -> {
              asked.add(dn);
              return "secret".toCharArray();
            });
    assertEquals(List.of("cn=crawler,dc=example,dc=com"), asked);
    for (Function<LdapSettings, Object> seen : SEEN) {
      assertEquals(seen.apply(original), seen.apply(read));
    }
    assertEquals(wire, LdapSettingsCodec.encode(read));
  }

  @Test
  void thePassword_isNeverWritten() {
    for (String argument : LdapSettingsCodec.encode(everySetting())) {
      assertEquals(-1, argument.indexOf("secret"), argument);
    }
  }

  @Test
  void theDirectorysOwnChoices_stayTheDirectorys_andAnAnonymousCrawlAsksNoPassword() {
    LdapSettings original =
        LdapSettings.builder("h", 389, "o=x").schema(null, null, "manager").build();
    LdapSettings read =
        LdapSettingsCodec.decode(
            LdapSettingsCodec.encode(original),
            dn -> {
              throw new AssertionError("asked for a password");
            });
    assertNull(read.personFilter());
    assertNull(read.uidAttribute());
    assertNull(read.reportsAttribute());
    assertNull(read.bindDn());
    assertNull(read.password());
    for (Function<LdapSettings, Object> seen : SEEN.subList(6, SEEN.size())) {
      assertEquals(seen.apply(original), seen.apply(read));
    }
  }

  /**
   * The wire as crawl ldap wrote it before the codec: a joiner of an older starter's crawl still
   * reads it.
   */
  @Test
  void theWireOfEarlierVersions_isRead() {
    List<String> earlier =
        List.of(
            "host=dc1",
            "port=389",
            "security=NONE",
            "base=o=x",
            "filter=(objectClass=inetOrgPerson)",
            "uid-attribute=uid",
            "manager-attribute=manager",
            "attribute=cn",
            "attribute=title",
            "attribute=mail",
            "connect-timeout=PT10S",
            "timeout=PT30S",
            "batch=400",
            "per-listing=64",
            "one-level=false");
    LdapSettings read = LdapSettingsCodec.decode(earlier, dn -> null);
    assertEquals(LdapSettings.DEFAULT_RECONNECT_FOR, read.reconnectFor());
    assertEquals(List.of(new LdapSettings.Server("dc1", 389)), read.servers());
    assertEquals(LdapSettings.of("dc1", 389, "o=x").toString(), read.toString());
  }

  @Test
  void aSettingFromANewerVersion_isRefused_notIgnored() {
    List<String> newer =
        new ArrayList<>(LdapSettingsCodec.encode(LdapSettings.of("h", 389, "o=x")));
    newer.add("page-size=500");
    LdapSettingsCodec.UnknownSettingException e =
        assertThrows(
            LdapSettingsCodec.UnknownSettingException.class,
            () -> LdapSettingsCodec.decode(newer, dn -> null));
    assertEquals("page-size", e.key());
  }

  @Test
  void theSettingsKeepTheirOwnCopyOfThePassword_andHandOutCopies() {
    char[] given = "secret".toCharArray();
    LdapSettings.Builder builder = LdapSettings.builder("h", 389, "o=x").bind("cn=a", given);
    given[0] = 'X'; // the caller clears or reuses its array
    LdapSettings settings = builder.build();
    char[] out = settings.password();
    assertArrayEquals("secret".toCharArray(), out);
    out[0] = 'Y'; // a reader clears its copy
    assertArrayEquals("secret".toCharArray(), settings.password());
    assertArrayEquals("secret".toCharArray(), settings.toBuilder().build().password());
  }

  @Test
  void eachSetting_isGivenOnce_andCheckedWhenGiven() {
    LdapSettings.Builder builder = LdapSettings.builder("h", 389, "o=x").batchSize(5);
    assertEquals(
        "batchSize was already set",
        assertThrows(IllegalStateException.class, () -> builder.batchSize(6)).getMessage());
    assertEquals(
        "managersPerListing (0) must be at least 1",
        assertThrows(IllegalArgumentException.class, () -> builder.managersPerListing(0))
            .getMessage());
    assertEquals(
        "port (0) must be from 1 to 65535",
        assertThrows(IllegalArgumentException.class, () -> LdapSettings.builder("h", 0, "o=x"))
            .getMessage());
    assertEquals(5, builder.build().toBuilder().batchSize(7).build().batchSize() - 2);
  }
}
