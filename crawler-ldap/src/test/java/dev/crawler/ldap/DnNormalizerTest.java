package dev.crawler.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DnNormalizer} against the SDK's own normalization, the reference it must equal. */
class DnNormalizerTest {
  /** Characters of plain DNs, and the ones near them that are not plain. */
  private static final String PIECES = "aZq09.-_@ =,=,=,+\\\"#;<>é\t";

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomDns_normalizeAsTheSdkDoes(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int plain = 0;
    for (int i = 0; i < 20_000; i++) {
      String dn = randomDn(random);
      assertEquals(sdk(dn), ours(dn), () -> "for [" + dn + "]");
      if (DnNormalizer.plainLowerCase(dn) != null) {
        plain++;
      }
    }
    assertTrue(plain > 2_000, "only " + plain + " of the DNs took the fast path");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "uid=p000123,ou=people,dc=example,dc=com",
        "cn=John Smith,ou=People,o=Example Corp",
        "uid=Jane.Doe@example.com,ou=Staff-2,dc=example,dc=org",
        "uid=a_b,dc=x"
      })
  void commonDns_takeTheFastPath(String dn) throws LDAPException {
    assertNotNull(DnNormalizer.plainLowerCase(dn));
    assertEquals(new DN(dn).toNormalizedString(), DnNormalizer.normalize(dn));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cn=John  Smith,dc=x",
        "cn = x,dc=y",
        "cn=x ,dc=y",
        "cn=a+sn=b,dc=x",
        "cn=\\41,dc=x",
        "cn=\"x\",dc=y",
        "cn=#04,dc=x",
        "cn=x;dc=y",
        "cn=é,dc=x",
        "1cn=x",
        "=x",
        "cn=",
        "cn=x,",
        ""
      })
  void otherDns_areLeftToTheSdk(String dn) {
    assertNull(DnNormalizer.plainLowerCase(dn));
    assertEquals(sdk(dn), ours(dn));
  }

  /** RDNs of short names and values drawn from {@link #PIECES}, mostly well formed. */
  private static String randomDn(SplittableRandom random) {
    StringBuilder dn = new StringBuilder();
    int rdns = 1 + random.nextInt(4);
    for (int r = 0; r < rdns; r++) {
      if (r > 0) {
        dn.append(',');
      }
      dn.append(random.nextInt(4) == 0 ? randomText(random, 3) : "uid");
      dn.append('=');
      dn.append(randomText(random, 1 + random.nextInt(8)));
    }
    return dn.toString();
  }

  private static String randomText(SplittableRandom random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(
          random.nextInt(3) == 0
              ? PIECES.charAt(random.nextInt(PIECES.length()))
              : (char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static String sdk(String dn) {
    try {
      return new DN(dn).toNormalizedString();
    } catch (LDAPException e) {
      return "not a DN";
    }
  }

  private static String ours(String dn) {
    try {
      return DnNormalizer.normalize(dn);
    } catch (LDAPException e) {
      return "not a DN";
    }
  }
}
