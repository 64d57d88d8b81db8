package dev.crawler.example.http;

import java.io.IOException;

/**
 * A listing that cannot be trusted: a line that is not an entry, or a listing that does not end
 * with the count of its entries, so that some entries may be missing. Either way the crawl must not
 * take the listing for the directory's whole content. {@link #isTruncated()} tells the two apart: a
 * listing cut short may come whole on the next attempt, a malformed one will not. Immutable.
 */
public final class BadListingException extends IOException {
  private static final long serialVersionUID = 1L;

  private final boolean truncated;

  BadListingException(String message, boolean truncated) {
    super(message);
    this.truncated = truncated;
  }

  /**
   * Whether the listing was cut short (no end line, or fewer entries than it counts), as opposed to
   * malformed.
   *
   * @return {@code true} for a listing cut short
   */
  public boolean isTruncated() {
    return truncated;
  }
}
