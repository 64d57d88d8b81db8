package dev.crawler.cli;

import dev.crawler.fs.FileEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Colors for paths on a terminal, read from {@code LS_COLORS} as ls and fd read it: a color per
 * type ({@code di}, {@code ln}, {@code pi}, {@code fi}) and per extension ({@code *.tar=01;31}).
 * Without {@code LS_COLORS}, ls's defaults for directories, links and pipes. Immutable and
 * thread-safe.
 */
final class Colors {
  static final byte[] RESET = "\033[0m".getBytes(StandardCharsets.US_ASCII);
  private static final String DEFAULTS = "di=01;34:ln=01;36:pi=40;33:so=01;35";

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
    byte[] color = switch (entry.type()) {
      case DIRECTORY -> byType.get("di");
      case SYMLINK -> byType.get("ln");
      case OTHER -> byType.get("pi");
      default -> null;
    };
    if (color != null || entry.type() == dev.crawler.fs.FileType.DIRECTORY) {
      return color;
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
}
