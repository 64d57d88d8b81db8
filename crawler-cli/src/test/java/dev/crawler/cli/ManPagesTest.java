package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code crawl generate-man-pages}: a page per command that groff renders without a warning, and
 * that names every option --help names, with its description, and every exit code.
 */
class ManPagesTest {
  @TempDir Path tmp;

  @Test
  void pages_renderCleanly_andDocumentEveryOptionOfTheModel() throws Exception {
    CliRun run = CliRun.of("generate-man-pages", tmp.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().startsWith("crawl: wrote 7 man pages to " + tmp), run.err());
    CommandLine cli = CrawlCommand.commandLine(new java.io.ByteArrayOutputStream());
    List<CommandSpec> commands =
        List.of(
            cli.getCommandSpec(),
            cli.getSubcommands().get("fs").getCommandSpec(),
            cli.getSubcommands().get("ldap").getCommandSpec(),
            cli.getSubcommands().get("join").getCommandSpec(),
            cli.getSubcommands().get("attach").getCommandSpec(),
            cli.getSubcommands().get("crawls").getCommandSpec(),
            cli.getSubcommands().get("crawls").getSubcommands().get("delete").getCommandSpec());
    for (CommandSpec command : commands) {
      Path page = tmp.resolve(ManPages.pageName(command) + ".1");
      assertTrue(Files.isRegularFile(page), page.toString());
      String text = render(page);
      assertTrue(
          text.startsWith(ManPages.pageName(command).toUpperCase(java.util.Locale.ROOT) + "(1)"),
          text);
      for (OptionSpec option : command.options()) {
        if (option.hidden()) {
          continue;
        }
        String names = String.join(", ", option.names());
        assertTrue(text.contains(names), ManPages.pageName(command) + " lacks " + names);
        String description =
            String.join(" ", option.description()).replace("%n", " ").replaceAll("\\s+", " ");
        String start = description.substring(0, Math.min(60, description.length())).strip();
        assertTrue(
            text.contains(start),
            ManPages.pageName(command) + ": " + names + " lacks '" + start + "'");
      }
      for (String code : command.usageMessage().exitCodeList().keySet()) {
        assertTrue(
            text.contains("EXIT STATUS") && text.contains(" " + code.strip() + " "),
            "exit code " + code);
        assertTrue(text.contains("EXAMPLES"), ManPages.pageName(command) + " has no EXAMPLES");
      }
    }
    assertTrue(
        render(tmp.resolve("crawl.1"))
            .contains(
                "fs Walk directory trees in parallel and print every entry, "
                    + "like find. See crawl-fs(1)."));
    assertTrue(
        render(tmp.resolve("crawl-crawls.1"))
            .contains(
                "delete Delete a crawl at a Kafka broker: its topics and "
                    + "consumer groups. See crawl-crawls-delete(1)."));
  }

  /**
   * The page as man shows it, one line per paragraph (no hyphenation, wide lines), spaces squeezed;
   * groff's warnings (-ww) fail the test.
   */
  private static String render(Path page) throws Exception {
    Process groff =
        new ProcessBuilder(
                "groff",
                "-man",
                "-Tutf8",
                "-ww",
                "-rHY=0",
                "-rLL=2000n",
                "-P-cbou",
                page.toString())
            .start();
    String out = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String warnings = new String(groff.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(groff.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, groff.exitValue(), warnings);
    assertEquals("", warnings, page + " renders with warnings");
    return out.replace('\u2010', '-').replace('\u2212', '-').replaceAll("[ \\t]+", " ").strip();
  }
}
