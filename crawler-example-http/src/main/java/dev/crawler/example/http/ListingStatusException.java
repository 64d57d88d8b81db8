package dev.crawler.example.http;

import java.io.IOException;

/**
 * The listing server answered a request with a status other than the one expected. Whether that is
 * worth a retry, or a new session, is the status's to say: see {@link #isTransient()} and {@link
 * #isSessionExpired()}. Immutable.
 */
public final class ListingStatusException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * The failure of the request for {@code path}.
   *
   * @param path what was asked for: a directory's path, or the session's
   * @param status the HTTP status the server answered
   */
  public ListingStatusException(String path, int status) {
    super("HTTP " + status + " for " + path);
    this.status = status;
  }

  /**
   * The HTTP status the server answered.
   *
   * @return the status code
   */
  public int status() {
    return status;
  }

  /**
   * Whether the same request may succeed later: the server is busy or restarting (429, 502, 503,
   * 504), or the session expired (401, with a new session). Anything else (404: the directory is
   * gone; 403: not ours to read) will answer the same on every attempt.
   *
   * @return {@code true} for a status worth a retry
   */
  public boolean isTransient() {
    return status == 429 || status == 502 || status == 503 || status == 504 || isSessionExpired();
  }

  /**
   * Whether the server no longer knows the session's token (401).
   *
   * @return {@code true} if the request needs a new session
   */
  public boolean isSessionExpired() {
    return status == 401;
  }
}
