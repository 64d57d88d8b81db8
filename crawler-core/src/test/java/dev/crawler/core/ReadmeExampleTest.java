package dev.crawler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "library in 20 lines", exactly as written there: taken out of README.md, compiled
 * with the JDK's compiler against this module's classes, run, and its output checked. A README edit
 * that breaks the example breaks this test.
 */
class ReadmeExampleTest {
  private static final Path README = Path.of("..", "README.md");

  @TempDir Path work;

  @Test
  void readmeLibraryExample_compilesRuns_andPrintsTheWholeChart() throws Exception {
    String snippet = librarySnippet(Files.readString(README));
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : snippet.lines().toList()) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    String source =
        imports
            + "public class ReadmeSnippet {\n"
            + "  public static void main(String[] args) throws Exception {\n"
            + body
            + "  }\n}\n";
    Path file = work.resolve("ReadmeSnippet.java");
    Files.writeString(file, source);
    String classes =
        Path.of(Crawler.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    int compiled =
        javac.run(
            null,
            null,
            new PrintStream(
                new OutputStream() {
                  @Override
                  public void write(int b) {
                    diagnostics.write(b);
                  }
                },
                true),
            "-classpath",
            classes,
            "-d",
            work.toString(),
            file.toString());
    assertEquals(
        0, compiled, "the README's example does not compile:\n" + diagnostics + "\n" + source);

    String output = runMain(work);
    List<String> lines = output.lines().toList();
    assertEquals("COMPLETE: 6 people", lines.get(lines.size() - 1), output);
    Map<String, Integer> depthByName =
        lines.subList(0, lines.size() - 1).stream()
            .collect(
                Collectors.toMap(String::strip, l -> (l.length() - l.stripLeading().length()) / 2));
    assertEquals(
        Map.of("ceo", 0, "cto", 1, "cfo", 1, "assistant", 1, "dev1", 2, "dev2", 2),
        depthByName,
        output);
  }

  /** The first Java block after the heading "The library in 20 lines". */
  private static String librarySnippet(String readme) {
    int section = readme.indexOf("## The library in 20 lines");
    assertTrue(section >= 0, "the README has no 'The library in 20 lines' section");
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(block.find(section), "no java block in that section");
    return block.group(1);
  }

  private static String runMain(Path classes) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, ReadmeExampleTest.class.getClassLoader())) {
      Method main = loader.loadClass("ReadmeSnippet").getMethod("main", String[].class);
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
