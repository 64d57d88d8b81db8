package dev.crawler.fs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@link FileTreeOptions} as {@code key=value} arguments, for a crawl whose processes must build
 * the same {@link FileTreeSource} (crawler-kafka's {@code CrawlSpec}), beside {@link
 * FileEntryCodec} for its entries. Every option has its key: {@code one-file-system}, {@code
 * skip-hidden} and {@code read-leaf-attributes} ({@code true} or {@code false}), one {@code
 * exclude} per glob in order, {@code follow-links=true}, and {@code ignore-files=} the global
 * excludes file's path bytes in Base64 (empty for none).
 *
 * <p>Versioned by its keys, as the crawl's other arguments are: the first three are always written
 * (what every version has read), and an option added later is written only when it differs from its
 * default, so a process that does not know its key refuses only a crawl that needs it ("started by
 * a newer crawl"), and reads every other. A key absent reads as its default.
 *
 * <p>Stateless and thread-safe.
 */
public final class FileTreeOptionsCodec {
  private static final String ONE_FILE_SYSTEM = "one-file-system";
  private static final String SKIP_HIDDEN = "skip-hidden";
  private static final String READ_LEAF_ATTRIBUTES = "read-leaf-attributes";
  private static final String EXCLUDE = "exclude";
  private static final String FOLLOW_LINKS = "follow-links";
  private static final String IGNORE_FILES = "ignore-files";
  private static final Set<String> KEYS =
      Set.of(
          ONE_FILE_SYSTEM, SKIP_HIDDEN, READ_LEAF_ATTRIBUTES, EXCLUDE, FOLLOW_LINKS, IGNORE_FILES);

  private FileTreeOptionsCodec() {}

  /**
   * The options as arguments.
   *
   * @param options the options
   * @return {@code key=value} arguments, in a fixed order
   */
  public static List<String> encode(FileTreeOptions options) {
    List<String> arguments = new ArrayList<>();
    arguments.add(ONE_FILE_SYSTEM + "=" + options.oneFileSystem());
    arguments.add(SKIP_HIDDEN + "=" + options.skipHidden());
    arguments.add(READ_LEAF_ATTRIBUTES + "=" + options.readLeafAttributes());
    for (String glob : options.excludes()) {
      arguments.add(EXCLUDE + "=" + glob);
    }
    if (options.followLinks()) {
      arguments.add(FOLLOW_LINKS + "=true");
    }
    if (options.ignoreFiles() != null) {
      Path global = options.ignoreFiles().globalExcludes();
      arguments.add(
          IGNORE_FILES
              + "="
              + (global == null ? "" : Base64.getEncoder().encodeToString(PathBytes.of(global))));
    }
    return arguments;
  }

  /**
   * Whether an argument is one of the options' ({@link #encode}), so that a caller who mixes its
   * own arguments with them can tell an argument of a newer version from both.
   *
   * @param argument a {@code key=value} argument
   * @return whether its key is an option's
   */
  public static boolean isOption(String argument) {
    int eq = argument.indexOf('=');
    return eq > 0 && KEYS.contains(argument.substring(0, eq));
  }

  /**
   * The options that arguments describe; arguments that are not options' ({@link #isOption}) are
   * passed over, and an option absent is its default.
   *
   * @param arguments {@code key=value} arguments, as {@link #encode} wrote them among others
   * @return the options
   * @throws IllegalArgumentException if an option's value is malformed
   */
  public static FileTreeOptions decode(List<String> arguments) {
    FileTreeOptions options = FileTreeOptions.defaults();
    List<String> excludes = new ArrayList<>();
    for (String argument : arguments) {
      if (!isOption(argument)) {
        continue;
      }
      int eq = argument.indexOf('=');
      String key = argument.substring(0, eq);
      String value = argument.substring(eq + 1);
      switch (key) {
        case ONE_FILE_SYSTEM -> options = options.withOneFileSystem(bool(key, value));
        case SKIP_HIDDEN -> options = options.withSkipHidden(bool(key, value));
        case READ_LEAF_ATTRIBUTES -> options = options.withReadLeafAttributes(bool(key, value));
        case EXCLUDE -> excludes.add(value);
        case FOLLOW_LINKS -> options = options.withFollowLinks(bool(key, value));
        case IGNORE_FILES ->
            options =
                options.withIgnoreFiles(
                    new IgnoreFiles(
                        value.isEmpty()
                            ? null
                            : PathBytes.toPath(Base64.getDecoder().decode(value))));
        default -> throw new AssertionError(key); // every key in KEYS has its case
      }
    }
    return options.withExcludes(excludes);
  }

  /** {@code true} or {@code false}, as {@link #encode} writes them; anything else is malformed. */
  private static boolean bool(String key, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean: " + key + "=" + value);
    };
  }
}
