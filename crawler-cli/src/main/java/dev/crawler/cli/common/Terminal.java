package dev.crawler.cli.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether stderr or stdout is a terminal: progress and colors are only for a person watching. */
public final class Terminal {
  private Terminal() {}

  /** True if file descriptor 2 is a terminal (Linux: /proc/self/fd/2 points at a tty). */
  static boolean stderrIsTerminal() {
    return isTerminal(2);
  }

  /** True if file descriptor 1 is a terminal: then {@code --color auto} colors. */
  public static boolean stdoutIsTerminal() {
    return isTerminal(1);
  }

  private static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
