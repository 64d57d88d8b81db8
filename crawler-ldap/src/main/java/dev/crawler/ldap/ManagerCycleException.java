package dev.crawler.ldap;

/** A person met again below themselves: their reports include one of their own managers. */
public final class ManagerCycleException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * An exception.
   *
   * @param message names the person met again
   */
  public ManagerCycleException(String message) {
    super(message);
  }
}
