package dev.crawler.cli;

import dev.crawler.cli.common.ExitCodes;
import dev.crawler.cli.common.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code crawl generate-man-pages [DIR]}: man pages in section 1 for {@code crawl} and each of its
 * commands, written as roff from the same picocli model that parses the command line and prints
 * {@code --help}, so they cannot drift from it.
 *
 * <p>Written here rather than with picocli-codegen's generator: that one writes AsciiDoc, whose
 * man-page renderer, Asciidoctor, needs JRuby (55 MB from Maven Central) in every build.
 */
@Command(
    name = "generate-man-pages",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Write man pages for crawl and its commands (crawl.1, crawl-fs.1, ...) into DIR.",
      "Then: man crawl-fs (DIR in your MANPATH), or man -l DIR/crawl-fs.1."
    })
final class ManPages implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      arity = "0..1",
      description =
          "Where to write them (default: ~/.local/share/man/man1, "
              + "which man searches when ~/.local/bin is on PATH).")
  Path dir;

  @Override
  public Integer call() throws IOException {
    Path target =
        dir != null
            ? dir
            : Path.of(System.getProperty("user.home"), ".local", "share", "man", "man1");
    List<Path> written = writeAll(target, spec.commandLine().getParent());
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "crawl: wrote "
            + written.size()
            + " man pages to "
            + target
            + " (man crawl, man crawl-fs, ...)");
    err.flush();
    return ExitCodes.OK;
  }

  /**
   * Writes the pages of {@code root} and its crawling commands into {@code target}, made if
   * missing.
   *
   * @return the files written
   */
  static List<Path> writeAll(Path target, CommandLine root) throws IOException {
    Files.createDirectories(target);
    String version =
        new Version().getVersion()[0].replaceFirst("^crawl ", "").replaceFirst(" \\(.*", "");
    List<Path> written = new ArrayList<>();
    written.add(write(target, root.getCommandSpec(), version));
    writeSubcommands(target, root, version, written);
    return written;
  }

  private static void writeSubcommands(
      Path target, CommandLine command, String version, List<Path> written) throws IOException {
    for (CommandLine sub : command.getSubcommands().values()) {
      if (isDocumented(sub.getCommandSpec())) {
        written.add(write(target, sub.getCommandSpec(), version));
        writeSubcommands(target, sub, version, written);
      }
    }
  }

  /** The pages there are: help, completion and this one are named in crawl(1) alone. */
  private static final List<String> PAGES =
      List.of(
          "crawl-fs",
          "crawl-ldap",
          "crawl-join",
          "crawl-attach",
          "crawl-crawls",
          "crawl-crawls-delete");

  private static boolean isDocumented(CommandSpec command) {
    return PAGES.contains(pageName(command));
  }

  private static Path write(Path dir, CommandSpec command, String version) throws IOException {
    Path file = dir.resolve(pageName(command) + ".1");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(page(command, version, LocalDate.now()));
    }
    return file;
  }

  /** {@code crawl} or {@code crawl-fs}: the name a page is found by. */
  static String pageName(CommandSpec command) {
    return command.qualifiedName("-");
  }

  /** The whole page, in roff with the man macros. */
  static String page(CommandSpec command, String version, LocalDate date) {
    StringBuilder roff = new StringBuilder();
    String name = pageName(command);
    roff.append(".TH ")
        .append(quoted(name.toUpperCase(Locale.ROOT)))
        .append(" 1 ")
        .append(quoted(date.toString()))
        .append(' ')
        .append(quoted("crawl " + version))
        .append(' ')
        .append(quoted("User Commands"))
        .append('\n');
    roff.append(".SH NAME\n")
        .append(escape(name))
        .append(" \\- ")
        .append(escape(firstSentence(String.join(" ", command.usageMessage().description()))))
        .append('\n');

    roff.append(".SH SYNOPSIS\n.B ").append(escape(command.qualifiedName())).append('\n');
    if (!command.subcommands().isEmpty() && command.userObject() instanceof Callable) {
      // does something itself too (crawl crawls lists): a command is optional
      roff.append("[\\fIOPTION\\fR...] [\\fICOMMAND\\fR [\\fIOPTION\\fR...]]\n");
    } else if (!command.subcommands().isEmpty()) {
      roff.append("\\fICOMMAND\\fR [\\fIOPTION\\fR...]\n");
    } else {
      roff.append("[\\fIOPTION\\fR...]");
      for (PositionalParamSpec p : command.positionalParameters()) {
        boolean optional = p.arity().min() == 0;
        roff.append(optional ? " [" : " ")
            .append("\\fI")
            .append(escape(p.paramLabel()))
            .append("\\fR")
            .append(p.arity().max() > 1 ? "..." : "")
            .append(optional ? "]" : "");
      }
      roff.append('\n');
    }

    roff.append(".SH DESCRIPTION\n");
    paragraphs(roff, command.usageMessage().description());

    if (!command.positionalParameters().isEmpty()) {
      roff.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec p : command.positionalParameters()) {
        roff.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n');
        paragraphs(roff, p.description());
      }
    }

    roff.append(".SH OPTIONS\n");
    for (OptionSpec option : command.options()) {
      if (option.hidden()) {
        continue;
      }
      roff.append(".TP\n");
      List<String> names = new ArrayList<>();
      for (String optionName : option.names()) {
        names.add("\\fB" + escape(optionName) + "\\fR");
      }
      roff.append(String.join(", ", names));
      if (option.arity().max() > 0) {
        roff.append(' ').append("\\fI").append(escape(option.paramLabel())).append("\\fR");
      }
      roff.append('\n');
      paragraphs(roff, option.description());
    }

    if (!command.subcommands().isEmpty()) {
      roff.append(".SH COMMANDS\n");
      for (Map.Entry<String, CommandLine> sub : command.subcommands().entrySet()) {
        CommandSpec subcommand = sub.getValue().getCommandSpec();
        if (subcommand.usageMessage().hidden()) {
          continue;
        }
        roff.append(".TP\n.B ").append(escape(sub.getKey())).append('\n');
        roff.append(
            escape(firstSentence(String.join(" ", subcommand.usageMessage().description()))));
        roff.append(
                isDocumented(subcommand)
                    ? ". See \\fB" + escape(pageName(subcommand)) + "\\fR(1)."
                    : "")
            .append('\n');
      }
    }

    Map<String, String> exitCodes = command.usageMessage().exitCodeList();
    if (!exitCodes.isEmpty()) {
      roff.append(".SH EXIT STATUS\n");
      exitCodes.forEach(
          (code, meaning) ->
              roff.append(".TP\n.B ")
                  .append(escape(code.strip()))
                  .append('\n')
                  .append(escape(text(meaning)))
                  .append('\n'));
    }

    List<String[]> examples = EXAMPLES.getOrDefault(name, List.<String[]>of());
    if (!examples.isEmpty()) {
      roff.append(".SH EXAMPLES\n");
      for (String[] example : examples) {
        roff.append(".TP\n.B ")
            .append(escape(example[0]))
            .append('\n')
            .append(escape(example[1]))
            .append('\n');
      }
    }

    roff.append(".SH SEE ALSO\n");
    List<String> seeAlso = new ArrayList<>();
    List<String> pages = new ArrayList<>(List.of("crawl"));
    pages.addAll(PAGES);
    for (String other : pages) {
      if (!other.equals(name)) {
        seeAlso.add("\\fB" + escape(other) + "\\fR(1)");
      }
    }
    roff.append(String.join(", ", seeAlso))
        .append(", \\fBfind\\fR(1), \\fBfd\\fR(1), \\fBldapsearch\\fR(1)\n");
    return roff.toString();
  }

  /** What each page shows in EXAMPLES: a command line and what it does. */
  private static final Map<String, List<String[]>> EXAMPLES =
      Map.of(
          "crawl",
              List.of(
                  new String[] {
                    "crawl fs /data",
                    "Every entry under /data, one path per line, as find prints them."
                  },
                  new String[] {
                    "crawl ldap --root ceo --tree",
                    "The embedded demo org chart, drawn from the CEO down."
                  },
                  new String[] {
                    "crawl install", "Install crawl, its man pages and completion under ~/.local."
                  }),
          "crawl-fs",
              List.of(
                  new String[] {"crawl fs -t f -e log -S +10m /var", "Log files over 10 MB."},
                  new String[] {
                    "crawl fs -0 -g '*.tmp' . | xargs -0 rm",
                    "Remove temporary files, whatever their names."
                  },
                  new String[] {
                    "crawl fs --summary --apparent-size ~",
                    "Bytes, files and directories per top-level entry."
                  },
                  new String[] {
                    "crawl fs -e jpg -x convert {} {.}.png",
                    "Convert every JPEG, one command per file."
                  },
                  new String[] {
                    "crawl fs --gitignore -p -g '**/src/**/*.java' .",
                    "Java sources git does not ignore."
                  }),
          "crawl-ldap",
              List.of(
                  new String[] {
                    "crawl ldap --root ceo --csv title department",
                    "The demo chart as CSV, with two more columns."
                  },
                  new String[] {
                    "crawl ldap -H ldaps://dc1.example.com -b dc=example,dc=com -D"
                        + " crawler@example.com -y ~/.pw --root jdoe --html > chart.html",
                    "jdoe's part of an Active Directory as one offline page."
                  },
                  new String[] {
                    "crawl ldap --root ceo --stats --find-orphans",
                    "Who is reached, and who is out of reach and why."
                  }),
          "crawl-join",
              List.<String[]>of(
                  new String[] {
                    "crawl join --kafka broker:9092 --crawl ID",
                    "Add this machine's workers to crawl ID until it "
                        + "ends; its starter prints the results."
                  }),
          "crawl-attach",
              List.<String[]>of(
                  new String[] {
                    "crawl attach --kafka broker:9092 --crawl ID > entries.txt",
                    "Every entry of crawl ID, once, "
                        + "from its start to its end, whether its starter is still there or not."
                  },
                  new String[] {
                    "crawl attach --kafka broker:9092 --crawl ID --csv",
                    "An org chart's crawl as CSV."
                  }),
          "crawl-crawls",
              List.<String[]>of(
                  new String[] {
                    "crawl crawls --kafka broker:9092",
                    "The crawls at that broker: state, visits, size, age, and "
                        + "when each is cleaned up."
                  }),
          "crawl-crawls-delete",
              List.<String[]>of(
                  new String[] {
                    "crawl crawls delete ID --kafka broker:9092",
                    "Delete crawl ID, unless a process lists or "
                        + "reads it; its id can then be used again."
                  },
                  new String[] {
                    "crawl crawls delete --expired --kafka broker:9092",
                    "Delete every finished crawl past its "
                        + "grace period that no process reads (from cron, say)."
                  }));

  /** Description lines as paragraphs: picocli's {@code %n} breaks a line, as in --help. */
  private static void paragraphs(StringBuilder roff, String[] lines) {
    String joined = text(String.join(" ", lines));
    boolean first = true;
    for (String paragraph : joined.split("\n")) {
      if (paragraph.isBlank()) {
        continue;
      }
      if (!first) {
        roff.append(".br\n");
      }
      roff.append(escape(paragraph.strip())).append('\n');
      first = false;
    }
  }

  /** picocli's format markers as the help shows them. */
  private static String text(String description) {
    return description.replace("%n", "\n").replace("%%", "%");
  }

  private static String firstSentence(String description) {
    String text = text(description).replace('\n', ' ').strip();
    // A sentence ends at ". ", but not at an ellipsis ("crawl fs ... --kafka").
    java.util.regex.Matcher end =
        java.util.regex.Pattern.compile("(?<!\\.)\\.(\\s|$)").matcher(text);
    return end.find() ? text.substring(0, end.start()) : text;
  }

  private static String quoted(String text) {
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  /**
   * Text as roff shows it: a backslash written as {@code \e}, a hyphen as a minus (so that options
   * can be copied and searched), and a line that would start with a control character guarded.
   */
  static String escape(String text) {
    String escaped = text.replace("\\", "\\e").replace("-", "\\-");
    return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
  }
}
