package dev.crawler.bench;

import dev.crawler.core.Crawl;
import dev.crawler.core.CrawlReport;
import dev.crawler.core.Crawler;
import dev.crawler.core.Outcome;
import dev.crawler.core.spi.BranchSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/** The peers the engine is measured against, each the obvious way to write it. */
final class Peers {
  private Peers() {}

  static List<Peer> all() {
    return List.of(
        new Sequential(),
        new PoolWithQueue(),
        new ForkJoin(false),
        new ForkJoin(true),
        new GoPort(),
        new VirtualThreads(),
        new Engine());
  }

  /** One thread, an explicit stack. */
  static final class Sequential implements Peer {
    @Override
    public String name() {
      return "sequential";
    }

    @Override
    public void crawl(SlowTree tree, int workers, IntConsumer visit) {
      int[] stack = new int[64];
      int top = 0;
      stack[top++] = 0;
      visit.accept(0);
      while (top > 0) {
        int node = stack[--top];
        int[][] ref = {stack};
        int[] size = {top};
        tree.list(
            node,
            visit,
            branch -> {
              visit.accept(branch);
              if (size[0] == ref[0].length) {
                ref[0] = Arrays.copyOf(ref[0], size[0] * 2);
              }
              ref[0][size[0]++] = branch;
            });
        stack = ref[0];
        top = size[0];
      }
    }
  }

  /** A fixed pool of W threads, an unbounded queue, one task per branch, a pending counter. */
  static final class PoolWithQueue implements Peer {
    @Override
    public String name() {
      return "thread pool + queue";
    }

    @Override
    public void crawl(SlowTree tree, int workers, IntConsumer visit) throws Exception {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
      taskPerBranch(pool, tree, visit, Runnable::run);
    }
  }

  /** ForkJoinPool of parallelism W, a RecursiveAction per branch; optionally a ManagedBlocker. */
  static final class ForkJoin implements Peer {
    private final boolean managedBlocker;

    ForkJoin(boolean managedBlocker) {
      this.managedBlocker = managedBlocker;
    }

    @Override
    public String name() {
      return managedBlocker ? "ForkJoin + ManagedBlocker" : "ForkJoin RecursiveAction";
    }

    @Override
    public void crawl(SlowTree tree, int workers, IntConsumer visit) throws Exception {
      ForkJoinPool pool = new ForkJoinPool(workers);
      try {
        visit.accept(0);
        pool.invoke(new Branch(tree, 0, visit, managedBlocker));
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(1, TimeUnit.MINUTES);
      }
    }

    private static final class Branch extends RecursiveAction {
      private static final long serialVersionUID = 1L;
      private final transient SlowTree tree;
      private final int node;
      private final transient IntConsumer visit;
      private final boolean managed;

      Branch(SlowTree tree, int node, IntConsumer visit, boolean managed) {
        this.tree = tree;
        this.node = node;
        this.visit = visit;
        this.managed = managed;
      }

      @Override
      protected void compute() {
        List<Branch> subs = new ArrayList<>();
        IntConsumer branch =
            b -> {
              visit.accept(b);
              subs.add(new Branch(tree, b, visit, managed));
            };
        if (managed) {
          try {
            ForkJoinPool.managedBlock(
                new ForkJoinPool.ManagedBlocker() {
                  boolean done;

                  @Override
                  public boolean block() {
                    tree.list(node, visit, branch);
                    done = true;
                    return true;
                  }

                  @Override
                  public boolean isReleasable() {
                    return done;
                  }
                });
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        } else {
          tree.list(node, visit, branch);
        }
        invokeAll(subs);
      }
    }
  }

  /**
   * A faithful port of the Go original: a sub-branch is offered on the synchronous handoff only
   * when the worker is about to descend into it, and one counter increment per branch.
   */
  static final class GoPort implements Peer {
    @Override
    public String name() {
      return "Go port (offer on descent)";
    }

