package dev.crawler.cli.fs;

import dev.crawler.fs.FileTreeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What GNU {@code du -s} says a tree takes, in bytes: the oracle for {@code crawl fs --du}. Disk
 * usage ({@code -B1}) where this JVM's crawl can read it, else apparent sizes with every hard link
 * counted ({@code -b -l}), which is what {@code --du} falls back to on {@code java.nio}.
 */
final class DuOracle {
  private DuOracle() {}

  /** {@code du -s} of {@code paths} together (a file linked under two of them counts once). */
  static long bytes(boolean apparentSize, Path... paths) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("du", "-s", "-c"));
    if (apparentSize || !FileTreeSource.canReadDiskUsage()) {
      command.add("-b");
    } else {
      command.add("-B1");
    }
    if (!FileTreeSource.canReadDiskUsage()) {
      command.add("-l");
    }
    for (Path path : paths) {
      command.add(path.toString());
    }
    Process du = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (du.waitFor() != 0) {
      throw new IOException(command + " failed: " + out);
    }
    String[] lines = out.split("\n");
    String total = lines[lines.length - 1];
    return Long.parseLong(total.substring(0, total.indexOf('\t')));
  }
}
