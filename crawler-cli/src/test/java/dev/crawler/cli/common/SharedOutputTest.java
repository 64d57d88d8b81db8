package dev.crawler.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A record written through {@link SharedOutput} reaches the stream whole, whatever its size. */
class SharedOutputTest {
  private static final int BUFFER = 64 * 1024;

  /** Keeps each {@code write} call's bytes apart, to see where the buffers were cut. */
  private static final class Chunks extends OutputStream {
    final List<byte[]> chunks = new ArrayList<>();
    final ByteArrayOutputStream all = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      chunks.add(Arrays.copyOfRange(b, off, off + len));
      all.write(b, off, len);
    }
  }

  @Test
  void record_isNeverCutAtABufferBoundary_evenWhenItFillsTheBufferExactly() {
    Chunks out = new Chunks();
    SharedOutput shared = new SharedOutput(out, () -> {});
    SharedOutput.Buffer buffer = shared.buffer();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    SplittableRandom random = new SplittableRandom(42);
    // Bodies that end exactly at the buffer's end (the old splice), one byte short of it, larger
    // than a buffer, and random ones in between.
    int used = 0;
    for (int i = 0; i < 2_000; i++) {
      int length =
          switch (i % 50) {
            case 7 -> BUFFER - used - 1; // with its terminator, fills the buffer to the last byte
            case 19 -> BUFFER - used; // its terminator would be the first byte past the end
            case 33 -> BUFFER + 10;
            default -> 1 + random.nextInt(300);
          };
      length = Math.max(1, length);
      byte[] body = new byte[length];
      Arrays.fill(body, (byte) ('a' + i % 26));
      buffer.record(body, (byte) '\n');
      expected.write(body, 0, body.length);
      expected.write('\n');
      used = length + 1 > BUFFER ? 0 : used + length + 1 > BUFFER ? length + 1 : used + length + 1;
    }
    shared.flushAll();
    assertEquals(expected.size(), out.all.size());
    assertTrue(
        Arrays.equals(expected.toByteArray(), out.all.toByteArray()),
        "bytes out differ from bytes in");
    for (byte[] chunk : out.chunks) {
      assertEquals('\n', chunk[chunk.length - 1], "a write ended inside a record");
    }
    assertTrue(out.chunks.size() > 10, "the test must cross many buffer boundaries");
  }

  /**
   * The flusher writes out what a worker left in its buffer, with no further record from it: a
   * worker waiting on a slow listing, or idle, does not hold back what it found.
   */
  @Test
  void flushEvery_writesOutABufferItsWorkerNoLongerTouches() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> writes =
        new java.util.concurrent.LinkedBlockingQueue<>();
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
          }
        };
    SharedOutput shared = new SharedOutput(out, () -> {});
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    shared.beforeEachWrite(() -> log.add("erase"));
    shared.flushEvery(1_000_000); // 1 ms
    try {
      Thread worker =
          new Thread(
              () ->
                  shared
                      .buffer()
                      .record("found\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      worker.start();
      worker.join(); // the worker is gone, its record still buffered: only the flusher can write it
      assertEquals("found\n", writes.take());
    } finally {
      shared.stopFlushing();
    }
    assertEquals(
        List.of("erase"), log, "the progress line is erased before the results are written");
  }

  @Test
  void recordsOfConcurrentWriters_neverInterleave() throws Exception {
    Chunks out = new Chunks();
    SharedOutput shared = new SharedOutput(out, () -> {});
    int writers = 8;
    int perWriter = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      byte letter = (byte) ('A' + w);
      SplittableRandom random = new SplittableRandom(w);
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  SharedOutput.Buffer buffer = shared.buffer();
                  for (int i = 0; i < perWriter; i++) {
                    byte[] body = new byte[1 + random.nextInt(120)];
                    Arrays.fill(body, letter);
                    buffer.record(body, (byte) '\n');
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), List.copyOf(failures));
    shared.flushAll();
    String text = out.all.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(text.endsWith("\n"));
    int[] perLetter = new int[writers];
    for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
      assertTrue(
          !line.isEmpty() && line.chars().allMatch(c -> c == line.charAt(0)),
          "spliced line: " + line);
      perLetter[line.charAt(0) - 'A']++;
    }
    for (int count : perLetter) {
      assertEquals(perWriter, count);
    }
  }
}
