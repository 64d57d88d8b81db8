package dev.crawler.cli;

import java.io.IOException;
import java.io.OutputStream;

/** Standard output whose reader went away ({@code crawl ... | head}): every write fails. */
public final class ClosedPipe extends OutputStream {
  @Override
  public void write(int b) throws IOException {
    throw new IOException("Broken pipe");
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    throw new IOException("Broken pipe");
  }
}
