package dev.crawler.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * A branch that could not be listed: which, how deep, why, and after how many attempts. Its
 * children were not visited. Immutable and thread-safe (if the cause is not mutated).
 *
 * @param branch the branch whose listing failed
 * @param depth the branch's depth, 0 for the root
 * @param cause what the last attempt threw
 * @param attempts how many times the listing was tried, at least 1
 * @param <T> the node type
 */
public record BranchError<T>(T branch, int depth, Exception cause, int attempts) {

  /**
   * Checks the components.
   *
   * @param branch the branch whose listing failed
   * @param depth the branch's depth, 0 for the root
   * @param cause what the last attempt threw
   * @param attempts how many times the listing was tried, at least 1
   */
  public BranchError {
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(cause, "cause");
    checkArgument(depth >= 0, "depth (%s) must not be negative", depth);
    checkArgument(attempts >= 1, "attempts (%s) must be at least 1", attempts);
  }

  /**
   * A one-line description for logs and terminals: the branch, then the cause's message.
   *
   * @return {@code "<branch>: <message>"}
   */
  public String describe() {
    String message = cause.getMessage();
    return branch + ": " + (message == null ? cause.getClass().getSimpleName() : message);
  }
}
