package dev.crawler.ldap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes, at once and from any thread, every connection that the sources built with it have open or
 * are opening, and refuses new ones. A read blocked on a server that stopped answering (a search, a
 * bind, a connect) then ends at once with a dropped connection, where it would otherwise wait out
 * its timeout: this is how a stop (a deadline, Ctrl-C) bounds every phase, set-up included.
 * Thread-safe; {@link #disconnectAll()} is idempotent and final.
 *
 * <pre>{@code
 * Disconnector disconnector = new Disconnector();
 * OrgChartSource source = OrgChartSource.of(settings, disconnector); // may connect: see of()
 * ... crawl.cancel(); disconnector.disconnectAll(); // from a timer or a shutdown hook
 * }</pre>
 *
 * <p>It works below the SDK, on the sockets the SDK asks its socket factory for ({@link
 * #tracking}): closing a socket is the one way to end a read that another thread is blocked in,
 * whatever the phase (connect, TLS handshake, StartTLS, bind, search).
 */
public final class Disconnector {
  private static final Logger log = LoggerFactory.getLogger(Disconnector.class);

  /**
   * Guards {@link #sockets} and {@link #disconnected}; never held across I/O (sockets are closed
   * outside it).
   */
  private final Object lock = new Object();

  /** Sockets handed out and not yet seen closed; pruned as new ones are made. */
  private final List<Socket> sockets = new ArrayList<>();

  private boolean disconnected;

  /** A disconnector with nothing to close yet. */
  public Disconnector() {}

  /**
   * Closes every socket handed out so far and refuses to hand out more. Sockets are closed outside
   * the lock: a close that blocks (a TLS goodbye) holds up nothing else.
   */
  public void disconnectAll() {
    List<Socket> toClose;
    synchronized (lock) {
      disconnected = true;
      toClose = new ArrayList<>(sockets);
      sockets.clear();
    }
    log.debug("closing {} connections", toClose.size());
    for (Socket socket : toClose) {
      try {
        socket.close();
      } catch (IOException | RuntimeException e) {
        log.debug("closing a socket failed", e);
      }
    }
  }

  /**
   * @return whether {@link #disconnectAll()} was called
   */
  public boolean disconnected() {
    synchronized (lock) {
      return disconnected;
    }
  }

  /** Records {@code socket}, or closes it and throws if everything was disconnected already. */
  private Socket track(Socket socket) throws IOException {
    synchronized (lock) {
      if (!disconnected) {
        sockets.removeIf(Socket::isClosed);
        sockets.add(socket);
        return socket;
      }
    }
    socket.close();
    throw new IOException("not connecting: the crawl's connections were closed to stop it");
  }

  /** A factory whose sockets come from {@code base} and are closed by {@link #disconnectAll()}. */
  SocketFactory tracking(SocketFactory base) {
    return new SocketFactory() {
      @Override
      public Socket createSocket() throws IOException {
        return track(base.createSocket());
      }

      @Override
      public Socket createSocket(String host, int port) throws IOException {
        return track(base.createSocket(host, port));
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
          throws IOException {
        return track(base.createSocket(host, port, localHost, localPort));
      }

      @Override
      public Socket createSocket(InetAddress host, int port) throws IOException {
        return track(base.createSocket(host, port));
      }

      @Override
      public Socket createSocket(
          InetAddress address, int port, InetAddress localAddress, int localPort)
          throws IOException {
        return track(base.createSocket(address, port, localAddress, localPort));
      }
    };
  }
}
