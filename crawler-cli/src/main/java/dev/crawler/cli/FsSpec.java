package dev.crawler.cli;

import dev.crawler.fs.FileTreeOptions;
import dev.crawler.fs.FileTreeSource;
import dev.crawler.fs.PathBytes;
import dev.crawler.kafka.CrawlSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code crawl fs}'s source as a {@link CrawlSpec}: what a process that joins a crawl over Kafka
 * needs to build the same source (roots as exact bytes, and the walk's options).
 */
final class FsSpec {
  static final String KIND = "fs";

  private FsSpec() {}

  static CrawlSpec of(List<Path> roots, FileTreeOptions options) {
    List<String> arguments = new ArrayList<>();
    arguments.add("one-file-system=" + options.oneFileSystem());
    arguments.add("skip-hidden=" + options.skipHidden());
    arguments.add("read-leaf-attributes=" + options.readLeafAttributes());
    for (String glob : options.excludes()) {
      arguments.add("exclude=" + glob);
    }
    for (Path root : roots) {
      arguments.add("root=" + Base64.getEncoder().encodeToString(PathBytes.of(root)));
    }
    return new CrawlSpec(KIND, arguments);
  }

  /** The source the spec describes, as this process sees the filesystem. */
  static FileTreeSource source(CrawlSpec spec) throws IOException {
    boolean oneFileSystem = false;
    boolean skipHidden = false;
    boolean readLeaves = true;
    List<String> excludes = new ArrayList<>();
    List<Path> roots = new ArrayList<>();
    for (String argument : spec.arguments()) {
      int eq = argument.indexOf('=');
      String key = argument.substring(0, eq);
      String value = argument.substring(eq + 1);
      switch (key) {
        case "one-file-system" -> oneFileSystem = Boolean.parseBoolean(value);
        case "skip-hidden" -> skipHidden = Boolean.parseBoolean(value);
        case "read-leaf-attributes" -> readLeaves = Boolean.parseBoolean(value);
        case "exclude" -> excludes.add(value);
        case "root" -> roots.add(PathBytes.toPath(Base64.getDecoder().decode(value)));
        default -> throw new IllegalArgumentException("this crawl was started by a newer crawl: '" + key + "'");
      }
    }
    return FileTreeSource.over(roots, new FileTreeOptions(false, oneFileSystem, skipHidden, excludes, readLeaves));
  }
}
