package dev.crawler.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plain-Java walkers {@code crawl fs} is compared with, printing one path per line: {@code walk
 * DIR} (single-thread {@code Files.walkFileTree}) and {@code pool N DIR} (a fixed pool of N
 * threads, one task per directory, one lstat per entry, as crawl does).
 */
public final class FsPeers {
  private FsPeers() {}

  public static void main(String[] args) throws Exception {
    OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    switch (args[0]) {
      case "walk" -> walk(Path.of(args[1]), out);
      case "pool" -> pool(Integer.parseInt(args[1]), Path.of(args[2]), out);
      default -> throw new IllegalArgumentException("walk DIR | pool N DIR");
    }
    out.flush();
  }

  private static void walk(Path root, OutputStream out) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            line(out, dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            line(out, file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void line(OutputStream out, Path path) throws IOException {
    out.write(path.toString().getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  private static void pool(int threads, Path root, OutputStream out) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong pending = new AtomicLong(1);
    CountDownLatch done = new CountDownLatch(1);
    line(out, root);
    class ListDir implements Runnable {
      final Path dir;

      ListDir(Path dir) {
        this.dir = dir;
      }

      @Override
      public void run() {
        ByteArrayOutputStream lines = new ByteArrayOutputStream(4096);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
          for (Path p : entries) {
            BasicFileAttributes a =
                Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            lines.write(p.toString().getBytes(StandardCharsets.UTF_8));
            lines.write('\n');
            if (a.isDirectory()) {
              pending.incrementAndGet();
              pool.execute(new ListDir(p));
            }
          }
        } catch (IOException e) {
          // counted as unreadable; the comparison trees have none
        }
        synchronized (out) {
          try {
            lines.writeTo(out);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        if (pending.decrementAndGet() == 0) {
          done.countDown();
        }
      }
    }
    pool.execute(new ListDir(root));
    done.await();
    pool.shutdown();
  }
}
