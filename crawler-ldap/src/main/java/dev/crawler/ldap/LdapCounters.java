package dev.crawler.ldap;

import java.util.concurrent.atomic.LongAdder;

/** What an org-chart crawl cost the directory, summed over every connection. Thread-safe. */
final class LdapCounters {
  /** Operations sent: binds, searches, StartTLS, the root DSE. */
  final LongAdder operations = new LongAdder();

  /** Entries the server sent, those of queries thrown away at the size limit included. */
  final LongAdder entriesRead = new LongAdder();

  /** Queries split because they hit the size limit. */
  final LongAdder splits = new LongAdder();
}
