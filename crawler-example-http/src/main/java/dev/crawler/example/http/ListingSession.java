package dev.crawler.example.http;

import java.util.Objects;

/**
 * One worker's session on the listing server: the token {@code POST /session} handed out, sent with
 * each of that worker's listings. Opened by {@link HttpListingSource#open()}, given up by {@link
 * HttpListingSource#close}. Immutable; the engine uses a session on one thread only.
 */
public final class ListingSession {
  private final String token;

  ListingSession(String token) {
    this.token = Objects.requireNonNull(token, "token");
  }

  String token() {
    return token;
  }

  /** The session without its token, which a log must not carry. */
  @Override
  public String toString() {
    return "ListingSession[token=...]";
  }
}
