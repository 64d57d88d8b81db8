package dev.crawler.core.spi;

import java.util.List;

/**
 * What a plugin implements to make a tree crawlable: how to list one branch.
 *
 * <p>A crawl opens one session per worker thread ({@link #open()}), calls {@link #list} with that
 * session for every branch the worker takes, and closes the session ({@link #close}) when the
 * worker stops, whatever the reason. A session is therefore only ever used by one thread at a time
 * and needs no synchronization of its own; the source object itself is shared by all workers and
 * must be safe for concurrent calls of its methods. Nothing here knows about threads, queues or the
 * engine: a source can run unchanged wherever branches are listed.
 *
 * <p>For a stateless source, {@code open} may stay the default and the source can be a lambda:
 *
 * <pre>{@code
 * BranchSource<Path, Void> dirs = (session, dir, out) -> {
 *   try (var entries = Files.newDirectoryStream(dir)) {
 *     for (Path p : entries) {
 *       if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) out.branch(p); else out.leaf(p);
 *     }
 *   }
 * };
 * }</pre>
 *
 * <h2>When a method throws</h2>
 *
 * <ul>
 *   <li>{@code list} throwing an {@link Exception}: if {@link #isTransient} says so, the listing is
 *       retried with backoff up to the crawl's retry policy; otherwise, or when attempts run out,
 *       the branch is reported as a {@code BranchError} and the crawl goes on (or stops, under a
 *       fail-fast policy). Children given to {@code out} by a failed attempt are discarded: a
 *       listing is committed only when {@code list} returns normally, except for leaves the source
 *       committed early with {@link Children#commitLeaves()} (such an attempt is never retried).
 *   <li>{@code list} throwing an {@link Error}: the crawl stops and fails with that error.
 *   <li>{@code open} throwing: retried if transient, otherwise the crawl fails with that cause. An
 *       {@code open} that takes long (a connection that hangs) holds up only its own worker: the
 *       roots go to whichever worker has a session first.
 *   <li>{@code close} throwing, an {@link Error} included: logged and otherwise ignored.
 *   <li>{@code isTransient} or {@code isSessionBroken} throwing: the crawl fails with that cause.
 * </ul>
 *
 * <p>Cancellation interrupts the worker thread; a long listing should let {@link
 * InterruptedException} (or an interrupted I/O exception) propagate. An exception thrown after the
 * crawl was cancelled is not reported as an error. A source that swallows the interrupt is safe
 * too: the engine never relies on the interrupt surviving a call of the source, and the worker
 * stops as soon as the call returns. What the engine cannot shorten is the call itself: a {@code
 * list} (or {@code open}) that ignores interrupts keeps its worker until it returns, and a {@code
 * close} that never returns keeps {@code Crawl.await()} waiting ({@code await(Duration)} still
 * returns).
 *
 * @param <T> the type of a node: a branch or a leaf
 * @param <S> the per-worker session, for example a connection; {@link Void} when there is none
 */
@FunctionalInterface
public interface BranchSource<T, S> {

  /**
   * Opens the session one worker uses for all its listings. Called once on each worker thread
   * before its first listing, and again after a listing failed in a way {@link #isSessionBroken}
   * recognizes. The default returns {@code null}, for sources that need no session.
   *
   * @return the session, possibly {@code null}
   * @throws Exception when no session can be had; see the class comment for what follows
   */
  default S open() throws Exception {
    return null;
  }

  /**
   * Lists one branch: calls {@code out.leaf} for each child that is a leaf and {@code out.branch}
   * for each child that must be listed in turn. Runs on a worker thread, with that worker's
   * session.
   *
   * @param session the calling worker's session, as returned by {@link #open()}
   * @param branch the branch to list
   * @param out where to put the children; valid only during this call
   * @throws Exception when the branch cannot be listed; see the class comment
   */
  void list(S session, T branch, Children<T> out) throws Exception;

  /**
   * How many workers suit this source when the caller does not say: for a source whose listings
   * wait on a server, what keeps the server busy without queueing at it. The default, 0, leaves it
   * to the engine ({@code Crawler.DEFAULT_WORKERS}).
   *
   * @return 0, or from 1 to {@code Crawler.MAX_WORKERS} (10,000)
   */
  default int preferredWorkers() {
    return 0;
  }

  /**
   * The most branches {@link #listAll} may be given in one call. The default, 1, lists one branch
   * per call. A source whose one request can answer for many branches (an LDAP query with an OR of
   * managers) says more, and the engine then lists up to that many of a worker's pending branches
   * together: fewer round trips, same visits.
   *
   * @return at least 1
   */
  default int batchLimit() {
    return 1;
  }

  /**
   * Lists several branches in one call: {@code out.get(i)} receives the children of {@code
   * branches.get(i)}. Called only with more than one branch, and only if {@link #batchLimit()} is
   * above 1. The default lists them one by one.
   *
   * <p>A batch succeeds or fails as a whole: a transient failure retries the batch; any other
   * failure, or running out of attempts, makes the engine list each branch of the batch on its own,
   * so that an error always names the branch that caused it.
   *
   * @param session the calling worker's session
   * @param branches the branches to list, two or more
   * @param out one {@link Children} per branch, in the same order; valid only during this call
   * @throws Exception when the batch cannot be listed
   */
  default void listAll(S session, List<T> branches, List<? extends Children<T>> out)
      throws Exception {
    for (int i = 0; i < branches.size(); i++) {
      list(session, branches.get(i), out.get(i));
    }
  }

  /**
   * Closes a session. Called once for every session {@link #open()} returned, on the thread that
   * opened it, including when the crawl was cancelled or failed. The default closes the session if
   * it is {@link AutoCloseable}.
   *
   * @param session the session to close, possibly {@code null}
   * @throws Exception if closing fails; it is logged and otherwise ignored
   */
  default void close(S session) throws Exception {
    if (session instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /**
   * Whether a failure of {@link #list} or {@link #open()} is worth retrying (a timeout, a dropped
   * connection, "server busy"). The default says no.
   *
   * @param failure what {@code list} or {@code open} threw
   * @return {@code true} to retry with backoff, within the crawl's retry policy
   */
  default boolean isTransient(Exception failure) {
    return false;
  }

  /**
   * Whether a failure of {@link #list} left the session unusable (a closed connection). The session
   * is then closed and a new one opened before the next attempt. The default says no.
   *
   * @param failure what {@code list} threw
   * @return {@code true} to replace the session before the next listing
   */
  default boolean isSessionBroken(Exception failure) {
    return false;
  }
}
