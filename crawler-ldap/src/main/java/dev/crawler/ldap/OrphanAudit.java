package dev.crawler.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds the people whose manager attribute names no person under the base DN: those a crawl from
 * the top never reaches. Immutable and thread-safe.
 *
 * <p>One read of everyone, in pieces that fit the size limit, holding keys rather than entries
 * (which took about 1 KB a person): the normalized DN of each person read, and for each manager
 * not read yet, the DNs of who names them. A person read later crosses their waiters off. Whoever
 * still waits at the end names nobody, and only they are read again, one lookup each, to be
 * reported. A manager value that is not a DN is reported as it is read.
 */
final class OrphanAudit {
  private final LimitedSearch search;
  private final EntryReader reader;

  OrphanAudit(LimitedSearch search, EntryReader reader) {
    this.search = search;
    this.reader = reader;
  }

  /** A person waiting for their manager to be read: their DN and the manager value as stored. */
  private record Waiting(String personDn, String managerValue) {}

  /** Hands each missing manager value to {@code each}, in no particular order. */
  void missingManagers(LDAPConnection connection, Consumer<MissingManager> each) throws LDAPException {
    Set<String> people = new HashSet<>();
    Map<String, List<Waiting>> waitingFor = new HashMap<>();
    search.eachMatching(connection, Filter.createPresenceFilter("objectClass"), entry -> {
      String self = DnNormalizer.normalize(entry.getDN());
      people.add(self);
      waitingFor.remove(self);
      for (String value : reader.managerValues(entry)) {
        String manager = EntryReader.normalizedOrNull(value);
        if (manager == null) {
          each.accept(new MissingManager(reader.person(connection, entry, self, null, false), value)); // not a DN: names nobody
        } else if (!people.contains(manager)) {
          waitingFor.computeIfAbsent(manager, k -> new ArrayList<>(1))
              .add(new Waiting(entry.getDN(), value));
        }
      }
    });
    for (List<Waiting> waiters : waitingFor.values()) {
      for (Waiting w : waiters) {
        SearchResultEntry entry = search.lookUp(connection, w.personDn());
        if (entry != null) { // else gone since: nobody to report
          each.accept(new MissingManager(reader.person(connection, entry, null, false), w.managerValue()));
        }
      }
    }
  }
}
