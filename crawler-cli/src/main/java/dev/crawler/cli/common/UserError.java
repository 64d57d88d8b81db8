package dev.crawler.cli.common;

/** A problem with the user's input, shown as one line and exit code 2, never a stack trace. */
public final class UserError extends Exception {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
