package dev.crawler.ldap;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import java.util.List;

/**
 * An {@link OrgChartSource} behind a test's own {@link #listAll}: sessions, the batch limit and
 * {@code list} (as a batch of one) go to the source, so a test writes only what it watches or
 * changes in a listing. Thread-safe as the source is.
 */
abstract class OrgChartSourceRelay implements BranchSource<Person, LdapSession> {
  final OrgChartSource source;

  OrgChartSourceRelay(OrgChartSource source) {
    this.source = source;
  }

  @Override
  public LdapSession open() throws Exception {
    return source.open();
  }

  @Override
  public void close(LdapSession session) throws Exception {
    source.close(session);
  }

  @Override
  public int batchLimit() {
    return source.batchLimit();
  }

  @Override
  public void list(LdapSession session, Person branch, Children<Person> out) throws Exception {
    listAll(session, List.of(branch), List.of(out));
  }

  @Override
  public abstract void listAll(
      LdapSession session, List<Person> branches, List<? extends Children<Person>> out)
      throws Exception;
}
