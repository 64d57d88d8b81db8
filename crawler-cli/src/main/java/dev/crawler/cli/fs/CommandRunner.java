package dev.crawler.cli.fs;

import dev.crawler.cli.common.SharedOutput;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code crawl fs -x} and {@code -X} commands for the entries a crawl finds. Thread-safe: the
 * crawl's workers call {@link #accept} as they find entries.
 *
 * <ul>
 *   <li><b>Parallelism.</b> A command runs on the worker that found its entry, so at most as many
 *       run at once as the crawl has workers ({@code -j}), and a worker lists nothing while its
 *       command runs: the crawl goes no faster than its commands.
 *   <li><b>Output.</b> Each command's stdout and stderr are read as it runs and written whole when
 *       it ends, so two commands' lines never interleave. Past {@link #HOLD_LIMIT} bytes, the rest
 *       of a command's stdout streams straight through, still unbroken: other commands' outputs
 *       wait, and memory stays bounded. Commands read an empty stdin ({@code /dev/null}). Once the
 *       output fails (the reader went away, or a full disk), no new command starts.
 *   <li><b>Bytes.</b> No shell is involved. A command line the JVM can pass as text (every argument
 *       valid in its charset, {@code sun.jnu.encoding}) starts directly; one it cannot (a name that
 *       is not UTF-8, or any non-ASCII name under the C locale) is handed, byte for byte, to {@code
 *       xargs -0 env --}, which starts the same command line. Java cannot pass such bytes itself.
 *   <li><b>Status.</b> Commands that exit non-zero are counted; a command that cannot start at all
 *       (not found, not executable) stops the crawl, since it would fail for every entry.
 * </ul>
 */
final class CommandRunner {
  /** The most of a command's stdout held in memory before the rest streams through. */
  static final int HOLD_LIMIT = 1 << 20;

  /** xargs' statuses for "the command could not be run" (126) and "was not found" (127). */
  private static final int CANNOT_EXECUTE = 126;

  private static final int NOT_FOUND = 127;

  private static final File NO_INPUT = new File("/dev/null");

  private final CommandTemplate template;
  private final boolean batch;
  private final SharedOutput out;
  private final PrintStream err;
  private final Charset argumentCharset;
  private final Runnable stopCrawl;

