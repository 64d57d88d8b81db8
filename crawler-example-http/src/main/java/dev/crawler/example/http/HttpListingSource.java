package dev.crawler.example.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.crawler.core.spi.BranchSource;
import dev.crawler.core.spi.Children;
import dev.crawler.core.spi.NodeCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * A {@link BranchSource} over a listing server's nested directories: a directory is a branch, a
 * file a leaf. The worked example of {@code src/site/markdown/writing-a-source.md}, which explains
 * each choice.
 *
 * <p>The server's protocol, under the base URI given to {@link #of}:
 *
 * <ul>
 *   <li>{@code POST session} answers 201 with a token, which later requests carry as {@code
 *       Authorization: Bearer TOKEN}; {@code DELETE session} ends it (204). A token the server no
 *       longer knows is answered 401.
 *   <li>{@code GET tree/PATH} answers 200 with the directory's listing, in the text format {@link
 *       ListingFormat} reads; 404 when there is no such directory.
 * </ul>
 *
 * <p>What it promises: a listing counts only if the server answered 200 with a listing that ends
 * with its count of entries; a busy server (429, 502, 503, 504), a request that timed out or a
 * connection that failed is retried ({@link #isTransient}); an expired session is replaced and the
 * listing retried ({@link #isSessionBroken}); anything else fails as that directory. A request
 * waits at most the request timeout for its answer, and a cancelled or timed-out crawl ends a
 * request in flight at once ({@link HttpClient#send} answers the interrupt).
 *
 * <p>Thread-safe: immutable, and {@link HttpClient} is thread-safe; each worker's token is its own
 * session.
 */
public final class HttpListingSource implements BranchSource<RemoteEntry, ListingSession> {
  private final HttpClient client;
  private final URI server;
  private final Duration requestTimeout;

  private HttpListingSource(HttpClient client, URI server, Duration requestTimeout) {
    this.client = client;
    this.server = server;
    this.requestTimeout = requestTimeout;
  }

  /**
   * A source for the listing server at {@code server}.
   *
   * @param server the base of the server's protocol, {@code http} or {@code https}, ending with
   *     {@code /}
   * @param requestTimeout the longest a request may wait for the server's answer, and a connection
   *     to open: a source's bound on one request, where the crawl's deadline bounds the whole crawl
   * @return the source
   * @throws IllegalArgumentException if {@code server} is not such a URI, or the timeout is not
   *     positive
   */
  public static HttpListingSource of(URI server, Duration requestTimeout) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (!("http".equals(server.getScheme()) || "https".equals(server.getScheme()))
        || !server.getPath().endsWith("/")) {
      throw new IllegalArgumentException("an http or https URI ending with /, not " + server);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "requestTimeout (" + requestTimeout + ") must be positive");
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    return new HttpListingSource(client, server, requestTimeout);
  }

  /** Logs in: one token per worker, so an expired token costs one worker one retry. */
  @Override
  public ListingSession open() throws IOException, InterruptedException {
    HttpRequest login = request("session").POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = client.send(login, BodyHandlers.ofString(UTF_8));
    if (response.statusCode() != 201) {
      throw new ListingStatusException("session", response.statusCode());
    }
    return new ListingSession(response.body().strip());
  }

  @Override
  public void list(ListingSession session, RemoteEntry directory, Children<RemoteEntry> out)
      throws IOException, InterruptedException {
    HttpRequest get =
        request("tree" + encode(directory.path()))
            .header("Authorization", "Bearer " + session.token())
            .GET()
            .build();
    // send() answers an interrupt: a cancel or the crawl's deadline ends a request in flight.
    HttpResponse<String> response = client.send(get, BodyHandlers.ofString(UTF_8));
    if (response.statusCode() != 200) {
      throw new ListingStatusException(directory.path(), response.statusCode());
    }
    ListingFormat.parse(directory, response.body(), out);
  }

  /**
   * A busy server, an expired session, a listing cut short, a timeout or a failed connection: the
   * next attempt may succeed. A status the server means (404, 403) or a malformed listing: it will
   * not.
   */
  @Override
  public boolean isTransient(Exception failure) {
    if (failure instanceof ListingStatusException status) {
      return status.isTransient();
    }
    if (failure instanceof BadListingException bad) {
      return bad.isTruncated();
    }
    return failure instanceof IOException; // HttpTimeoutException, ConnectException, a reset
  }

  /** Only a 401 spoils a session: the client's connections are the client's to repair. */
  @Override
  public boolean isSessionBroken(Exception failure) {
    return failure instanceof ListingStatusException status && status.isSessionExpired();
  }

  /**
   * Logs out, so the server need not keep the session until it expires. The engine cleared the
   * worker's interrupt before this call; the wait does not answer a new one, and ends by the
   * request timeout whatever the server does (twice that if it must try again), so a slow server
   * delays the crawl's end by at most that.
   */
  @Override
  public void close(ListingSession session) throws IOException {
    if (session == null) {
      return;
    }
    HttpRequest logout =
        request("session").header("Authorization", "Bearer " + session.token()).DELETE().build();
    int status;
    try {
      status = send(logout);
    } catch (IOException e) {
      // A connection that closed before any answer, as this example's tests once saw: the JDK's
      // client sends a request again by itself only for GET and HEAD. DELETE may be repeated.
      status = send(logout);
    }
    if (status != 204 && status != 401) { // 401: the session had expired already
      throw new ListingStatusException("session", status); // the engine logs it and goes on
    }
  }

  /** The status of {@code request}'s answer, waiting for it without answering interrupts. */
  private int send(HttpRequest request) throws IOException {
    try {
      return client.sendAsync(request, BodyHandlers.discarding()).join().statusCode();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException failure) {
        throw failure;
      }
      throw e;
    }
  }

  /** Listings wait on the server: enough workers to keep it busy, few enough not to queue at it. */
  @Override
  public int preferredWorkers() {
    return 16;
  }

  /**
   * Entries as bytes, for a crawl whose branches cross processes (crawler-kafka's {@code
   * DistributedCrawl} and {@code EngineProcess}). An entry carries all its listing needs, so any
   * process with a source for the same server lists it.
   *
   * @return the codec, stateless and thread-safe
   */
  public NodeCodec<RemoteEntry> codec() {
    return RemoteEntryCodec.INSTANCE;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.resolve(path)).timeout(requestTimeout);
  }

  /** Each name of the path percent-encoded, the slashes kept. */
  static String encode(String path) {
    StringBuilder encoded = new StringBuilder(path.length() + 16);
    String[] names = path.split("/", -1); // "/a b/c/" has the names "", "a b", "c", ""
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        encoded.append('/');
      }
      encoded.append(URLEncoder.encode(names[i], UTF_8).replace("+", "%20"));
    }
    return encoded.toString();
  }
}
