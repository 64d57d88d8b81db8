package dev.crawler.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.core.Crawler;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide, {@code src/site/markdown/writing-a-source.md}, shows this module's code as it is: each
 * block after a line {@code From [NAME](PATH):} is found, character for character, in the file the
 * link names, and the block marked {@code <!-- compiles -->} compiles against this module. An edit
 * of either side that breaks the match fails this test.
 */
class GuideExcerptsTest {
  private static final Path GUIDE = Path.of("..", "src", "site", "markdown", "writing-a-source.md");
  private static final Pattern EXCERPT =
      Pattern.compile("\nFrom \\[`[^`]+`\\]\\(([^)]+)\\):\n```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern COMPILED =
      Pattern.compile("\n<!-- compiles[^>]*-->\n```java\n(.*?)```", Pattern.DOTALL);

  @TempDir Path work;

  @Test
  void guide_excerpts_areTheModulesCode() throws Exception {
    String guide = Files.readString(GUIDE);
    Matcher excerpt = EXCERPT.matcher(guide);
    List<String> wrong = new ArrayList<>();
    int found = 0;
    while (excerpt.find()) {
      found++;
      Path file = GUIDE.getParent().resolve(excerpt.group(1)).normalize();
      if (!Files.readString(file).contains(excerpt.group(2))) {
        wrong.add(file + " has no such code:\n" + excerpt.group(2));
      }
    }
    assertTrue(found >= 10, "only " + found + " excerpts found in " + GUIDE);
    assertEquals(List.of(), wrong);
  }

  @Test
  void guide_howToCrawl_compiles() throws Exception {
    Matcher block = COMPILED.matcher(Files.readString(GUIDE));
    assertTrue(block.find(), "no block marked to compile in " + GUIDE);
    String source =
        "import dev.crawler.core.*;\n"
            + "import dev.crawler.example.http.*;\n"
            + "import java.net.URI;\n"
            + "import java.time.Duration;\n\n"
            + "class GuideSnippet {\n"
            + "  void crawl() throws Exception {\n"
            + block.group(1)
            + "  }\n}\n";
    Path file = work.resolve("GuideSnippet.java");
    Files.writeString(file, source);
    String classPath =
        classes(Crawler.class) + File.pathSeparator + classes(HttpListingSource.class);
    StringWriter diagnostics = new StringWriter();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
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
            "-Xlint:all",
            "-Werror",
            "-classpath",
            classPath,
            "-d",
            work.toString(),
            file.toString());
    assertEquals(
        0, compiled, "the guide's example does not compile:\n" + diagnostics + "\n" + source);
  }

  private static String classes(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
