package dev.crawler.cli.kafka;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's slot in a crawl over Kafka, on this machine: {@code HOST.USER.N}, N the lowest
 * number that no live process of this user on this machine holds for that crawl. It names the
 * process's transactional id, so a process that died (kill -9, a crash, an OOM) and is started
 * again on the same machine takes its predecessor's slot and fences it: its {@code
 * initTransactions} aborts the transaction the dead one left open, at once, instead of after the
 * transaction timeout, and a crawl's transactional ids number its slots, not its restarts.
 *
 * <p>A slot is held by an exclusive lock on the file {@code TMPDIR/crawl-USER/slots/CRAWL.N.lock},
 * which the operating system drops when the process dies, however it dies; within one JVM (the
 * tests run several commands in one) by a set, since a JVM's file locks are its own and closing any
 * channel on a file would drop them all. A live process keeps its slot: a stopped one (SIGSTOP) is
 * not fenced through its slot but by the group's generation, which refuses the commit of a member
 * the group dropped. The lock files stay (empty) after the crawl. Thread-safe.
 */
final class ProcessSlot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessSlot.class);

  /** The slot files this JVM holds. */
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private static final int MOST = 10_000;

  private final String name;
  private final Path file;
  private final FileChannel channel;

  private ProcessSlot(String name, Path file, FileChannel channel) {
    this.name = name;
    this.file = file;
    this.channel = channel;
  }

  /**
   * Claims the lowest free slot of crawl {@code crawlId} on this machine; if the slot files cannot
   * be written (no temporary directory), a slot of this process alone, which fences nothing.
   */
  static ProcessSlot claim(String crawlId) {
    String user = safe(System.getProperty("user.name", "user"));
    String prefix = safe(KafkaRun.hostName()) + "." + user + ".";
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "crawl-" + user, "slots");
    try {
      Files.createDirectories(dir);
      for (int n = 0; n < MOST; n++) {
        Path file = dir.resolve(crawlId + "." + n + ".lock");
        if (!HELD_HERE.add(file)) {
          continue;
        }
        FileChannel channel = null;
        try {
          channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.tryLock();
          if (lock != null) {
            return new ProcessSlot(prefix + n, file, channel);
          }
        } catch (OverlappingFileLockException impossible) {
          // HELD_HERE keeps this JVM from locking a file twice; taken, all the same
        } catch (IOException | RuntimeException e) {
          HELD_HERE.remove(file);
          if (channel != null) {
            channel.close();
          }
          throw e;
        }
        channel.close(); // another process holds it; we held no lock on this file
        HELD_HERE.remove(file);
      }
      throw new IOException("all " + MOST + " slots are taken");
    } catch (IOException e) {
      log.warn(
          "no process slot for crawl {} in {} ({}): a restart of this process will not fence it",
          crawlId,
          dir,
          e.toString());
      return new ProcessSlot(KafkaRun.processId(), null, null);
    }
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** The process id to run the engine with: {@code HOST.USER.N}. */
  String name() {
    return name;
  }

  /** Frees the slot. */
  @Override
  public void close() {
    if (channel == null) {
      return;
    }
    try {
      channel.close(); // drops the lock
    } catch (IOException e) {
      log.debug("closing the slot file {}", file, e);
    } finally {
      HELD_HERE.remove(file);
    }
  }
}
