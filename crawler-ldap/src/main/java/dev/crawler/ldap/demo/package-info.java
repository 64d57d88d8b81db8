/** The embedded demo directory that {@code crawl ldap} serves when no server is given. */
package dev.crawler.ldap.demo;
