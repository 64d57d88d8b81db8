package dev.crawler.cli.common;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard error as a command writes it: messages, and on a terminal the live progress line. A
 * message erases the progress line first, so it starts a line of its own instead of being glued to
 * the line's end ({@code ...0 errorscrawl: interrupted}); the next tick draws the line again.
 *
 * <p>Thread-safe: the crawl's workers, the progress thread and the Ctrl-C hook write at once. Every
 * write goes through {@link #write(byte[], int, int)} under this stream's lock, which {@link
 * PrintStream}'s own methods hold for a whole {@code println}, so a message is never split by a
 * progress line.
 */
public final class Stderr extends PrintStream {
  private static final byte[] ERASE_LINE = "\r\033[K".getBytes(StandardCharsets.US_ASCII);

  /** Whether the progress line is on screen, unended. Guarded by {@code this}. */
  private boolean progressShown;

  /**
   * @param out where the bytes go, as UTF-8 text
   */
  public Stderr(OutputStream out) {
    super(out, true, StandardCharsets.UTF_8);
  }

  /** Draws {@code line} as the progress line, over the one before; no newline. */
  synchronized void showProgress(String line) {
    print(line.startsWith("\r") ? line : "\r\033[K" + line); // erases the one before, if shown
    flush();
    progressShown = true;
  }

  @Override
  public void write(int b) {
    synchronized (this) {
      eraseProgress();
      super.write(b);
    }
  }

  @Override
  public void write(byte[] buf, int off, int len) {
    synchronized (this) {
      eraseProgress();
      super.write(buf, off, len);
    }
  }

  /**
   * Takes the progress line off the screen, if it is there, before results are written to the same
   * terminal on stdout: they would be glued to its end. The next tick draws it again, below them.
   */
  synchronized void eraseProgressLine() {
    if (progressShown) {
      eraseProgress();
      flush();
    }
  }

  /** Under the lock: takes the progress line off the screen, if it is there. */
  private void eraseProgress() {
    if (progressShown) {
      progressShown = false;
      super.write(ERASE_LINE, 0, ERASE_LINE.length);
    }
  }
}
