package dev.crawler.ldap;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchResultListener;
import com.unboundid.ldap.sdk.SearchResultReference;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Searches for people under the base DN, past any size limit, counting what each costs.
 * Thread-safe: every worker searches through the same instance, each on its own connection.
 *
 * <p>A search that hits "size limit exceeded" is never trusted partially. {@link #allMatching} then
 * pages (the Simple Paged Results control) unless the server has refused paging once, and otherwise
 * splits the filter by the first letters of the uid, {@code (uid=a*)}, {@code (uid=b*)}, ... plus
 * one search for every other uid, recursively, until each piece fits (OpenLDAP refuses paging to
 * limited users by default). Filters are built with the SDK's filter API, so any uid is safe.
 */
final class LimitedSearch {
  private static final Logger log = LoggerFactory.getLogger(LimitedSearch.class);

  /** First characters the uid split tries; uid matching ignores case, so "a" covers "A". */
  private static final String SPLIT_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789._-";

  private final String baseDn;
  private final DN base;

  /** SUB, or ONE for people right under the base (ldapsearch's -s). */
  private final SearchScope scope;

  private final Filter personFilter;
  private final String uidAttribute;

  /** The attributes read of each person; never changed. */
  private final String[] attributes;

  private final LdapCounters counters;
  private final QuerySizer sizer;

  /** Set once the server refuses paging; from then on only splitting is used. */
  private final AtomicBoolean pagingRefused = new AtomicBoolean();

  LimitedSearch(
      LdapSettings settings,
      Filter personFilter,
      String[] attributes,
      LdapCounters counters,
      QuerySizer sizer) {
    this.baseDn = settings.baseDn();
    try {
      this.base = new DN(baseDn);
    } catch (LDAPException e) {
      throw new IllegalArgumentException("bad base DN '" + baseDn + "'", e);
    }
    this.scope = settings.oneLevel() ? SearchScope.ONE : SearchScope.SUB;
    this.personFilter = personFilter;
    this.uidAttribute = settings.uidAttribute();
    this.attributes = attributes.clone();
    this.counters = counters;
    this.sizer = sizer;
  }

  /** The people matching {@code filter}, in one search: throws at the size limit. */
  List<SearchResultEntry> once(LDAPConnection connection, Filter filter) throws LDAPException {
    return search(connection, request(filter));
  }

  /** A search of people as the caller builds it (a base-scope lookup of the root), counted. */
  List<SearchResultEntry> search(LDAPConnection connection, SearchRequest request)
      throws LDAPException {
    stopIfInterrupted();
    counters.operations.increment();
    try {
      List<SearchResultEntry> entries = connection.search(request).getSearchEntries();
      counters.entriesRead.add(entries.size());
      return entries;
    } catch (LDAPSearchException e) {
      counters.entriesRead.add(
          e.getEntryCount()); // sent and decoded, then thrown away at the size limit
      throw e;
    }
  }

  /**
   * Throws if the calling thread was interrupted: the crawl was stopped (its reader went away, the
   * deadline passed), and a listing that takes many searches (split by uid, paged) ends at its next
   * one instead of reading the rest for nothing. The SDK's synchronous searches do not look at the
   * interrupt themselves. The interrupt is kept for the engine to see.
   */
  private static void stopIfInterrupted() throws LDAPException {
    if (Thread.currentThread().isInterrupted()) {
      throw new LDAPException(ResultCode.USER_CANCELED, "the crawl was stopped");
    }
  }

  /** Notes a search that hit the limit, with what it returned before failing. */
  void limitHit(LDAPSearchException e) {
    counters.splits.increment();
    sizer.limitHit(e.getEntryCount());
  }

  /** Notes a search the server ended at its time limit, to be sent again in pieces. */
  void timeLimitHit() {
    counters.splits.increment();
  }

  /** Every person matching {@code filter}, however many, as a list: see {@link #eachMatching}. */
  List<SearchResultEntry> allMatching(LDAPConnection connection, Filter filter)
      throws LDAPException {
    List<SearchResultEntry> all = new ArrayList<>();
    eachMatching(connection, filter, attributes, all::add);
    return all;
  }

  /**
   * As {@link #eachMatching(LDAPConnection, Filter, String[], EntrySink)}, reading the usual
   * attributes.
   */
  void eachMatching(LDAPConnection connection, Filter filter, EntrySink each) throws LDAPException {
    eachMatching(connection, filter, attributes, each);
  }

  /** Takes the entries of a search, one at a time. */
  interface EntrySink {
    void accept(SearchResultEntry entry) throws LDAPException;
  }

  /**
   * Every person matching {@code filter}, however many: one search, else paging or splitting by
   * uid. Entries go to {@code each} a search (or page) at a time, so what is held is one piece,
   * never more than the size limit, and the normalized DNs handed over: someone met in two pieces
   * (two uids, or a page read again after the server stopped paging) is handed over once.
   *
   * @param read the attributes to read of each ({@code "1.1"} for none)
   */
  void eachMatching(LDAPConnection connection, Filter filter, String[] read, EntrySink each)
      throws LDAPException {
    Set<String> seen = new HashSet<>();
    EntrySink once =
        entry -> {
          if (seen.add(DnNormalizer.normalize(entry.getDN()))) {
            each.accept(entry);
          }
        };
    List<SearchResultEntry> first;
    try {
      first = search(connection, request(filter, read));
    } catch (LDAPSearchException e) {
      if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
        throw e;
      }
      limitHit(e);
      pagedOrSplit(connection, filter, read, e.getSearchEntries(), once);
      return;
    }
    for (SearchResultEntry entry : first) {
      once.accept(entry);
    }
  }

  SearchRequest request(Filter filter) {
    return request(filter, attributes);
  }

  /**
   * How many people the base DN holds, if the server says so cheaply: one search for their DNs
   * alone, or, past the size limit, pages of DNs. Empty when the limit stops the search and the
   * server refuses paging: a count would then cost a search per uid prefix. Entries are counted as
   * they come, never held. Not counted in {@link LdapCounters}: it is no part of the crawl.
   */
  OptionalLong countPeople(LDAPConnection connection) throws LDAPException {
    CountingListener counter = new CountingListener();
    try {
      connection.search(everyonesDn(counter));
      return OptionalLong.of(counter.entries);
    } catch (LDAPSearchException e) {
      if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
        throw e;
      }
      if (pagingRefused.get()) {
        return OptionalLong.empty();
      }
      counter.entries = 0;
      try {
        pages(connection, () -> everyonesDn(counter), Math.max(1, e.getEntryCount()), page -> {});
      } catch (LDAPSearchException refused) {
        if (!LdapFailures.refusesPaging(refused)) {
          throw refused;
        }
        pagingRefused.set(true);
        return OptionalLong.empty();
      }
      return OptionalLong.of(counter.entries);
    }
  }

  /**
   * A search for every person's DN alone (no attributes), each handed to {@code counter}, none
   * kept.
   */
  private SearchRequest everyonesDn(CountingListener counter) {
    return new SearchRequest(
        counter,
        baseDn,
        scope,
        Filter.createANDFilter(personFilter, Filter.createPresenceFilter("objectClass")),
        "1.1");
  }

  /**
   * Learns the size limit before the first query is cut, with one search of DNs alone that asks for
   * at most {@value #PROBE_LIMIT}: "size limit exceeded" after n entries means the limit is n (or,
   * at {@value #PROBE_LIMIT}, that it is at least that, which sizes queries as well). Without it,
   * the first queries were cut knowing no limit, and each one over it threw its entries away: 5,000
   * of the 25,000 read at 20,000 people. A search that ends within the limit teaches nothing: the
   * whole directory fits. Any other failure is left to the queries to meet.
   */
  void learnLimit(LDAPConnection connection) throws LDAPException {
    SearchRequest probe = everyonesDn(new CountingListener());
    probe.setSizeLimit(PROBE_LIMIT);
    counters.operations.increment();
    try {
      counters.entriesRead.add(connection.search(probe).getEntryCount());
    } catch (LDAPSearchException e) {
      counters.entriesRead.add(e.getEntryCount());
      if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
        sizer.limitHit(e.getEntryCount());
      } else if (LdapFailures.breaksConnection(e)) {
        throw e;
      } else {
        log.debug(
            "learning the size limit failed ({}); the first query over it will teach it",
            e.getResultCode());
      }
    }
  }

  /** The most DNs {@link #learnLimit} asks for. */
  static final int PROBE_LIMIT = 10_000;

  /** Counts the entries of a search without keeping them. Confined to the searching thread. */
  private static final class CountingListener implements SearchResultListener {
    private static final long serialVersionUID = 1L;
    long entries;

    @Override
    public void searchEntryReturned(SearchResultEntry entry) {
      entries++;
    }

    @Override
    public void searchReferenceReturned(SearchResultReference reference) {}
  }

  private SearchRequest request(Filter filter, String[] read) {
    return new SearchRequest(baseDn, scope, Filter.createANDFilter(personFilter, filter), read);
  }

  /** A search for {@code dn} itself, if it is a person. */
  SearchRequest lookup(String dn) {
    return new SearchRequest(dn, SearchScope.BASE, personFilter, attributes);
  }

  /**
   * The person {@code dn} names, with the usual attributes; {@code null} if no such person.
   * Counted.
   */
  SearchResultEntry lookUp(LDAPConnection connection, String dn) throws LDAPException {
    return firstOrNull(connection, lookup(dn));
  }

  /**
   * The entry {@code dn} names, whatever it is, with {@code attributes} alone; {@code null} if it
   * does not exist (any more). Counted.
   */
  SearchResultEntry read(LDAPConnection connection, String dn, String... attributes)
      throws LDAPException {
    return firstOrNull(
        connection,
        new SearchRequest(
            dn, SearchScope.BASE, Filter.createPresenceFilter("objectClass"), attributes));
  }

  private SearchResultEntry firstOrNull(LDAPConnection connection, SearchRequest request)
      throws LDAPException {
    try {
      List<SearchResultEntry> found = search(connection, request);
      return found.isEmpty() ? null : found.get(0);
    } catch (LDAPSearchException e) {
      if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
        return null;
      }
      throw e;
    }
  }

  /** Whether an entry named {@code dn} is where this crawl searches for people (base and scope). */
  boolean inScope(String dn) {
    try {
      DN entry = new DN(dn);
      return scope == SearchScope.ONE
          ? base.equals(entry.getParent())
          : entry.isDescendantOf(base, true);
    } catch (LDAPException e) {
      return false; // not a DN: names nothing
    }
  }

  /**
   * @param sample the entries the search that hit the limit returned: how the split guesses which
   *     uid prefixes hold people
   */
  private void pagedOrSplit(
      LDAPConnection connection,
      Filter filter,
      String[] read,
      List<SearchResultEntry> sample,
      EntrySink each)
      throws LDAPException {
    if (!pagingRefused.get()) {
      try {
        paged(connection, filter, read, Math.max(1, sample.size()), each);
        return;
      } catch (LDAPSearchException e) {
        if (!LdapFailures.refusesPaging(e)) {
          throw e;
        }
        log.debug(
            "the server refuses paging ({}); splitting queries by uid instead", e.getResultCode());
        pagingRefused.set(true);
      }
    }
    splitByUid(connection, filter, read, sample, each);
  }

  private void paged(
      LDAPConnection connection, Filter filter, String[] read, int pageSize, EntrySink each)
      throws LDAPException {
    pages(
        connection,
        () -> {
          counters.operations.increment();
          return request(filter, read);
        },
        pageSize,
        page -> {
          counters.entriesRead.add(page.getEntryCount());
          for (SearchResultEntry entry : page.getSearchEntries()) {
            each.accept(entry);
          }
        });
  }

  /** Takes a search's result a page at a time. */
  private interface PageSink {
    void accept(SearchResult page) throws LDAPException;
  }

  /** Sends a search page by page (Simple Paged Results) until the server's cookie runs out. */
  private static void pages(
      LDAPConnection connection, Supplier<SearchRequest> request, int pageSize, PageSink eachPage)
      throws LDAPException {
    ASN1OctetString cookie = null;
    do {
      stopIfInterrupted();
      SearchRequest page = request.get();
      page.setControls(new SimplePagedResultsControl(pageSize, cookie, true));
      SearchResult result = connection.search(page);
      eachPage.accept(result);
      SimplePagedResultsControl response = SimplePagedResultsControl.get(result);
      if (response == null && cookie != null) {
        // A later page without the control: the cookie is lost (another server behind a proxy,
        // a restart), and with it the rest of the answer. Follow-up: the caller splits instead.
        throw new LDAPSearchException(
            ResultCode.UNAVAILABLE_CRITICAL_EXTENSION,
            "a page of a paged search came back without the paged-results control: the rest is"
                + " lost");
      }
      // The first page without it: the server did not page, and success means it sent everything.
      cookie = response == null ? null : response.getCookie();
    } while (cookie != null && cookie.getValueLength() > 0);
  }

  /**
   * Splits a search by uid prefix until every piece fits: for a prefix p, one search per {@code
   * (uid=p<c>*)} and one for every uid under p that starts otherwise (or, at the top, has no uid).
   * A piece still too large is split again.
   *
   * <p>A search that hit the limit returned some of its entries first; the characters their uids
   * have after p are searched one by one, and every other uid under p in one search. Uids are often
   * alike (p1 to p2000): of the 39 searches a prefix took, all but about ten found nobody (with
   * sequential uids, a mega manager of 2,181 reports took 139 searches; now 42). When the search of
   * the rest is too large after all (the entries returned first were not like the rest), what it
   * returned is the next guess, among the characters not searched yet; one that shows none searches
   * every one left. Either way each uid under p is in exactly one piece, and the rest is whole at
   * the latest when every character has been searched one by one.
   */
  private void splitByUid(
      LDAPConnection connection,
      Filter filter,
      String[] read,
      List<SearchResultEntry> sample,
      EntrySink each)
      throws LDAPException {
    Deque<UidPiece> pieces = new ArrayDeque<>();
    pieces.push(UidPiece.guessed("", nextCharacters("", sample)));
    while (!pieces.isEmpty()) {
      UidPiece piece = pieces.pop();
      List<Filter> searched = new ArrayList<>();
      for (char c : piece.before.toCharArray()) {
        searched.add(startsWith(piece.prefix + c));
      }
      for (char c : piece.characters.toCharArray()) {
        String next = piece.prefix + c;
        Filter start = startsWith(next);
        searched.add(start);
        List<SearchResultEntry> found;
        try {
          found = search(connection, request(Filter.createANDFilter(filter, start), read));
        } catch (LDAPSearchException e) {
          if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
            throw e;
          }
          counters.splits.increment();
          pieces.push(UidPiece.guessed(next, nextCharacters(next, e.getSearchEntries())));
          continue;
        }
        for (SearchResultEntry entry : found) {
          each.accept(entry);
        }
      }
      List<Filter> rest = new ArrayList<>(List.of(filter));
      if (!piece.prefix.isEmpty()) {
        rest.add(startsWith(piece.prefix));
      }
      if (!searched.isEmpty()) {
        rest.add(Filter.createNOTFilter(Filter.createORFilter(searched)));
      }
      List<SearchResultEntry> found;
      try {
        found = search(connection, request(Filter.createANDFilter(rest), read));
      } catch (LDAPSearchException e) {
        if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED || piece.whole()) {
          throw e; // too large even split by every character: reported as the listing's error
        }
        counters.splits.increment();
        pieces.push(piece.rest(nextCharacters(piece.prefix, e.getSearchEntries())));
        continue;
      }
      for (SearchResultEntry entry : found) {
        each.accept(entry);
      }
    }
  }

  private Filter startsWith(String prefix) {
    return Filter.createSubstringFilter(uidAttribute, prefix, null, null);
  }

  /**
   * The characters of {@link #SPLIT_ALPHABET} that the uids among {@code sample} starting with
   * {@code prefix} have next, in the alphabet's order; all of them when the sample shows none.
   */
  private String nextCharacters(String prefix, List<SearchResultEntry> sample) {
    boolean[] seen = new boolean[SPLIT_ALPHABET.length()];
    boolean any = false;
    for (SearchResultEntry entry : sample) {
      String uid = entry.getAttributeValue(uidAttribute);
      if (uid == null || uid.length() <= prefix.length()) {
        continue;
      }
      String lower = uid.toLowerCase(Locale.ROOT);
      if (!lower.startsWith(prefix)) {
        continue;
      }
      int at = SPLIT_ALPHABET.indexOf(lower.charAt(prefix.length()));
      if (at >= 0) {
        seen[at] = true;
        any = true;
      }
    }
    if (!any) {
      return SPLIT_ALPHABET;
    }
    StringBuilder characters = new StringBuilder();
    for (int i = 0; i < seen.length; i++) {
      if (seen[i]) {
        characters.append(SPLIT_ALPHABET.charAt(i));
      }
    }
    return characters.toString();
  }

  /**
   * A uid prefix still to be split: the characters after it to search one by one now, and those
   * searched so at this prefix before (left out of the search of the rest, as the new ones are).
   */
  private record UidPiece(String prefix, String characters, String before) {
    static UidPiece guessed(String prefix, String characters) {
      return new UidPiece(prefix, characters, "");
    }

    /**
     * This prefix again, after the search of its rest was too large: the characters {@code seen}
     * next in what that search returned, those not searched yet, or, when it showed none, every
     * character not searched yet. Each such search adds a character at least, so the rest is whole
     * at the latest when every character has been searched one by one.
     */
    UidPiece rest(String seen) {
      String searched = before + characters;
      String next = unsearched(seen, searched);
      return new UidPiece(
          prefix, next.isEmpty() ? unsearched(SPLIT_ALPHABET, searched) : next, searched);
    }

    /** The characters of {@code candidates} not in {@code searched}, in their order. */
    private static String unsearched(String candidates, String searched) {
      StringBuilder left = new StringBuilder();
      for (char c : candidates.toCharArray()) {
        if (searched.indexOf(c) < 0) {
          left.append(c);
        }
      }
      return left.toString();
    }

    /** Whether every character of the alphabet is searched at this prefix by now. */
    boolean whole() {
      return before.length() + characters.length() == SPLIT_ALPHABET.length();
    }
  }
}
