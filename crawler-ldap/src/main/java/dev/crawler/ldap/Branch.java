package dev.crawler.ldap;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the source keeps, for the crawl, about a person it hands over as a branch (or whose reports
 * it is about to ask for): their reports until they are listed, the chain of their managers'
 * records (for the cycle check and for a person sent to another process), and the counts {@link
 * QuerySizer} estimates from. The public {@link Person} holds its record in a package-private field
 * and never changes; everything that changes during a crawl is here.
 *
 * <p>Thread safety, the invariant: {@link #reports} is written once, by the worker whose listing
 * found them, before the person is handed to the engine, and read and then dropped by the one
 * worker that lists the person; the engine's hand-over of the branch orders the write before the
 * reads (a listing retried after a failure is handed over again the same way). The counts are
 * atomic, as every worker adds to those of the same few ancestors. {@link #linkedDns} is written at
 * construction and cleared by the same worker, in the listing that asks for the person's reports,
 * before the hand-over. The rest is final.
 *
 * <p>Memory: a branch's record holds its manager's, so the records of a branch's ancestors live as
 * long as a branch below them is pending, and go when the last one is listed (the person objects
 * themselves are not held: the chain is made of records).
 */
final class Branch {
  /** The person's DN as the server wrote it: what a person sent to another process carries. */
  final String dn;

  /** The person's DN normalized: what the cycle check compares. */
  final String normalizedDn;

  /** See {@link Fetched#linkedReports}. */
  final int linkedReports;

  /**
   * The record of the manager through whom the crawl reached the person; {@code null} for the root.
   */
  final Branch manager;

  /** Levels below the crawl's root: 0 for the root. */
  final int depth;

  /**
   * On Active Directory, the back-link's values, what their reports are asked for by ({@link
   * ReportQuery}); {@code null} when not kept (see {@link Fetched#linkedDns}), and once their
   * reports are known. Written at construction and cleared by the one worker that asked for their
   * reports, before the record is handed over with the person.
   */
  private List<String> linkedDns;

  /** Set once their reports are known; {@code null} before, and again once listed. See above. */
  private List<Fetched> reports;

  /**
   * For someone with reports: how many of their descendants, by levels below them, have had their
   * reports counted, and how many reports those were ({@link QuerySizer}'s estimates); {@code null}
   * for someone without reports, or whose reports are not known here (a manager of a person sent
   * from another process). Set with the reports, before the person is handed over.
   */
  private AtomicLongArray descendantReports;

  Branch(Fetched person, Branch manager) {
    this(person.dn(), person.normalizedDn(), person.linkedReports(), manager);
    this.linkedDns = person.linkedDns();
  }

  Branch(String dn, String normalizedDn, int linkedReports, Branch manager) {
    this.dn = dn;
    this.normalizedDn = normalizedDn;
    this.linkedReports = linkedReports;
    this.manager = manager;
    this.depth = manager == null ? 0 : manager.depth + 1;
  }

  /** Notes the person's reports, before the person is handed over; returns this. */
  Branch reportsFound(List<Fetched> found) {
    this.reports = List.copyOf(found);
    this.linkedDns = null; // asked for: not needed again
    if (!found.isEmpty()) {
      this.descendantReports = new AtomicLongArray(2 * QuerySizer.RELATIVE_LEVELS);
    }
    return this;
  }

  /** See {@link #linkedDns}. */
  List<String> linkedDns() {
    return linkedDns;
  }

  /** The reports still to be handed over; {@code null} once listed (or for a cycle). */
  List<Fetched> reports() {
    return reports;
  }

  /** Drops the reports once the listing that needed them has succeeded; the counts stay. */
  void listed() {
    this.reports = null;
  }

  /** See {@link #descendantReports}. */
  AtomicLongArray descendantReports() {
    return descendantReports;
  }

  /** Whether {@code normalizedDn} is this person's or one of their managers'. */
  boolean isSelfOrAbove(String normalizedDn) {
    for (Branch b = this; b != null; b = b.manager) {
      if (b.normalizedDn.equals(normalizedDn)) {
        return true;
      }
    }
    return false;
  }
}
