package dev.crawler.cli.common;

import picocli.CommandLine;

/**
 * The version of the build, from a resource Maven fills in; the same for every subcommand, which
 * each name it as their {@code versionProvider}. Stateless and thread-safe.
 */
public final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() throws java.io.IOException {
    java.util.Properties build = new java.util.Properties();
    try (java.io.InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        build.load(in);
      }
    }
    return new String[] {
      "crawl "
          + build.getProperty("version", "(version unknown)")
          + " (Java "
          + Runtime.version()
          + ")"
    };
  }
}