    @Override
    public void crawl(SlowTree tree, int workers, IntConsumer visit) throws Exception {
      SynchronousQueue<Integer> handoff = new SynchronousQueue<>();
      AtomicLong pending = new AtomicLong(1);
      CountDownLatch done = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      for (int w = 0; w < workers; w++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    while (true) {
                      walk(tree, handoff.take(), visit, handoff, pending, done);
                    }
                  } catch (InterruptedException e) {
                    // done
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    done.countDown();
                  }
                },
                "go-port-" + w);
        threads.add(t);
        t.start();
      }
      visit.accept(0);
      handoff.put(0);
      done.await();
      threads.forEach(Thread::interrupt);
      for (Thread t : threads) {
        t.join();
      }
      if (failure.get() != null) {
        throw new IllegalStateException(failure.get());
      }
    }

    /**
     * walk(b): list b, and for each sub-branch offer it, else descend (explicit frames, not
     * recursion).
     */
    private static void walk(
        SlowTree tree,
        int root,
        IntConsumer visit,
        SynchronousQueue<Integer> handoff,
        AtomicLong pending,
        CountDownLatch done) {
      ArrayDeque<int[]> frames = new ArrayDeque<>(); // [next index, branches...]
      frames.push(listing(tree, root, visit));
      while (!frames.isEmpty()) {
        int[] frame = frames.peek();
        if (frame[0] == frame.length) {
          frames.pop();
          if (pending.decrementAndGet() == 0) {
            done.countDown();
          }
          continue;
        }
        int child = frame[frame[0]++];
        pending.incrementAndGet();
        if (!handoff.offer(child)) {
          frames.push(listing(tree, child, visit));
        }
      }
    }

    private static int[] listing(SlowTree tree, int node, IntConsumer visit) {
      int[][] out = {new int[9]};
      int[] size = {1};
      tree.list(
          node,
          visit,
          b -> {
            visit.accept(b);
            if (size[0] == out[0].length) {
              out[0] = Arrays.copyOf(out[0], size[0] * 2);
            }
            out[0][size[0]++] = b;
          });
      int[] frame = Arrays.copyOf(out[0], size[0]);
      frame[0] = 1;
      return frame;
    }
  }

  /** A virtual thread per branch, a Semaphore(W) around each listing (JDK 21+ only). */
  static final class VirtualThreads implements Peer {
    @Override
    public String name() {
      return "virtual threads + Semaphore(W)";
    }

    @Override
    public boolean available() {
      return Runtime.version().feature() >= 21;
    }

    @Override
    public void crawl(SlowTree tree, int workers, IntConsumer visit) throws Exception {
      // Reflection keeps the build's floor at 17.
      ExecutorService executor =
          (ExecutorService)
              Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      Semaphore permits = new Semaphore(workers);
      taskPerBranch(
          executor,
          tree,
          visit,
          listing -> {
            permits.acquire();
            try {
              listing.run();
            } finally {
              permits.release();
            }
          });
    }
  }

  /** How a task runs its listing: directly, or inside a guard such as a semaphore's permit. */
  private interface ListingGuard {
    void run(Runnable listing) throws InterruptedException;
  }

  /**
   * The crawl both executor peers share: the root visited, then one task per branch on {@code
   * executor}, each listing its branch through {@code guard} and submitting a task per sub-branch;
   * a counter of branches not yet listed says when the crawl ends. The first failure ends it too
   * and is rethrown. The executor is shut down before this returns.
   */
  private static void taskPerBranch(
      ExecutorService executor, SlowTree tree, IntConsumer visit, ListingGuard guard)
      throws InterruptedException {
    AtomicLong pending = new AtomicLong(1);
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    visit.accept(0);
    class ListTask implements Runnable {
      final int node;

      ListTask(int node) {
        this.node = node;
      }

      @Override
      public void run() {
        try {
          guard.run(
              () ->
                  tree.list(
                      node,
                      visit,
                      branch -> {
                        visit.accept(branch);
                        pending.incrementAndGet();
                        executor.execute(new ListTask(branch));
                      }));
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          done.countDown();
        }
        if (pending.decrementAndGet() == 0) {
          done.countDown();
        }
      }
    }
    executor.execute(new ListTask(0));
    done.await();
    executor.shutdownNow();
    executor.awaitTermination(1, TimeUnit.MINUTES);
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
  }

  /** This project's engine. */
  static final class Engine implements Peer {
    @Override
    public String name() {
      return "crawler engine";
    }

    @Override
    public void crawl(SlowTree tree, int workers, IntConsumer visit) throws Exception {
      BranchSource<Integer, Void> source =
          (session, node, out) -> tree.list(node, out::leaf, out::branch);
      try (Crawl<Integer> crawl =
          Crawler.over(source).workers(workers).start(0, v -> visit.accept(v.node()))) {
        CrawlReport<Integer> report = crawl.await();
        if (report.outcome() != Outcome.COMPLETE) {
          throw new IllegalStateException("crawl ended " + report.outcome(), report.failure());
        }
      }
    }
  }
}
