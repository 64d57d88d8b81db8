package dev.crawler.ldap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP port on loopback whose every connection is carried, byte for byte, to a Unix socket: how
 * tests reach Samba's {@code ldapi} socket with the UnboundID SDK, which speaks TCP only. Samba's
 * LDAP port cannot be moved from 389, so {@link SambaAd} binds no TCP port at all and each instance
 * is reached through a forwarder of its own on a free port.
 *
 * <p>Thread-safe. Two daemon threads per connection copy the bytes; when either side ends, both
 * sockets close. {@link #close()} stops accepting and closes every connection.
 */
public final class UnixSocketForwarder implements AutoCloseable {
  private final Path target;
  private final ServerSocket server;

  /** Every open socket and channel; added by the accept thread, removed by the copying threads. */
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

  private UnixSocketForwarder(Path target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptAll, "forward-accept-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts forwarding a free loopback port to the Unix socket at {@code target}. */
  public static UnixSocketForwarder to(Path target) throws IOException {
    return new UnixSocketForwarder(target);
  }

  /** The loopback port to connect to. */
  public int port() {
    return server.getLocalPort();
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      SocketChannel upstream;
      try {
        upstream = SocketChannel.open(StandardProtocolFamily.UNIX);
        upstream.connect(UnixDomainSocketAddress.of(target));
        client.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client); // the client sees the connection drop, as with a server that is down
        continue;
      }
      open.add(client);
      open.add(upstream);
      try {
        InputStream fromClient = client.getInputStream();
        OutputStream toClient = client.getOutputStream();
        // The channel itself, not Channels.newInputStream/newOutputStream: those streams share the
        // channel's blocking lock, so a read waiting for the server would block every write to it.
        start(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              for (int n; (n = fromClient.read(buffer)) >= 0; ) {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                  upstream.write(bytes);
                }
              }
            },
            client,
            upstream,
            "up");
        start(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
              while (upstream.read(buffer) >= 0) {
                toClient.write(buffer.array(), 0, buffer.position());
                buffer.clear();
              }
            },
            client,
            upstream,
            "down");
      } catch (IOException e) {
        closeBoth(client, upstream);
      }
    }
  }

  /** Copies one way until either side ends. */
  private interface Copy {
    void run() throws IOException;
  }

  private void start(Copy copy, Socket client, SocketChannel upstream, String way) {
    Thread thread =
        new Thread(
            () -> {
              try {
                copy.run();
              } catch (IOException e) {
                // one side went away: both are closed below
              } finally {
                closeBoth(client, upstream);
              }
            },
            "forward-" + way + "-" + client.getPort());
    thread.setDaemon(true);
    thread.start();
  }

  private void closeBoth(Socket client, SocketChannel upstream) {
    open.remove(client);
    open.remove(upstream);
    closeQuietly(client);
    closeQuietly(upstream);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing: nothing left to do
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    for (AutoCloseable c : open) {
      closeQuietly(c);
    }
    open.clear();
  }
}
