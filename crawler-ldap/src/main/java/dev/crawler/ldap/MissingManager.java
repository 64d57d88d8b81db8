package dev.crawler.ldap;

import java.util.Objects;

/**
 * A person whose manager attribute names an entry that is not a person under the base DN (deleted,
 * mistyped, or outside the crawl's view). No crawl from the top reaches them or their reports.
 *
 * @param person the person, as read from the directory
 * @param managerDn the manager attribute's value that names no person
 */
public record MissingManager(Person person, String managerDn) {
  /** Validates. */
  public MissingManager {
    Objects.requireNonNull(person, "person");
    Objects.requireNonNull(managerDn, "managerDn");
  }
}
