package dev.crawler.core;

/**
 * Where workers deliver visits: straight to a consumer, or into the bounded buffer behind a stream.
 * Thread-safe; each worker uses its own {@link Emitter}.
 */
interface VisitSink<T> {

  /** One worker's outlet. Used by that worker only. */
  interface Emitter<T> {
    /** Delivers one visit, or queues it for the next {@link #flush()}; may block for space. */
    void emit(Visit<T> visit) throws InterruptedException;

    /** Delivers everything queued; may block for space. */
    void flush() throws InterruptedException;
  }

  /**
   * A new outlet for one worker.
   *
   * @param stats the worker's counters: a visit is counted when it is actually handed over (to the
   *     consumer, or into the stream's buffer), so a visit dropped by a stop is not counted
   */
  Emitter<T> newEmitter(WorkerStats stats);

  /**
   * Called by every stop of the crawl, before any worker is interrupted: from then on visits are
   * dropped, and a worker waiting to hand some over returns at once, whatever its interrupt status.
   * A sink whose emitters never wait may ignore it.
   */
  default void stopAccepting() {}

  /** Called once, after the last worker has exited: no visit follows. */
  void finish();
}
