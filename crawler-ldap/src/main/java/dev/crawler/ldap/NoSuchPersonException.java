package dev.crawler.ldap;

/** The root named for a crawl matches no person, or more than one. */
public final class NoSuchPersonException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * An exception.
   *
   * @param message names the root and what it matched
   */
  public NoSuchPersonException(String message) {
    super(message);
  }
}
