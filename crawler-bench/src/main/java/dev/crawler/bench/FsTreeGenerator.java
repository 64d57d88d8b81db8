package dev.crawler.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the benchmark tree: 100 top directories × 1,000 subdirectories (100,100 directories), 10
 * small files in each subdirectory (1,000,000 files), and a symlink in every tenth one. Usage:
 * {@code FsTreeGenerator DIR}.
 */
public final class FsTreeGenerator {
  private FsTreeGenerator() {}

  public static void main(String[] args) throws Exception {
    Path root = Files.createDirectories(Path.of(args[0]));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> parts = new ArrayList<>();
    for (int top = 0; top < 100; top++) {
      int t = top;
      parts.add(
          pool.submit(
              () -> {
                for (int sub = 0; sub < 1000; sub++) {
                  Path dir = Files.createDirectories(root.resolve("top" + t).resolve("dir" + sub));
                  for (int f = 0; f < 10; f++) {
                    Files.write(
                        dir.resolve("file" + f + ".dat"), new byte[(t * 31 + sub * 7 + f) % 4096]);
                  }
                  if (sub % 10 == 0) {
                    Files.createSymbolicLink(dir.resolve("link"), Path.of("file0.dat"));
                  }
                }
                return null;
              }));
    }
    for (Future<?> part : parts) {
      part.get();
    }
    pool.shutdown();
  }
}
