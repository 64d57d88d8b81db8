package dev.crawler.cli.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Standard output shared by the crawl's workers. Each worker fills its own 64 KiB buffer and writes
 * it whole under one lock, so the lock is taken once per buffer, not once per entry.
 *
 * <p>Output is made of <em>records</em> (a path and its terminator, a JSON line, a CSV row), and a
 * record is never split: a buffer is written out only between records, and a record larger than a
 * buffer goes out in one locked write of its own. So the bytes of one record are never separated by
 * another worker's, whatever the record sizes. (A path that exactly filled a buffer used to go out
 * without its newline, which came at the head of the worker's next buffer, after other workers'
 * lines: two paths glued on one line, and an empty line elsewhere.)
 *
 * <p>An {@link #ordered} output keeps records in the order they are written, across threads: one
 * buffer for all, each record appended under the lock. {@code crawl ldap} uses it so that every
 * manager comes before their reports (the engine delivers a parent before its children); it costs a
 * lock per record, which a few thousand people a second do not notice, and a million files a second
 * would.
 *
 * <p>Memory stays bounded whatever the reader's speed: when the reader (a pipe) is slow, the write
 * blocks, the lock is held, and every other worker blocks on its next full buffer, so at most one
 * buffer per worker is ever waiting. A write that fails is remembered, runs {@code onFailure} once
 * (which cancels the crawl), and later writes are dropped, whatever the failure: the reader went
 * away ({@code crawl fs / | head}), or the output cannot be written (a full disk). The command then
 * asks {@link #checkWritten} which one it was: only the second is an error.
 *
 * <p>Results are shown as they are found: {@link #flushEvery} starts a thread that writes out,
 * every period, what the buffers hold, so a slow crawl (a directory at 30 ms a search, a rate
 * limit) does not keep what it found until a buffer fills (it did: 3,423 lines at once after a long
 * wait). Each buffer has its own lock for that, which its worker takes once per record, uncontended
 * but for a tick of the flusher.
 */
public final class SharedOutput {
  private static final int BUFFER_SIZE = 64 * 1024;

  private final OutputStream out;
  private final Runnable onFailure;
  private final Object lock = new Object();

  /** Every buffer ever handed out, for the final flush after the workers are gone. */
  private final List<Buffer> buffers = new CopyOnWriteArrayList<>();

  private final ThreadLocal<Buffer> local = ThreadLocal.withInitial(this::newBuffer);

  /** The one buffer of an ordered output, {@code null} otherwise. */
  private final Buffer shared;

  /**
   * The first failed write. Written under {@link #lock}; volatile so that {@link #failed} reads it
   * without the lock, which {@link #writeWhole} holds while a long command output streams.
   */
  private volatile IOException failure;

  /** Writes the buffers out every period while the crawl runs; {@code null} until started. */
  private Thread flusher;

  /** Set by {@link #stopFlushing}; read by the flusher. */
  private volatile boolean flushing;

  /** Run under {@link #lock} before each write: takes a progress line off a shared screen. */
  private volatile Runnable beforeWrite = () -> {};

  public SharedOutput(OutputStream out, Runnable onFailure) {
    this(out, onFailure, false);
  }

  private SharedOutput(OutputStream out, Runnable onFailure, boolean ordered) {
    this.out = out;
    this.onFailure = onFailure;
    this.shared = ordered ? newBuffer() : null;
  }

  /** An output whose records keep the order of the calls that wrote them, whatever the thread. */
  static SharedOutput ordered(OutputStream out, Runnable onFailure) {
    return new SharedOutput(out, onFailure, true);
  }

  /** The calling thread's buffer (the shared one, when ordered). */
  public Buffer buffer() {
    return shared != null ? shared : local.get();
  }

  /**
   * Starts writing out what the buffers hold every {@code periodNanos}, on a thread of its own,
   * until {@link #stopFlushing}: a record then waits at most about that long to be written. Call
   * once.
   */
  synchronized void flushEvery(long periodNanos) {
    flushing = true;
    flusher =
        new Thread(
            () -> {
              while (flushing) {
                LockSupport.parkNanos(periodNanos);
                if (flushing) {
                  flushPending();
                }
              }
            },
            "crawl-output-flusher");
    flusher.setDaemon(true);
    flusher.start();
  }

  /**
   * Runs {@code action} before each write, under the output's lock: for a progress line on stderr
   * that shares a terminal with stdout, which must be erased before results are written.
   */
  void beforeEachWrite(Runnable action) {
    this.beforeWrite = action;
  }

  /** Stops the thread {@link #flushEvery} started, and waits for it. */
  void stopFlushing() {
    Thread t;
    synchronized (this) {
      t = flusher;
      flusher = null;
    }
    if (t == null) {
      return;
    }
    flushing = false;
    LockSupport.unpark(t);
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The flusher's tick: every buffer that holds records goes out, then the stream is flushed. */
  private void flushPending() {
    boolean wrote = false;
    for (Buffer buffer : buffers) {
      wrote |= buffer.flushIfAny();
    }
    if (!wrote) {
      return;
    }
    boolean failedNow;
    synchronized (lock) {
      failedNow = !flushUnlessFailed();
    }
    if (failedNow) {
      onFailure.run();
    }
  }

  /**
   * Writes out every buffer. Call only when no worker is writing any more (their threads were
   * joined). Synchronized: the command's own thread and the Ctrl-C hook may both call it, and a
   * buffer must not be written twice.
   */
  synchronized void flushAll() {
    for (Buffer buffer : buffers) {
      buffer.flush();
    }
    synchronized (lock) {
      flushUnlessFailed(); // after the workers are gone: the command asks how it went
    }
  }

  /** Whether a write failed, because the reader closed the pipe or for any other reason. */
  public boolean failed() {
    return failure != null;
  }

  /** Whether a write failed because the reader went away: how a pipeline ends, not an error. */
  public boolean readerGone() {
    synchronized (lock) {
      return failure != null && WriteFailure.readerGone(failure);
    }
  }

  /**
   * Throws if a write failed for another reason than a reader that went away: the output is not
   * what was asked for. Call after the last write.
   *
   * @throws ExitStatus.OutputFailedException naming the system's reason
   */
  public void checkWritten() throws ExitStatus.OutputFailedException {
    IOException failed;
    synchronized (lock) {
      failed = failure;
    }
    if (failed != null && !WriteFailure.readerGone(failed)) {
      throw new ExitStatus.OutputFailedException(failed);
    }
  }

  /**
   * Writes {@code bytes} now, as one record, and flushes: a header, a footer, totals. Written only
   * if no write failed before; a failure is remembered and runs {@code onFailure}, as any.
   */
  public void writeNow(byte[] bytes) {
    if (bytes.length == 0) {
      return; // as a FileOutputStream would: an empty header is no write, and cannot fail
    }
    try {
      writeWhole(bytes, bytes.length, null);
    } catch (IOException e) {
      throw new AssertionError("no stream is read", e); // only reading rest throws
    }
  }

  /**
   * Writes one command's output as one record: {@code head[0, length)}, then whatever {@code rest}
   * yields until its end (when not {@code null}), with no other thread's bytes in between, and
   * flushes. For {@code crawl fs -x}, whose commands' outputs must not interleave. The lock is held
   * while {@code rest} is read: other writers wait, which bounds what a long output makes us hold.
   * After a failed write (the reader is gone), {@code rest} is still read to its end, so the
   * command writing it is not left blocked on a full pipe.
   */
  public void writeWhole(byte[] head, int length, InputStream rest) throws IOException {
    boolean failedNow;
    synchronized (lock) {
      failedNow = !writeUnlessFailed(head, length);
      if (rest != null) {
        byte[] chunk = new byte[BUFFER_SIZE];
        for (int n; (n = rest.read(chunk)) >= 0; ) { // a failed read is the command's: thrown
          failedNow |= !writeUnlessFailed(chunk, n);
        }
      }
      failedNow |= !flushUnlessFailed();
    }
    if (failedNow) {
      onFailure.run();
    }
  }

  /**
   * Under the lock: flushes the stream unless a write failed before; {@code false} if this fails.
   */
  private boolean flushUnlessFailed() {
    if (failure != null) {
      return true; // failed before: onFailure already ran
    }
    try {
      out.flush();
      return true;
    } catch (IOException e) {
      failure = e;
      return false;
    }
  }

  /** Under the lock: writes unless a write failed before; {@code false} if this one fails. */
  private boolean writeUnlessFailed(byte[] bytes, int length) {
    if (failure != null) {
      return true; // failed before: dropped, and onFailure already ran
    }
    try {
      beforeWrite.run();
      out.write(bytes, 0, length);
      return true;
    } catch (IOException e) {
      failure = e;
      return false;
    }
  }

  private Buffer newBuffer() {
    Buffer buffer = new Buffer();
    buffers.add(buffer);
    return buffer;
  }

  /**
   * One thread's pending output: used by that thread, by the flusher's ticks under the buffer's
   * guard, and by flushAll after the thread is gone.
   */
  public final class Buffer {
    private final byte[] data = new byte[BUFFER_SIZE];
    private int size;

    /** Appends one whole record. */
    public void record(byte[] bytes) {
      synchronized (guard()) {
        append(bytes);
      }
    }

    /**
     * What guards this buffer: the output's lock for the shared buffer of an ordered output, else
     * the buffer itself, which only its worker and the flusher take.
     */
    private Object guard() {
      return shared != null ? lock : this;
    }

    /** The flusher's: writes out what this buffer holds, if anything; whether it wrote. */
    boolean flushIfAny() {
      synchronized (guard()) {
        if (size == 0) {
          return false;
        }
        flushOwn();
        return true;
      }
    }

    private void append(byte[] bytes) {
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

    /** Appends one whole record: {@code body} then {@code terminator}, never separated. */
    public void record(byte[] body, byte terminator) {
      synchronized (guard()) {
        append(body, terminator);
      }
    }

    private void append(byte[] body, byte terminator) {
      int length = body.length + 1;
      if (size + length > data.length) {
        flush();
        if (length > data.length) {
          byte[] whole = Arrays.copyOf(body, length); // rare: larger than a buffer
          whole[body.length] = terminator;
          writeThrough(whole, length);
          return;
        }
      }
      System.arraycopy(body, 0, data, size, body.length);
      size += body.length;
      data[size++] = terminator;
    }

    void flush() {
      synchronized (guard()) {
        flushOwn();
      }
    }

    private void flushOwn() {
      if (size > 0) {
        writeThrough(data, size);
        size = 0;
      }
    }

    /** Writes {@code bytes[0, length)}, whole records, in one call under the lock. */
    private void writeThrough(byte[] bytes, int length) {
      boolean failedNow;
      synchronized (lock) {
        failedNow = !writeUnlessFailed(bytes, length);
      }
      if (failedNow) {
        onFailure.run();
      }
    }
  }
}
