package dev.crawler.core;

import java.util.function.Consumer;

/** Calls the user's consumer on the worker thread, once per visit, unbuffered. */
final class PushSink<T> implements VisitSink<T> {
  private final Consumer<? super Visit<T>> consumer;

  PushSink(Consumer<? super Visit<T>> consumer) {
    this.consumer = consumer;
  }

  @Override
  public Emitter<T> newEmitter(WorkerStats stats) {
    return new Emitter<>() {
      @Override
      public void emit(Visit<T> visit) {
        consumer.accept(visit);
        stats.countDelivered(visit);
      }

      @Override
      public void flush() {}
    };
  }

  @Override
  public void finish() {}
}
