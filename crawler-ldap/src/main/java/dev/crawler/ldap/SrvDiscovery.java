package dev.crawler.ldap;

import java.util.Locale;
import java.util.Objects;

/**
 * Where to find the directory's servers in DNS instead of naming them: the SRV records {@code
 * _ldap._tcp.DOMAIN}, which is how Active Directory's clients find its domain controllers (and what
 * pam_ldap reads, with libldap's helpers, for a URL with no host, {@code
 * ldap:///dc=example,dc=com}). The records are read when a connection is opened, and read again
 * once {@link #CACHED_FOR} has passed; servers are tried by priority, then by weight, the next when
 * one does not answer. Immutable and thread-safe.
 *
 * @param domain the DNS domain, such as {@code example.com}; a trailing dot is dropped
 * @param dnsServer the DNS server to ask, {@code host} or {@code host:port}; {@code null} for the
 *     system's (/etc/resolv.conf)
 */
public record SrvDiscovery(String domain, String dnsServer) {
  /** How long the records read are used before they are read again. */
  public static final java.time.Duration CACHED_FOR = java.time.Duration.ofMinutes(5);

  /**
   * Validates: a domain of DNS labels, and no scheme or path in the DNS server.
   *
   * @param domain the DNS domain; a trailing dot is dropped
   * @param dnsServer {@code host} or {@code host:port}, or {@code null} for the system's
   */
  public SrvDiscovery {
    Objects.requireNonNull(domain, "domain");
    domain = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    if (domain.isEmpty()
        || !domain.matches(
            "[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*")) {
      throw new IllegalArgumentException("'" + domain + "' is not a DNS domain (like example.com)");
    }
    if (dnsServer != null && (dnsServer.isBlank() || dnsServer.contains("/"))) {
      throw new IllegalArgumentException("DNS server '" + dnsServer + "' is not host or host:port");
    }
  }

  /**
   * The domain's records, the system's DNS server asked.
   *
   * @param domain the DNS domain, such as {@code example.com}
   * @return where to find the servers
   */
  public static SrvDiscovery of(String domain) {
    return new SrvDiscovery(domain, null);
  }

  /**
   * The domain a DN's {@code dc} components name, as libldap's {@code ldap_dn2domain}: {@code
   * dc=example,dc=com} is {@code example.com}; other components before them are skipped ({@code
   * ou=people,dc=example,dc=com} too).
   *
   * @param dn a DN, such as a search base
   * @return the DNS domain its {@code dc} components name
   * @throws IllegalArgumentException if the DN is malformed or does not end in {@code dc}
   *     components
   */
  public static String domainOf(String dn) {
    com.unboundid.ldap.sdk.RDN[] rdns;
    try {
      rdns = new com.unboundid.ldap.sdk.DN(dn).getRDNs();
    } catch (com.unboundid.ldap.sdk.LDAPException e) {
      throw new IllegalArgumentException("'" + dn + "' is not a DN", e);
    }
    StringBuilder domain = new StringBuilder();
    for (com.unboundid.ldap.sdk.RDN rdn : rdns) {
      boolean dc =
          rdn.getAttributeNames().length == 1 && rdn.getAttributeNames()[0].equalsIgnoreCase("dc");
      if (!dc) {
        if (domain.length() > 0) {
          throw new IllegalArgumentException(
              "'" + dn + "' has " + rdn + " among its dc components");
        }
        continue;
      }
      domain
          .append(domain.length() == 0 ? "" : ".")
          .append(rdn.getAttributeValues()[0].toLowerCase(Locale.ROOT));
    }
    if (domain.length() == 0) {
      throw new IllegalArgumentException(
          "'" + dn + "' names no DNS domain: it has no dc components");
    }
    return domain.toString();
  }

  /**
   * The name of the records asked for.
   *
   * @return {@code _ldap._tcp.DOMAIN}
   */
  public String recordName() {
    return "_ldap._tcp." + domain;
  }

  /**
   * JNDI's DNS provider URL for the server asked: {@code dns://host:port}, or {@code null} for the
   * system's.
   */
  String providerUrl() {
    return dnsServer == null ? null : "dns://" + dnsServer;
  }

  @Override
  public String toString() {
    return "DNS SRV " + recordName() + (dnsServer == null ? "" : " from " + dnsServer);
  }
}
