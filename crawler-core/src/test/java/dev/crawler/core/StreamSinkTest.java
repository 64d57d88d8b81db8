package dev.crawler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The visit stream's buffer, alone: what closing the stream does, and in which order. */
class StreamSinkTest {

  /**
   * Closing the stream cancels the crawl before a single visit is dropped, so the crawl's outcome
   * is set (CANCELLED) before workers freed from the buffer can run to COMPLETE. Here the cancel
   * checks that the buffer still takes a worker's batch while it runs.
   */
  @Test
  void closingTheStream_cancelsBeforeItDropsAnything() throws Exception {
    WorkerStats stats = new WorkerStats();
    AtomicLong acceptedDuringCancel = new AtomicLong(-1);
    StreamSink<Integer>[] sink = newSinkArray();
    sink[0] =
        new StreamSink<>(
            16,
            () -> {
              VisitSink.Emitter<Integer> late = sink[0].newEmitter(stats);
              try {
                late.emit(new Visit<>(7, Visit.Kind.LEAF, 1, 0));
                late.flush();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              acceptedDuringCancel.set(stats.get(WorkerStats.Counter.LEAVES));
            });
    Stream<Visit<Integer>> visits = sink[0].stream();
    visits.close();
    assertEquals(
        1, acceptedDuringCancel.get(), "a batch offered while the cancel runs is still taken");
    // After the close, nothing is taken any more, and the reader gets nothing.
    VisitSink.Emitter<Integer> after = sink[0].newEmitter(stats);
    after.emit(new Visit<>(8, Visit.Kind.LEAF, 1, 0));
    after.flush();
    assertEquals(1, stats.get(WorkerStats.Counter.LEAVES));
  }

  @SuppressWarnings("unchecked")
  private static StreamSink<Integer>[] newSinkArray() {
    return (StreamSink<Integer>[]) new StreamSink<?>[1];
  }
}
