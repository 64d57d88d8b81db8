package dev.crawler.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A walk that leaves out what git would ignore, and what {@code .ignore} files name (as fd and
 * ripgrep do): see {@link FileTreeOptions#ignoreFiles()}. Immutable.
 *
 * <p>The rules, in the order they win (the first that matches an entry decides, and a {@code !}
 * rule keeps the entry):
 *
 * <ol>
 *   <li>{@code .ignore} files, in the entry's directory and every directory above it, the nearest
 *       first, inside a git work tree or not;
 *   <li>inside a git work tree only (a directory holding {@code .git}, a directory or a file):
 *       {@code .gitignore} files from the work tree's root down to the entry's directory, the
 *       nearest first; then the work tree's {@code .git/info/exclude}; then the global excludes
 *       file below.
 * </ol>
 *
 * Rules are git's ({@code gitignore(5)}), as JGit implements them. A directory left out is not
 * listed, so nothing under it can come back, as in git. {@code .git} entries themselves are left
 * out. A nested work tree starts afresh: the outer tree's {@code .gitignore} files do not reach
 * into it. A walk that starts inside a work tree applies the {@code .gitignore} files above its
 * root, as {@code git status} does in a subdirectory. Ignore files that are symbolic links are not
 * read, as git does not read them.
 *
 * @param globalExcludes git's global excludes file ({@code core.excludesFile}), read if it exists;
 *     {@code null} for none
 */
public record IgnoreFiles(Path globalExcludes) {
  private static final Logger log = LoggerFactory.getLogger(IgnoreFiles.class);

  /**
   * What git itself would use: {@code core.excludesFile} from the system, XDG and user git
   * configuration files (the last that sets it wins; {@code GIT_CONFIG_GLOBAL} and {@code
   * GIT_CONFIG_NOSYSTEM} are honoured), else {@code $XDG_CONFIG_HOME/git/ignore}, else {@code
   * ~/.config/git/ignore}. Config files' {@code include} directives are not followed.
   *
   * @return the ignore files of this user
   */
  public static IgnoreFiles gitDefaults() {
    return gitDefaults(System.getenv());
  }

  /** {@link #gitDefaults()} with the given environment, for tests. */
  static IgnoreFiles gitDefaults(Map<String, String> env) {
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    String xdg = env.get("XDG_CONFIG_HOME");
    Path xdgGit =
        xdg != null && !xdg.isEmpty() ? Path.of(xdg, "git") : Path.of(home, ".config", "git");
    List<Path> configs = new ArrayList<>();
    if (env.get("GIT_CONFIG_NOSYSTEM") == null) {
      configs.add(Path.of("/etc/gitconfig"));
    }
    String global = env.get("GIT_CONFIG_GLOBAL");
    if (global != null) {
      configs.add(Path.of(global));
    } else {
      configs.add(xdgGit.resolve("config"));
      configs.add(Path.of(home, ".gitconfig"));
    }
    Path excludes = xdgGit.resolve("ignore");
    for (Path file : configs) {
      String value = excludesFileIn(file);
      if (value != null) {
        excludes = value.startsWith("~/") ? Path.of(home, value.substring(2)) : Path.of(value);
      }
    }
    return new IgnoreFiles(excludes);
  }

  /** The {@code core.excludesFile} a git config file sets, or {@code null}. */
  private static String excludesFileIn(Path configFile) {
    if (!Files.isReadable(configFile)) {
      return null;
    }
    try {
      Config config = new Config();
      config.fromText(Files.readString(configFile));
      return config.getString("core", null, "excludesFile");
    } catch (IOException | ConfigInvalidException | RuntimeException e) {
      log.debug("{} not read for core.excludesFile: {}", configFile, e.toString());
      return null;
    }
  }
}