  /** Reads the commands' stderr while their stdout is read on the worker. Daemon threads. */
  private final ExecutorService stderrReaders =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread t = new Thread(runnable, "crawl-exec-stderr");
            t.setDaemon(true);
            return t;
          });

  private final AtomicLong started = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<String> cannotRun = new AtomicReference<>();

  /**
   * Whether the command exists, once a relayed command line has asked; see {@link #commandFound}.
   */
  private volatile Boolean commandFound;

  /** The batch being filled, for -X; guarded by {@code this}. */
  private List<byte[]> pending = new ArrayList<>();

  private int pendingCost;

  /**
   * @param batch {@code -X}: many paths per command
   * @param argumentCharset the charset the JVM passes command-line arguments in
   * @param stopCrawl stops the crawl when no command can run
   */
  CommandRunner(
      CommandTemplate template,
      boolean batch,
      SharedOutput out,
      PrintStream err,
      Charset argumentCharset,
      Runnable stopCrawl) {
    this.template = template;
    this.batch = batch;
    this.out = out;
    this.err = err;
    this.argumentCharset = argumentCharset;
    this.stopCrawl = stopCrawl;
  }

  /**
   * The charset this JVM encodes a child's arguments in: {@code sun.jnu.encoding}, as
   * ProcessBuilder does.
   */
  static Charset jvmArgumentCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding"));
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }

  /** One entry found: runs its command ({@code -x}), or adds it to the batch ({@code -X}). */
  void accept(byte[] path) {
    if (cannotRun.get() != null || out.failed()) {
      return; // no command can run, or none's output can be written: the crawl is stopping
    }
    if (!batch) {
      run(template.forPath(path));
      return;
    }
    List<byte[]> full = null;
    int cost = template.batchCost(path);
    synchronized (this) {
      if (!pending.isEmpty()
          && template.fixedCost() + pendingCost + cost > CommandTemplate.MAX_COMMAND_LINE) {
        full = pending;
        pending = new ArrayList<>();
        pendingCost = 0;
      }
      pending.add(path);
      pendingCost += cost;
    }
    if (full != null) {
      run(template.forBatch(full)); // outside the lock: other workers keep filling the next batch
    }
  }

  /** After the crawl: runs what is left of the batch, and lets the stderr readers go. */
  void finish() {
    List<byte[]> rest;
    synchronized (this) {
      rest = pending;
      pending = new ArrayList<>();
      pendingCost = 0;
    }
    if (batch && !rest.isEmpty() && cannotRun.get() == null && !out.failed()) {
      run(template.forBatch(rest));
    }
    stderrReaders.shutdown();
  }

  /** Commands started. */
  long started() {
    return started.get();
  }

  /** Commands that exited with a status other than 0 (or were killed). */
  long failed() {
    return failed.get();
  }

  /** Why no command could run, or {@code null} if they could. */
  String cannotRun() {
    return cannotRun.get();
  }

  private void run(List<byte[]> argv) {
    List<String> text = asText(argv); // null: the JVM cannot pass these bytes, xargs relays them
    Process process;
    try {
      process = start(argv, text);
    } catch (IOException e) {
      refuse("cannot run '" + template + "': " + reason(e));
      return;
    }
    started.incrementAndGet();
    boolean interrupted = false;
    try {
      Future<byte[]> stderr = stderrReaders.submit(() -> process.getErrorStream().readAllBytes());
      relayStdout(process.getInputStream());
      byte[] errBytes = getUninterruptibly(stderr);
      if (errBytes.length > 0) {
        synchronized (err) {
          err.write(errBytes, 0, errBytes.length);
          err.flush();
        }
      }
      int status;
      while (true) {
        try {
          status = process.waitFor();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the crawl stops; its command still gets to end, as find's does
        }
      }
      if (text == null && (status == CANNOT_EXECUTE || status == NOT_FOUND)) {
        refuse(
            "cannot run '"
                + template
                + "' through xargs and env: "
                + (status == NOT_FOUND ? "not found" : "not executable"));
      } else if (status != 0) {
        failed.incrementAndGet();
      }
    } catch (IOException e) {
      failed.incrementAndGet();
      err.println("crawl: '" + template + "': " + reason(e));
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads the command's stdout, holding up to {@link #HOLD_LIMIT}, then writes it whole. */
  private void relayStdout(InputStream stdout) throws IOException {
    ByteArrayOutputStream held = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = stdout.read(chunk)) >= 0) {
      held.write(chunk, 0, n);
      if (held.size() >= HOLD_LIMIT) {
        out.writeWhole(held.toByteArray(), held.size(), stdout); // the rest streams through
        return;
      }
    }
    if (held.size() > 0) {
      out.writeWhole(held.toByteArray(), held.size(), null);
    }
  }

  private void refuse(String why) {
    if (cannotRun.compareAndSet(null, why)) {
      stopCrawl.run();
    }
  }

  private Process start(List<byte[]> argv, List<String> text) throws IOException {
    if (text != null) {
      return new ProcessBuilder(text).redirectInput(NO_INPUT).start();
    }
    // Bytes Java cannot pass: xargs reads them NUL-separated and env starts the command. env would
    // take a first word with '=' for a variable; no such command name survives a shell anyway.
    if (contains(argv.get(0), (byte) '=')) {
      throw new IOException(
          "a command whose name has '=' cannot be given a name that is not "
              + argumentCharset.displayName()
              + " text");
    }
    if (!commandFound(argv.get(0))) {
      throw new IOException("command not found"); // xargs would only say that env failed
    }
    int lineSize = CommandTemplate.MAX_COMMAND_LINE + 4096;
    Process relay;
    try {
      relay =
          new ProcessBuilder("xargs", "-0", "-x", "-s", Integer.toString(lineSize), "env", "--")
              .start();
    } catch (IOException e) {
      throw new IOException(
          "passing names that are not "
              + argumentCharset.displayName()
              + " text needs xargs: "
              + reason(e),
          e);
    }
    try (OutputStream stdin = relay.getOutputStream()) {
      for (byte[] arg : argv) {
        stdin.write(arg);
        stdin.write(0);
      }
    }
    return relay;
  }

  /**
   * Whether {@code command} names an executable file, looked up in {@code PATH} as execvp does when
   * it has no slash. Checked once: every command line has the same first word.
   */
  private boolean commandFound(byte[] command) {
    Boolean found = commandFound;
    if (found == null) {
      String name = new String(command, argumentCharset);
      if (name.indexOf('\0') >= 0) {
        found = false;
      } else if (name.contains("/")) {
        found = Files.isExecutable(Path.of(name));
      } else {
        found = false;
        for (String dir : String.valueOf(System.getenv("PATH")).split(":", -1)) {
          Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            found = true;
            break;
          }
        }
      }
      commandFound = found;
    }
    return found;
  }

  /**
   * The arguments as Strings that the JVM will pass back as exactly these bytes, or {@code null}.
   */
  private List<String> asText(List<byte[]> argv) {
    List<String> text = new ArrayList<>(argv.size());
    for (byte[] arg : argv) {
      String s = decodeExactly(arg);
      if (s == null || s.indexOf('\0') >= 0) {
        return null;
      }
      text.add(s);
    }
    return text;
  }

  private String decodeExactly(byte[] bytes) {
    try {
      String s =
          argumentCharset
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return Arrays.equals(s.getBytes(argumentCharset), bytes) ? s : null;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean contains(byte[] bytes, byte b) {
    for (byte x : bytes) {
      if (x == b) {
        return true;
      }
    }
    return false;
  }

  private static <V> V getUninterruptibly(Future<V> future) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Java 17's "error=2, No such file or directory" and Java 25's "error: 2 (No such file or
   * directory)".
   */
  private static final java.util.regex.Pattern SYSTEM_ERROR =
      java.util.regex.Pattern.compile("error[=:]\\s*\\d+,?\\s*\\(?([^()]+?)\\)?\\s*$");

  /**
   * The system's reason in a failed start's message ("No such file or directory"), else the
   * message.
   */
  static String reason(IOException e) {
    String message = String.valueOf(e.getMessage());
    java.util.regex.Matcher m = SYSTEM_ERROR.matcher(message);
    return m.find() ? m.group(1).trim() : message;
  }
}
