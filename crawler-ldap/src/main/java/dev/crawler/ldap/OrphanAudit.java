package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the people whose manager attribute names no person under the base DN: those a crawl from
 * the top never reaches. Reads every person once, in pieces that fit the size limit. Immutable and
 * thread-safe.
 */
final class OrphanAudit {
  private final LimitedSearch search;
  private final EntryReader reader;

  OrphanAudit(LimitedSearch search, EntryReader reader) {
    this.search = search;
    this.reader = reader;
  }

  /** One entry per missing manager value, in no particular order. */
  List<MissingManager> missingManagers(LDAPConnection connection) throws LDAPException {
    List<SearchResultEntry> entries = search.allMatching(connection, Filter.createPresenceFilter("objectClass"));
    Set<DN> people = new HashSet<>(entries.size() * 2);
    for (SearchResultEntry entry : entries) {
      people.add(entry.getParsedDN());
    }
    List<MissingManager> missing = new ArrayList<>();
    for (SearchResultEntry entry : entries) {
      for (String value : reader.managerValues(entry)) {
        if (!people.contains(EntryReader.parsedOrNull(value))) {
          missing.add(new MissingManager(reader.person(entry, null, false), value));
        }
      }
    }
    return missing;
  }
}
