package dev.crawler.example.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real listing server for the tests: the JDK's {@link HttpServer} on loopback, serving a {@link
 * RemoteTree} in the protocol {@link HttpListingSource} speaks, with latency and faults on demand.
 * Thread-safe: faults may be set while it serves.
 *
 * <p>Faults, by directory path: {@link #fail} answers a status some number of times, {@link #hang}
 * answers nothing until the server closes, {@link #truncate} leaves out a listing's end line.
 * {@link #expireTokensAfter} makes a token unknown after some listings, as a session that times
 * out. Counters tell what was asked: listings per directory, sessions opened, sessions left open.
 */
final class ListingServer {
  private final RemoteTree tree;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final Duration latency;

  /** Status to answer, and how many more times, by directory path. */
  private final Map<String, int[]> failures = new ConcurrentHashMap<>();

  private final Set<String> hung = ConcurrentHashMap.newKeySet();
  private final Set<String> truncated = ConcurrentHashMap.newKeySet();

  /** Released by {@link #close}: every hung request then ends. */
  private final CountDownLatch release = new CountDownLatch(1);

  /** Counted down when a request for a hung directory arrives. */
  private final CountDownLatch hangArrived = new CountDownLatch(1);

  private final Map<String, AtomicInteger> listings = new ConcurrentHashMap<>();

  /** Uses left, by token of a live session. */
  private final Map<String, AtomicInteger> sessions = new ConcurrentHashMap<>();

  /** Tokens a listing request carried: sessions the client surely received. */
  private final Set<String> used = ConcurrentHashMap.newKeySet();

  private final AtomicInteger sessionsOpened = new AtomicInteger();
  private volatile int usesPerToken = Integer.MAX_VALUE;

  private ListingServer(RemoteTree tree, Duration latency) throws IOException {
    this.tree = tree;
    this.latency = latency;
    AtomicInteger threads = new AtomicInteger();
    this.handlers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "listing-server-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/api/", this::handle);
    server.start();
  }

  /**
   * Serves {@code tree}, each answer {@code latency} late.
   *
   * @param latency added to every request, as a server far away or busy would
   */
  static ListingServer serve(RemoteTree tree, Duration latency) throws IOException {
    return new ListingServer(tree, latency);
  }

  /** The base URI of the protocol, for {@link HttpListingSource#of}. */
  URI uri() {
    return URI.create(
        "http://"
            + server.getAddress().getHostString()
            + ":"
            + server.getAddress().getPort()
            + "/api/");
  }

  /** Answers the next {@code times} listings of {@code directory} with {@code status}. */
  void fail(String directory, int status, int times) {
    failures.put(directory, new int[] {status, times});
  }

  void hang(String directory) {
    hung.add(directory);
  }

  void truncate(String directory) {
    truncated.add(directory);
  }

  /** From now on a token is unknown (401) after {@code uses} listings. */
  void expireTokensAfter(int uses) {
    usesPerToken = uses;
  }

  /** Waits until a request for a hung directory has arrived. */
  void awaitHang() throws InterruptedException {
    hangArrived.await();
  }

  /** How many times {@code directory} was asked for, answered or not. */
  int listings(String directory) {
    AtomicInteger count = listings.get(directory);
    return count == null ? 0 : count.get();
  }

  /** Every directory asked for, with how many times. */
  Map<String, Integer> listings() {
    Map<String, Integer> copy = new TreeMap<>();
    listings.forEach((path, count) -> copy.put(path, count.get()));
    return copy;
  }

  int sessionsOpened() {
    return sessionsOpened.get();
  }

  /**
   * Sessions that served a listing and were neither logged out nor expired: sessions the client had
   * and did not close. A session whose login answer the client never read (an {@code open} cut by
   * the crawl's stop) cannot be logged out, and is left to expire, as on a real server.
   */
  int sessionsLeftOpen() {
    Set<String> open = new HashSet<>(sessions.keySet());
    open.retainAll(used);
    return open.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      // Simulated distance to the server: this thread is the server's, and nothing waits for it.
      TimeUnit.NANOSECONDS.sleep(latency.toNanos());
      String path = exchange.getRequestURI().getPath().substring("/api".length());
      String method = exchange.getRequestMethod();
      if (path.equals("/session") && method.equals("POST")) {
        String token = UUID.randomUUID().toString();
        sessions.put(token, new AtomicInteger(usesPerToken));
        sessionsOpened.incrementAndGet();
        send(exchange, 201, token);
      } else if (path.equals("/session") && method.equals("DELETE")) {
        send(exchange, sessions.remove(token(exchange)) == null ? 401 : 204, null);
      } else if (path.startsWith("/tree/") && method.equals("GET")) {
        list(exchange, path.substring("/tree".length()));
      } else {
        send(exchange, 400, "no such request: " + method + " " + path);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the server is closing
    } finally {
      exchange.close();
    }
  }

  private void list(HttpExchange exchange, String directory)
      throws IOException, InterruptedException {
    listings.computeIfAbsent(directory, d -> new AtomicInteger()).incrementAndGet();
    used.add(token(exchange));
    AtomicInteger uses = sessions.get(token(exchange));
    if (uses == null || uses.decrementAndGet() < 0) {
      sessions.remove(token(exchange));
      send(exchange, 401, "unknown session");
      return;
    }
    if (hung.contains(directory)) {
      hangArrived.countDown();
      release.await();
      return;
    }
    int[] failure = failures.get(directory);
    if (failure != null) {
      synchronized (failure) {
        if (failure[1] > 0) {
          failure[1]--;
          send(exchange, failure[0], "fault");
          return;
        }
      }
    }
    List<RemoteEntry> entries = tree.children(directory);
    if (entries == null) {
      send(exchange, 404, "no such directory: " + directory);
      return;
    }
    StringBuilder body = new StringBuilder();
    for (RemoteEntry entry : entries) {
      String name = RemoteTree.name(entry);
      body.append(entry.directory() ? "d " + name : "f " + entry.size() + " " + name).append('\n');
    }
    if (!truncated.contains(directory)) {
      body.append("end ").append(entries.size()).append('\n');
    }
    send(exchange, 200, body.toString());
  }

  private static String token(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    return authorization == null ? "" : authorization.substring("Bearer ".length());
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = body.getBytes(UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Ends every hung request, stops the server and joins its threads. (Not {@link AutoCloseable}:
   * its close would throw {@link InterruptedException}, which try-with-resources must not see.)
   */
  void close() throws InterruptedException {
    release.countDown();
    server.stop(0);
    handlers.shutdownNow();
    if (!handlers.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the listing server's threads did not end");
    }
  }
}
