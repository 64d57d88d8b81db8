package dev.crawler.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.RootDSE;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a crawl uses where the settings leave it to the directory: the person filter, the attribute
 * people are named by, the back-link to reports, and whether accounts can be disabled. Active
 * Directory (its root DSE lists {@value #ACTIVE_DIRECTORY_OID} in {@code supportedCapabilities})
 * gets AD's: {@value #AD_PERSON_FILTER}, {@code sAMAccountName} (a root looked up by {@code
 * sAMAccountName}, {@code userPrincipalName} or {@code mail}), {@code directReports} and {@code
 * userAccountControl}; any other directory gets {@code inetOrgPerson}, {@code uid} and no
 * back-link. What the settings name always wins. The root DSE is read once, and only when something
 * is left to it. Decided once, before a source is built, so a source never changes afterwards.
 * Immutable and thread-safe.
 *
 * @param settings the given settings with the person filter, the uid attribute and (when one is
 *     used) the back-link filled in
 * @param backLink the back-link attribute in use, or {@code null}
 * @param rootAttributes what a root given by name (not a DN) is looked up by, in order
 * @param activeDirectory whether the root DSE says Active Directory (false when it was not read:
 *     the settings named everything)
 */
record DirectoryDefaults(
    LdapSettings settings, String backLink, List<String> rootAttributes, boolean activeDirectory) {
  private static final Logger log = LoggerFactory.getLogger(DirectoryDefaults.class);

  /** Active Directory's capability in {@code supportedCapabilities} of the root DSE. */
  static final String ACTIVE_DIRECTORY_OID = "1.2.840.113556.1.4.800";

  /** AD's people: users that are persons (computer accounts are users too, of another category). */
  static final String AD_PERSON_FILTER = "(&(objectCategory=person)(objectClass=user))";

  static final String AD_UID_ATTRIBUTE = "sAMAccountName";

  /** What AD users give as their name: the logon name, then the UPN, then the address. */
  static final List<String> AD_ROOT_ATTRIBUTES =
      List.of(AD_UID_ATTRIBUTE, "userPrincipalName", "mail");

  /** The flags of an AD account; bit {@value #ACCOUNT_DISABLE} set when it is disabled. */
  static final String ACCOUNT_CONTROL = "userAccountControl";

  static final int ACCOUNT_DISABLE = 0x2;
  static final String OTHER_PERSON_FILTER = "(objectClass=inetOrgPerson)";
  static final String OTHER_UID_ATTRIBUTE = "uid";

  DirectoryDefaults {
    rootAttributes = List.copyOf(rootAttributes);
  }

  /**
   * Decides, reading the root DSE over a connection of its own when the settings leave anything to
   * the directory.
   *
   * @throws LDAPException if the root DSE must be read and the server cannot be reached or refuses
   *     the bind
   */
  static DirectoryDefaults decide(LdapSettings given, Connector connector, LdapCounters counters)
      throws LDAPException {
    boolean ask =
        given.reportsAttribute() == null
            || given.personFilter() == null
            || given.uidAttribute() == null;
    boolean ad = false;
    if (ask) {
      LDAPConnection connection = connector.open();
      try {
        ad = isActiveDirectory(connection, counters);
      } finally {
        connection.close();
      }
      log.debug("the root DSE says {}", ad ? "Active Directory" : "not Active Directory");
    }
    String filter =
        chosen(given.personFilter(), ad ? AD_PERSON_FILTER : OTHER_PERSON_FILTER, "person filter");
    String uid =
        chosen(given.uidAttribute(), ad ? AD_UID_ATTRIBUTE : OTHER_UID_ATTRIBUTE, "uid attribute");
    String link =
        chosen(given.reportsAttribute(), ad ? "directReports" : null, "back-link to reports");
    List<String> rootAttributes =
        given.uidAttribute() == null && ad ? AD_ROOT_ATTRIBUTES : List.of(uid);
    log.debug("a root given by name is looked up by {}", String.join(", ", rootAttributes));
    LdapSettings settings = given.toBuilder().schema(filter, uid, given.managerAttribute()).build();
    if (link != null) {
      settings = settings.toBuilder().reportsAttribute(link).build();
    }
    return new DirectoryDefaults(settings, link, rootAttributes, ad);
  }

  private static String chosen(String given, String directorys, String what) {
    if (given != null) {
      log.debug("{}: {} (as given)", what, given);
      return given;
    }
    log.debug("{}: {} (the directory's default)", what, directorys == null ? "none" : directorys);
    return directorys;
  }

  private static boolean isActiveDirectory(LDAPConnection connection, LdapCounters counters)
      throws LDAPException {
    counters.operations.increment();
    RootDSE dse;
    try {
      dse = connection.getRootDSE();
    } catch (LDAPSearchException e) {
      if (LdapFailures.breaksConnection(e)) {
        throw e;
      }
      log.debug(
          "the root DSE cannot be read ({}): taken as not Active Directory", e.getResultCode());
      return false;
    }
    String[] capabilities = dse == null ? null : dse.getAttributeValues("supportedCapabilities");
    return capabilities != null && Arrays.asList(capabilities).contains(ACTIVE_DIRECTORY_OID);
  }
}
