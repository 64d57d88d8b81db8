package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's jars as a modular application uses them (README, "As a dependency"): each library
 * module resolves on the module path under its stable name, and a program that {@code requires
 * dev.crawler.core} and {@code dev.crawler.testing} implements a source, crawls it and passes the
 * invariant checker, without naming crawler-core's dependencies, which its descriptor declares. An
 * IT because it needs the packaged jars: crawler-core's name is in its {@code module-info.class},
 * the others' in their manifests ({@code Automatic-Module-Name}), and a directory of classes has
 * none. One javac, in this JVM, and one JVM for the program.
 */
class ModulePathIT {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /** The library's jars (not their test jars) and what a program needs beside them. */
  private static final Pattern MODULE_JARS =
      Pattern.compile(
          "(crawler-(core|testing|fs|ldap|kafka)|guava|failureaccess|slf4j-api"
              + "|junit-jupiter-api|junit-platform-commons|opentest4j|apiguardian-api)-[0-9][^/]*(?<!-tests)\\.jar");

  private static final String MODULE_INFO =
      """
      module demo {
        requires dev.crawler.core;
        requires dev.crawler.testing;
        // crawler-core's descriptor brings Guava and SLF4J; crawler-testing is an automatic module,
        // which declares no dependencies: name its JUnit.
        requires org.junit.jupiter.api;
      }
      """;

  private static final String MAIN =
      """
      package demo;

      import dev.crawler.core.Crawl;
      import dev.crawler.core.CrawlReport;
      import dev.crawler.core.Crawler;
      import dev.crawler.core.spi.BranchSource;
      import dev.crawler.testing.CrawlInvariants;
      import dev.crawler.testing.VisitLog;
      import java.util.HashMap;
      import java.util.List;
      import java.util.Map;
      import java.util.Set;

      public final class Main {
        public static void main(String[] args) throws Exception {
          Map<String, List<String>> children = Map.of(
              "/", List.of("/a", "/b", "/c.txt"),
              "/a", List.of("/a/d.txt", "/a/e"),
              "/a/e", List.of("/a/e/f.txt"),
              "/b", List.of());
          BranchSource<String, Void> source = (session, branch, out) -> {
            for (String child : children.getOrDefault(branch, List.of())) {
              if (children.containsKey(child)) out.branch(child); else out.leaf(child);
            }
          };
          Map<String, String> expectedParents = new HashMap<>();
          expectedParents.put("/", null);
          children.forEach((parent, kids) -> kids.forEach(kid -> expectedParents.put(kid, parent)));
          VisitLog<String, String> visits = new VisitLog<>(node -> node);
          CrawlReport<String> report;
          try (Crawl<String> crawl = Crawler.over(source).workers(2).start("/", visits)) {
            report = crawl.await();
          }
          CrawlInvariants.assertCrawlInvariants(report, visits, expectedParents, Set.of());
          for (String name : args) {
            System.out.println(name + " " + ModuleLayer.boot().findModule(name).isPresent());
          }
          System.out.println(Crawler.class.getModule().getName() + " automatic " + Crawler.class.getModule().getDescriptor().isAutomatic()
              + " " + report.outcome() + " " + report.visits());
        }
      }
      """;

  private static final List<String> NAMES =
      List.of(
          "dev.crawler.core",
          "dev.crawler.testing",
          "dev.crawler.fs",
          "dev.crawler.ldap",
          "dev.crawler.kafka");

  @TempDir Path tmp;

  @Test
  void aModularProgram_requiresTheLibraryByName_andCrawls() throws Exception {
    List<String> jars =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> MODULE_JARS.matcher(Path.of(entry).getFileName().toString()).matches())
            .collect(Collectors.toList());
    for (String module : List.of("core", "testing", "fs", "ldap", "kafka")) {
      assertTrue(
          jars.stream()
              .anyMatch(
                  jar ->
                      Path.of(jar).getFileName().toString().startsWith("crawler-" + module + "-")),
          "crawler-"
              + module
              + "'s jar on the class path (build with -am, to package it): "
              + jars);
    }
    String modulePath = String.join(File.pathSeparator, jars);

    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("demo"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("demo/Main.java"), MAIN);
    Path classes = tmp.resolve("classes");
    ByteArrayOutputStream javacOut = new ByteArrayOutputStream();
    int javac =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                javacOut,
                javacOut,
                "-Xlint:all,-requires-automatic",
                "-Werror",
                "-d",
                classes.toString(),
                "--module-path",
                modulePath,
                src.resolve("module-info.java").toString(),
                src.resolve("demo/Main.java").toString());
    assertEquals(0, javac, "javac: " + javacOut.toString(StandardCharsets.UTF_8));

    // The library modules are named on the command line, so each must resolve by its name.
    List<String> command =
        Stream.concat(
                Stream.of(
                    JAVA,
                    "--module-path",
                    modulePath + File.pathSeparator + classes,
                    "--add-modules",
                    String.join(",", NAMES),
                    "-m",
                    "demo/demo.Main"),
                NAMES.stream())
            .collect(Collectors.toList());
    Process p =
        new ProcessBuilder(command)
            .redirectInput(new File("/dev/null"))
            .redirectError(tmp.resolve("err").toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    assertEquals(
        0, exit, "exit; stdout: " + out + "stderr: " + Files.readString(tmp.resolve("err")));
    String expected =
        NAMES.stream().map(name -> name + " true\n").collect(Collectors.joining())
            + "dev.crawler.core automatic false COMPLETE 7\n";
    assertEquals(expected, out);
  }
}
