package dev.crawler.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code crawl} run as its own process ({@link Main}, on this test's class path and Java): for what
 * a JVM fixes at start (the locale's charsets, {@code sun.jnu.encoding}) and for real file
 * descriptors ({@code > /dev/full}). {@link CliRun} is the quick way for everything else.
 */
public record CrawlProcess(int exit, byte[] out, String err) {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /**
   * Runs {@code crawl args}.
   *
   * @param env variables to set ({@code LC_ALL=C}); the rest is inherited, but for the locale's
   * @param stdout where results go; {@code null} to capture them
   */
  public static CrawlProcess run(Map<String, String> env, File stdout, String... args)
      throws IOException, InterruptedException {
    return in(null, env, stdout, args);
  }

  /** As {@link #run}, in the working directory {@code directory} ({@code null}: this one's). */
  public static CrawlProcess in(
      File directory, Map<String, String> env, File stdout, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(JAVA, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectInput(new File("/dev/null")).directory(directory);
    builder.environment().keySet().removeIf(name -> name.equals("LANG") || name.startsWith("LC_"));
    builder.environment().putAll(env);
    if (stdout != null) {
      builder.redirectOutput(stdout);
    }
    Process p = builder.start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread drain =
        new Thread(
            () -> {
              try {
                p.getErrorStream().transferTo(err);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    drain.start();
    byte[] out = p.getInputStream().readAllBytes();
    int exit = p.waitFor();
    drain.join();
    return new CrawlProcess(exit, out, err.toString(StandardCharsets.UTF_8));
  }
}
