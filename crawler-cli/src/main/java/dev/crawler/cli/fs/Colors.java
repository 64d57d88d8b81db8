package dev.crawler.cli.fs;

import dev.crawler.fs.FileEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Colors for paths on a terminal, read from {@code LS_COLORS} as ls and fd read it: a color per
 * type ({@code di}, {@code ln}, {@code pi}, {@code ex} for executable files, {@code fi}) and per
 * extension ({@code *.tar=01;31}). Without {@code LS_COLORS}, ls's defaults for directories, links,
 * pipes, sockets and executables. Immutable and thread-safe.
 */
final class Colors {
  static final byte[] RESET = "\033[0m".getBytes(StandardCharsets.US_ASCII);
  private static final String DEFAULTS = "di=01;34:ln=01;36:pi=40;33:so=01;35:ex=01;32";

  private final Map<String, byte[]> byType = new HashMap<>();

  /** By lower-case extension, with its dot. */
  private final Map<String, byte[]> byExtension = new HashMap<>();

  private Colors(String spec) {
    for (String item : spec.split(":")) {
      int eq = item.indexOf('=');
      if (eq <= 0 || !item.substring(eq + 1).matches("[0-9;]+")) {
        continue; // not a color we can show; ls skips those too
      }
      byte[] start = ("\033[" + item.substring(eq + 1) + "m").getBytes(StandardCharsets.US_ASCII);
      String key = item.substring(0, eq);
      if (key.startsWith("*.")) {
        byExtension.put(key.substring(1).toLowerCase(Locale.ROOT), start);
      } else {
        byType.put(key, start);
      }
    }
  }

  /** The colors {@code lsColors} describes, or the defaults when it is {@code null} or empty. */
  static Colors of(String lsColors) {
    return new Colors(lsColors == null || lsColors.isBlank() ? DEFAULTS : lsColors);
  }

  /** The escape sequence that starts {@code entry}'s color, or {@code null} for none. */
  byte[] start(FileEntry entry) {
    byte[] color =
        switch (entry.type()) {
          case DIRECTORY -> byType.get("di");
          case SYMLINK -> byType.get("ln");
          case OTHER -> byType.get("pi");
          default -> null;
        };
    if (color != null || entry.type() == dev.crawler.fs.FileType.DIRECTORY) {
      return color;
    }
    byte[] executable = byType.get("ex");
    if (executable != null
        && entry.type() == dev.crawler.fs.FileType.FILE
        && isExecutable(entry.path())) {
      return executable; // before the extension, as ls has it
    }
    Path name = entry.path().getFileName();
    if (name != null) {
      String text = name.toString().toLowerCase(Locale.ROOT);
      int dot = text.lastIndexOf('.');
      if (dot > 0) {
        byte[] byExt = byExtension.get(text.substring(dot));
        if (byExt != null) {
          return byExt;
        }
      }
    }
    return byType.get("fi");
  }

  /**
   * Whether anyone may execute the file (ls's test: any x bit). One stat, only on a terminal that
   * shows colors; a file that cannot be read (gone, past PATH_MAX) is not.
   */
  private static boolean isExecutable(Path file) {
    try {
      Set<PosixFilePermission> mode =
          Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      return mode.contains(PosixFilePermission.OWNER_EXECUTE)
          || mode.contains(PosixFilePermission.GROUP_EXECUTE)
          || mode.contains(PosixFilePermission.OTHERS_EXECUTE);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
