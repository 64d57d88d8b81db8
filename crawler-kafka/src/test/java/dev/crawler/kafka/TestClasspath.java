package dev.crawler.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The classpath for JVMs the tests start: this module's classes, its test classes, and every
 * test-scope dependency (written by the build: see this module's pom).
 */
final class TestClasspath {
  private TestClasspath() {}

  static String get() {
    try {
      String dependencies = Files.readString(Path.of("target", "test-classpath.txt")).strip();
      return Path.of("target", "test-classes").toAbsolutePath()
          + File.pathSeparator
          + Path.of("target", "classes").toAbsolutePath()
          + File.pathSeparator
          + dependencies;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "run the tests through Maven: target/test-classpath.txt is missing", e);
    }
  }
}
