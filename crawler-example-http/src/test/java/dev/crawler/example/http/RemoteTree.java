package dev.crawler.example.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory tree for {@link ListingServer} to serve, and the truth a crawl of it is checked
 * against: every entry's path with its parent's. Names have spaces and letters beyond ASCII, so
 * that the paths' encoding is tested too. Immutable once built.
 */
final class RemoteTree {
  private final Map<String, List<RemoteEntry>> directories = new HashMap<>();
  private final Map<String, String> parents = new HashMap<>();

  private RemoteTree() {
    parents.put("/", null);
  }

  /**
   * A tree of {@code depth} levels below the root: each directory above the last level has {@code
   * subdirectories} directories and {@code files} files.
   */
  static RemoteTree generate(int subdirectories, int files, int depth) {
    RemoteTree tree = new RemoteTree();
    tree.fill(RemoteEntry.root(), subdirectories, files, depth);
    return tree;
  }

  private void fill(RemoteEntry directory, int subdirectories, int files, int depth) {
    List<RemoteEntry> children = new ArrayList<>();
    if (depth > 0) {
      for (int i = 0; i < subdirectories; i++) {
        children.add(directory.child((i % 2 == 0 ? "dir " : "répertoire ") + i, true, 0));
      }
      for (int i = 0; i < files; i++) {
        children.add(directory.child("file " + i + ".txt", false, 100L * i));
      }
    }
    directories.put(directory.path(), children);
    for (RemoteEntry child : children) {
      parents.put(child.path(), directory.path());
      if (child.directory()) {
        fill(child, subdirectories, files, depth - 1);
      }
    }
  }

  /** The entries of {@code directory}, or {@code null} if there is no such directory. */
  List<RemoteEntry> children(String directory) {
    return directories.get(directory);
  }

  /**
   * Every entry's path with its parent's, the root's parent {@code null}: for {@code
   * CrawlInvariants}.
   */
  Map<String, String> parents() {
    return parents;
  }

  /** The directories, by path. */
  List<String> directories() {
    return List.copyOf(directories.keySet());
  }

  static String name(RemoteEntry entry) {
    String path =
        entry.directory() ? entry.path().substring(0, entry.path().length() - 1) : entry.path();
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
