package dev.crawler.cli;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output on a full disk ({@code crawl ... > /dev/full}): every write fails as Java says
 * ENOSPC. Counts the writes tried, to tell that a crawl stopped at the first.
 */
public final class FullDisk extends OutputStream {
  public static final String REASON = "No space left on device";

  /** Writes tried; written by the crawl's threads. */
  public final java.util.concurrent.atomic.AtomicInteger writes =
      new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public void write(int b) throws IOException {
    writes.incrementAndGet();
    throw new IOException(REASON);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    writes.incrementAndGet();
    throw new IOException(REASON);
  }
}
