package dev.crawler.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Standard output shared by the crawl's workers. Each worker fills its own 64 KiB buffer and
 * writes it whole under one lock, so lines never interleave and the lock is taken once per
 * buffer, not once per entry.
 *
 * <p>Memory stays bounded whatever the reader's speed: when the reader (a pipe) is slow, the
 * write blocks, the lock is held, and every other worker blocks on its next full buffer, so at
 * most one buffer per worker is ever waiting. A write that fails (the reader went away: {@code
 * crawl fs / | head}) is remembered, runs {@code onFailure} once (which cancels the crawl), and
 * later writes are dropped.
 */
final class SharedOutput {
  private static final int BUFFER_SIZE = 64 * 1024;

  private final OutputStream out;
  private final Runnable onFailure;
  private final Object lock = new Object();
  /** Every buffer ever handed out, for the final flush after the workers are gone. */
  private final List<Buffer> buffers = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Buffer> local = ThreadLocal.withInitial(this::newBuffer);
  /** Guarded by {@link #lock}. */
  private IOException failure;

  SharedOutput(OutputStream out, Runnable onFailure) {
    this.out = out;
    this.onFailure = onFailure;
  }

  /** The calling thread's buffer. */
  Buffer buffer() {
    return local.get();
  }

  /** Writes out every buffer. Call only when no worker is writing any more. */
  void flushAll() {
    for (Buffer buffer : buffers) {
      buffer.flush();
    }
    synchronized (lock) {
      if (failure == null) {
        try {
          out.flush();
        } catch (IOException e) {
          failure = e;
        }
      }
    }
  }

  /** Whether a write failed, typically because the reader closed the pipe. */
  boolean failed() {
    synchronized (lock) {
      return failure != null;
    }
  }

  private Buffer newBuffer() {
    Buffer buffer = new Buffer();
    buffers.add(buffer);
    return buffer;
  }

  /** One thread's pending output. Used by that thread only (and by flushAll after it is gone). */
  final class Buffer {
    private final byte[] data = new byte[BUFFER_SIZE];
    private int size;

    void write(byte[] bytes) {
      if (size + bytes.length > data.length) {
        flush();
        if (bytes.length > data.length) {
          writeThrough(bytes, bytes.length);
          return;
        }
      }
      System.arraycopy(bytes, 0, data, size, bytes.length);
      size += bytes.length;
    }

    void write(byte b) {
      if (size == data.length) {
        flush();
      }
      data[size++] = b;
    }

    void flush() {
      if (size > 0) {
        writeThrough(data, size);
        size = 0;
      }
    }

    private void writeThrough(byte[] bytes, int length) {
      boolean failedNow = false;
      synchronized (lock) {
        if (failure == null) {
          try {
            out.write(bytes, 0, length);
          } catch (IOException e) {
            failure = e;
            failedNow = true;
          }
        }
      }
      if (failedNow) {
        onFailure.run();
      }
    }
  }
}
