package dev.crawler.fs;

/** Every {@link IgnoreFilesTest} again with directories listed by {@code java.nio}. */
class JavaNioIgnoreFilesTest extends IgnoreFilesTest {
  @Override
  NativeDirectoryReader reader() {
    return null;
  }
}
