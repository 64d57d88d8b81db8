package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds the people whose manager attribute names no person under the base DN: those a crawl from
 * the top never reaches. Immutable and thread-safe.
 *
 * <p>Two reads of everyone, in pieces that fit the size limit: the first asks for no attribute and
 * keeps each person's normalized DN; the second reads the manager values and hands over each one
 * that names nobody, as it comes. So the audit holds the DNs and one piece, not the directory's
 * entries (which took about 1 KB a person). A person added between the reads may be reported
 * against a manager added with them.
 */
final class OrphanAudit {
  private static final String[] NO_ATTRIBUTES = {"1.1"};
  private final LimitedSearch search;
  private final EntryReader reader;

  OrphanAudit(LimitedSearch search, EntryReader reader) {
    this.search = search;
    this.reader = reader;
  }

  /** Hands each missing manager value to {@code each}, as found, in no particular order. */
  void missingManagers(LDAPConnection connection, Consumer<MissingManager> each) throws LDAPException {
    Filter everyone = Filter.createPresenceFilter("objectClass");
    Set<String> people = new HashSet<>();
    search.eachMatching(connection, everyone, NO_ATTRIBUTES,
        entry -> people.add(entry.getParsedDN().toNormalizedString()));
    search.eachMatching(connection, everyone, entry -> {
      for (String value : reader.managerValues(entry)) {
        DN manager = EntryReader.parsedOrNull(value);
        if (manager == null || !people.contains(manager.toNormalizedString())) {
          each.accept(new MissingManager(reader.person(entry, null, false), value));
        }
      }
    });
  }
}
