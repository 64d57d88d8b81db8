package dev.crawler.cli;

import dev.crawler.cli.common.ExitCodes;
import dev.crawler.cli.common.UserError;
import dev.crawler.cli.common.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code crawl install}: puts the command where a user's shell finds it, from a clone: {@code
 * PREFIX/bin/crawl} (the launcher, which then runs the installed jar and never builds), {@code
 * PREFIX/lib/crawl/} (the jar, the launcher's JDK lookup, the native directory reader when the
 * launcher built one, and its sources, from which an installed launcher on a JDK 22+ builds it when
 * it was not), {@code PREFIX/share/man/man1/} (where man looks for commands in {@code PREFIX/bin}),
 * and {@code PREFIX/share/bash-completion/completions/crawl} (where bash-completion loads it from
 * on first use). Each file is written aside and renamed into place, so a crawl that runs meanwhile
 * sees the old install or the new one. Run again to update.
 *
 * <p>The launcher tells it where its own files are ({@code crawl.launcher}, {@code crawl.jdks},
 * {@code crawl.native}, {@code crawl.nativeSources} system properties); the build sets them too, to
 * lay out the distribution archive ({@code crawler-cli/target/crawl-VERSION.tar.gz}); run without
 * them, as from the jar alone, it says to run it through the launcher.
 */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Install crawl for this user: the command, its jar, man pages and bash completion.",
      "Then crawl runs from any directory (PREFIX/bin on PATH), man crawl-fs works, and completion "
          + "loads by itself. Run again to update."
    })
final class InstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--prefix",
      paramLabel = "DIR",
      description = "Where to install (default: ~/.local, so " + "~/.local/bin/crawl).")
  Path prefix;

  @Override
  public Integer call() throws Exception {
    String launcher = System.getProperty("crawl.launcher");
    String jdks = System.getProperty("crawl.jdks");
    if (launcher == null || jdks == null) {
      throw new UserError("run install through the crawl launcher, from a clone: ./crawl install");
    }
    Path target =
        (prefix != null ? prefix : Path.of(System.getProperty("user.home"), ".local"))
            .toAbsolutePath();
    Path bin = target.resolve("bin");
    Path lib = target.resolve("lib").resolve("crawl");
    try {
      Files.createDirectories(bin);
      Files.createDirectories(lib);
      copy(jar(), lib.resolve("crawl.jar"), false);
      copy(Path.of(jdks), lib.resolve("jdks.sh"), false);
      String nativeDir = System.getProperty("crawl.native");
      if (nativeDir != null && Files.isDirectory(Path.of(nativeDir))) {
        copyTree(Path.of(nativeDir), lib.resolve("native"));
      } else {
        deleteTree(lib.resolve("native")); // one built for an earlier jar would not fit this one
      }
      String sources = System.getProperty("crawl.nativeSources");
      if (sources != null
          && Files.isDirectory(Path.of(sources))
          && !Path.of(sources).toAbsolutePath().equals(lib.resolve("native-src"))) {
        copyTree(
            Path.of(sources), lib.resolve("native-src")); // the launcher builds the reader on 22+
      }
      CommandLine root = spec.commandLine().getParent();
      List<Path> pages =
          ManPages.writeAll(target.resolve("share").resolve("man").resolve("man1"), root);
      Path completions =
          Files.createDirectories(
              target.resolve("share").resolve("bash-completion").resolve("completions"));
      write(completions.resolve("crawl"), AutoComplete.bash("crawl", root));
      copy(
          Path.of(launcher),
          bin.resolve("crawl"),
          true); // last: a launcher finds everything it needs
    } catch (AccessDeniedException e) {
      throw new UserError(
          "cannot write " + e.getFile() + ": permission denied (choose another --prefix)", e);
    } catch (FileSystemException e) {
      throw new UserError("cannot install into " + target + ": " + e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "crawl: installed into "
            + target
            + ": bin/crawl, lib/crawl/, the man pages and bash completion");
    if (!onPath(bin)) {
      err.println(
          "crawl: " + bin + " is not on PATH; add it (in ~/.profile: PATH=\"" + bin + ":$PATH\")");
    }
    err.flush();
    return ExitCodes.OK;
  }

  /** The jar this command runs from. */
  private static Path jar() throws URISyntaxException, UserError {
    Path jar =
        Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!Files.isRegularFile(jar)) {
      throw new UserError(
          "crawl runs from " + jar + ", not from a jar: build it first (./crawl --version)");
    }
    return jar;
  }

  private static boolean onPath(Path bin) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(":"))
            .anyMatch(p -> !p.isEmpty() && Path.of(p).toAbsolutePath().equals(bin));
  }

  /** Copies {@code from} aside and renames it over {@code to}. */
  private static void copy(Path from, Path to, boolean executable) throws IOException {
    Path aside = to.resolveSibling(to.getFileName() + ".installing");
    Files.copy(from, aside, StandardCopyOption.REPLACE_EXISTING);
    if (executable) {
      Files.setPosixFilePermissions(aside, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.move(aside, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void write(Path to, String text) throws IOException {
    Path aside = to.resolveSibling(to.getFileName() + ".installing");
    Files.writeString(aside, text, StandardCharsets.UTF_8);
    Files.move(aside, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Replaces {@code to} with a copy of the directory tree {@code from}. */
  private static void copyTree(Path from, Path to) throws IOException {
    Path aside = to.resolveSibling(to.getFileName() + ".installing");
    deleteTree(aside);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path copy = aside.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(f, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    deleteTree(to);
    Files.move(aside, to, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
