package dev.crawler.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Real trees on disk for tests, and {@code find} as the oracle. Paths are compared as their exact
 * bytes, held in ISO-8859-1 strings (one char per byte), so odd names compare exactly.
 */
public final class TestTrees {
  private TestTrees() {}

  /**
   * A tree with what trips walkers up: nesting, empty directories, hidden entries, links to a file,
   * to a directory, to an ancestor, a dangling link, a FIFO, and names with a newline, a space, a
   * star, and bytes that are not UTF-8.
   *
   * @param root the directory to fill, made if missing
   * @return {@code root}, so a test's set-up is one line
   */
  public static Path populate(Path root) throws IOException, InterruptedException {
    Files.createDirectories(root);
    for (int a = 0; a < 6; a++) {
      for (int b = 0; b < 5; b++) {
        Path dir = Files.createDirectories(root.resolve("d" + a).resolve("e" + b));
        for (int f = 0; f < 4; f++) {
          Files.write(dir.resolve("f" + f + ".txt"), new byte[a * 100 + b * 10 + f]);
        }
      }
    }
    Files.createDirectories(root.resolve("empty"));
    Files.createDirectories(root.resolve(".hidden/inner"));
    Files.writeString(root.resolve(".hidden/inner/secret"), "x");
    Files.createDirectories(root.resolve("links"));
    Files.createSymbolicLink(root.resolve("links/to-file"), Path.of("../d0/e0/f1.txt"));
    Files.createSymbolicLink(root.resolve("links/to-dir"), Path.of("../d1"));
    Files.createSymbolicLink(root.resolve("links/to-ancestor"), Path.of(".."));
    Files.createSymbolicLink(root.resolve("links/dangling"), Path.of("nowhere"));
    shell(
        root,
        "mkfifo pipe && mkdir -p odd && touch \"odd/with space\" 'odd/star*man' \"odd/$(printf"
            + " 'new\\n"
            + "line')\" \"odd/$(printf 'bad\\377byte')\" \"odd/$(printf 'caf\\303\\251')\"");
    return root;
  }

  /** The paths {@code find} prints for {@code root} with extra arguments, as byte strings. */
  public static Set<String> find(Path root, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("find");
    if (args.length > 0 && args[0].equals("-L")) {
      command.add("-L");
      args = Arrays.copyOfRange(args, 1, args.length);
    }
    command.add(root.toString());
    command.addAll(List.of(args));
    command.add("-print0");
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = readAll(p.getInputStream());
    p.waitFor();
    return splitNul(out);
  }

  /**
   * The tree {@code find} printed, as {@code CrawlInvariants} takes it: each path with its
   * directory's path, {@code null} for a root.
   *
   * @param paths byte strings, as {@link #find} returns them
   * @param roots the crawl's roots among them, as byte strings
   * @return each path's parent
   */
  public static Map<String, String> parentsOf(Set<String> paths, Set<String> roots) {
    Map<String, String> parents = new HashMap<>();
    for (String path : paths) {
      parents.put(path, roots.contains(path) ? null : path.substring(0, path.lastIndexOf('/')));
    }
    return parents;
  }

  public static Set<String> splitNul(byte[] bytes) {
    return new HashSet<>(nulRecords(bytes));
  }

  /** The NUL-terminated records of {@code bytes}, in order, duplicates kept, as byte strings. */
  public static List<String> nulRecords(byte[] bytes) {
    List<String> records = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        records.add(new String(bytes, start, i - start, StandardCharsets.ISO_8859_1));
        start = i + 1;
      }
    }
    return records;
  }

  public static String bytesOf(Path path) {
    return new String(PathBytes.of(path), StandardCharsets.ISO_8859_1);
  }

  public static void shell(Path dir, String script) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("shell failed: " + script);
    }
  }

  public static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
