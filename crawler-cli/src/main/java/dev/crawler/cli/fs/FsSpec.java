package dev.crawler.cli.fs;

import dev.crawler.cli.common.UserError;
import dev.crawler.cli.kafka.KafkaRun;
import dev.crawler.fs.FileTreeOptions;
import dev.crawler.fs.FileTreeOptionsCodec;
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
public final class FsSpec {
  public static final String KIND = "fs";

  private FsSpec() {}

  public static CrawlSpec of(List<Path> roots, FileTreeOptions options) {
    List<String> arguments = new ArrayList<>(FileTreeOptionsCodec.encode(options));
    arguments.add("starter-host=" + KafkaRun.hostName());
    arguments.add("starter-dir=" + base64(Path.of("").toAbsolutePath()));
    for (Path root : roots) {
      arguments.add("root=" + base64(root));
      RootIdentity identity = RootIdentity.of(root);
      arguments.add("root-absolute=" + base64(identity.absolute()));
      if (identity.real() != null) {
        arguments.add("root-real=" + base64(identity.real()));
      }
      if (identity.inode() >= 0) {
        arguments.add("root-key=" + identity.device() + ":" + identity.inode());
      }
    }
    return new CrawlSpec(KIND, arguments);
  }

  private static String base64(Path path) {
    return Base64.getEncoder().encodeToString(PathBytes.of(path));
  }

  private static Path path(String base64) {
    return PathBytes.toPath(Base64.getDecoder().decode(base64));
  }

  /**
   * Refuses to join a crawl whose roots this process does not resolve to the directories the
   * starter crawled: the branches name paths below the roots as given, so a relative root from
   * another working directory, a missing root, or another disk at the same path would list a
   * foreign tree into the crawl. A spec from before roots were recorded is not checked.
   *
   * @throws UserError naming the root, and what differs
   */
  public static void checkRoots(CrawlSpec spec, String crawlId) throws UserError {
    String starterHost = null;
    Path starterDir = null;
    Path given = null;
    Path absolute = null;
    Path real = null;
    long device = -1;
    long inode = -1;
    List<RecordedRoot> roots = new ArrayList<>();
    for (String argument : spec.arguments()) {
      int eq = argument.indexOf('=');
      String key = argument.substring(0, eq);
      String value = argument.substring(eq + 1);
      switch (key) {
        case "starter-host" -> starterHost = value;
        case "starter-dir" -> starterDir = path(value);
        case "root" -> {
          if (given != null) {
            roots.add(
                new RecordedRoot(given, new RootIdentity(absolute, real, true, device, inode)));
          }
          given = path(value);
          absolute = null;
          real = null;
          device = -1;
          inode = -1;
        }
        case "root-absolute" -> absolute = path(value);
        case "root-real" -> real = path(value);
        case "root-key" -> {
          device = Long.parseLong(value.substring(0, value.indexOf(':')));
          inode = Long.parseLong(value.substring(value.indexOf(':') + 1));
        }
        default -> {} // the walk's options (FileTreeOptionsCodec)
      }
    }
    if (given != null) {
      roots.add(new RecordedRoot(given, new RootIdentity(absolute, real, true, device, inode)));
    }
    boolean sameMachine = KafkaRun.hostName().equals(starterHost);
    for (RecordedRoot root : roots) {
      Path rootGiven = root.given();
      RootIdentity there = root.there();
      if (there.absolute() == null) {
        continue; // a crawl started before roots were recorded
      }
      String difference = RootIdentity.of(rootGiven).differenceFrom(there, sameMachine);
      if (difference != null) {
        throw new UserError(
            "cannot join the crawl "
                + crawlId
                + ": its root "
                + rootGiven
                + " is "
                + there.absolute()
                + " at the starter"
                + (sameMachine ? "" : " (" + starterHost + ")")
                + ", and here it is "
                + difference
                + (rootGiven.isAbsolute() || starterDir == null
                    ? ""
                    : "; the root is relative: run crawl join in " + starterDir));
      }
    }
  }

  /**
   * A root as the starter gave it, and which directory it was there ({@code absolute} null if not
   * recorded).
   */
  private record RecordedRoot(Path given, RootIdentity there) {}

  /** The source the spec describes, as this process sees the filesystem. */
  public static FileTreeSource source(CrawlSpec spec) throws IOException {
    List<Path> roots = new ArrayList<>();
    for (String argument : spec.arguments()) {
      int eq = argument.indexOf('=');
      String key = argument.substring(0, eq);
      String value = argument.substring(eq + 1);
      switch (key) {
        case "root" -> roots.add(path(value));
        case "starter-host",
            "starter-dir",
            "root-absolute",
            "root-real",
            "root-key" -> {} // see checkRoots
        default -> {
          if (!FileTreeOptionsCodec.isOption(argument)) {
            throw new IllegalArgumentException(
                "this crawl was started by a newer crawl: '" + key + "'");
          }
        }
      }
    }
    return FileTreeSource.over(roots, FileTreeOptionsCodec.decode(spec.arguments()));
  }
}
