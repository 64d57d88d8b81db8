/**
 * Crawling an org chart in an LDAP directory: {@link dev.crawler.ldap.OrgChartSource} lists
 * managers' reports for the engine in {@code dev.crawler.core}, one small query per manager.
 */
package dev.crawler.ldap;
