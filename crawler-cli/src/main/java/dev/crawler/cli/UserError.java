package dev.crawler.cli;

/** A problem with the user's input, shown as one line and exit code 2, never a stack trace. */
final class UserError extends Exception {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message);
  }

  UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
