package dev.crawler.cli.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/**
 * What a failed write to standard output means. A reader that went away ({@code crawl fs / | head}:
 * the write fails with EPIPE) is how pipelines end, not an error; any other failure (a full disk,
 * an I/O error, a closed descriptor) means the output is not what was asked for, and the command
 * says so and exits 1, as find and fd do. Thread-safe, stateless but for a constant.
 *
 * <p>Java gives no errno, only the system's text for it ({@code strerror}), which follows the
 * locale's language. So the text of EPIPE is learnt once, in this process, from a pipe whose reader
 * is closed, and also taken in English, which is what the JDK says when no translation is
 * installed.
 */
public final class WriteFailure {
  private static final String BROKEN_PIPE = "Broken pipe";

  /** What this process's JDK says for EPIPE, in the locale's language; {@code null} if unknown. */
  private static final String LOCAL_BROKEN_PIPE = brokenPipeText();

  private WriteFailure() {}

  /** Whether {@code e} says that the reader went away (EPIPE), the normal end of a pipeline. */
  public static boolean readerGone(IOException e) {
    String message = e.getMessage();
    return message != null && (message.equals(BROKEN_PIPE) || message.equals(LOCAL_BROKEN_PIPE));
  }

  /** The system's reason, as the command's one line gives it: "No space left on device". */
  static String reason(IOException e) {
    return Failures.describe(e);
  }

  private static String brokenPipeText() {
    try {
      Pipe pipe = Pipe.open();
      pipe.source().close();
      try (Pipe.SinkChannel sink = pipe.sink()) {
        sink.write(ByteBuffer.wrap(new byte[1]));
      }
      return null; // not a POSIX pipe: only the English text is known
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
