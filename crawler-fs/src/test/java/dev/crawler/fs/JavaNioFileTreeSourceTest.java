package dev.crawler.fs;

/**
 * Every {@link FileTreeSourceTest} again with directories listed by {@code java.nio}, the path on
 * Java 17, on other systems, and when following links: both readers meet the same oracle.
 */
class JavaNioFileTreeSourceTest extends FileTreeSourceTest {
  @Override
  NativeDirectoryReader reader() {
    return null;
  }
}
