package dev.crawler.cli;

import dev.crawler.cli.common.CrawlOptions;
import dev.crawler.cli.common.ExitCodes;
import dev.crawler.cli.common.ExitStatus;
import dev.crawler.cli.common.Failures;
import dev.crawler.cli.common.UserError;
import dev.crawler.cli.common.Version;
import dev.crawler.cli.common.WriteFailure;
import dev.crawler.cli.fs.FsCommand;
import dev.crawler.cli.kafka.AttachCommand;
import dev.crawler.cli.kafka.CrawlsCommand;
import dev.crawler.cli.kafka.JoinCommand;
import dev.crawler.cli.ldap.LdapCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * {@code crawl}: the top-level command. Holds the one place where failures become exit codes and
 * messages: a usage error is one line plus a hint (exit 2); a {@link UserError} is one line (exit
 * 2); anything else is one line (exit 1), with the stack trace only under {@code --debug}.
 */
@Command(
    name = "crawl",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Crawl a slow tree in parallel: a directory tree, an org chart.",
    subcommands = {
      FsCommand.class,
      LdapCommand.class,
      JoinCommand.class,
      AttachCommand.class,
      CrawlsCommand.class,
      CommandLine.HelpCommand.class,
      picocli.AutoComplete.GenerateCompletion.class,
      ManPages.class,
      InstallCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the crawl completed",
      "1:some entries could not be read, or the deadline passed (partial output), or the output"
          + " could not be written, or a crawl over Kafka lost its topics or Kafka while it ran",
      "2:bad usage or bad input (unknown flag, missing root, bad glob, unknown person, bad"
          + " credentials, unreachable server)",
      "130:interrupted (Ctrl-C); what was found was written"
    })
public final class CrawlCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** A command line with our error handling, writing results to the process's stdout. */
  public static CommandLine commandLine() {
    return commandLine(new java.io.FileOutputStream(java.io.FileDescriptor.out));
  }

  /**
   * A command line whose results go to {@code stdout} (raw bytes: file names are not always text);
   * messages go to picocli's {@code getErr()}. Tests call {@code execute} on it.
   */
  public static CommandLine commandLine(java.io.OutputStream stdout) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          @SuppressWarnings("unchecked")
          public <K> K create(Class<K> type) throws Exception {
            if (type == FsCommand.class) {
              return (K) new FsCommand(stdout);
            }
            if (type == LdapCommand.class) {
              return (K) new LdapCommand(stdout);
            }
            if (type == AttachCommand.class) {
              return (K) new AttachCommand(stdout);
            }
            return defaults.create(type);
          }
        };
    CommandLine cli = new CommandLine(new CrawlCommand(), factory);
    workersDefault(
        cli.getSubcommands().get("fs").getCommandSpec(),
        "(default: "
            + FsCommand.DEFAULT_WORKERS
            + ", as many as cores listing at first and the others once a listing waits on the disk;"
            + " "
            + FsCommand.DISTRIBUTED_WORKERS
            + " with --kafka)");
    workersDefault(
        cli.getSubcommands().get("ldap").getCommandSpec(),
        "(default: " + LdapCommand.DEFAULT_WORKERS + ")");
    // Help and the version go where results go (stdout), as text. A PrintWriter keeps a failed
    // write to itself: the stream under it remembers why, for the strategy below to say.
    WriteWatch watch = new WriteWatch(stdout);
    cli.setOut(
        new PrintWriter(
            new java.io.OutputStreamWriter(watch, java.nio.charset.StandardCharsets.UTF_8), true));
    cli.setParameterExceptionHandler(CrawlCommand::usageError);
    cli.setExecutionExceptionHandler(CrawlCommand::failure);
    CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
    cli.setExecutionStrategy(
        parsed -> {
          int exit = runLast.execute(parsed);
          java.io.IOException failed = watch.failure;
          if (failed != null && !WriteFailure.readerGone(failed)) {
            // Help, the version, the completion script: not written, so not a success.
            return failure(new ExitStatus.OutputFailedException(failed), cli, parsed);
          }
          return exit;
        });
    return cli;
  }

  /**
   * -j's description with {@code command}'s own default: the option is shared ({@link
   * CrawlOptions}), so its text cannot name one; {@code crawl fs --help} named ldap's as well.
   */
  private static void workersDefault(CommandLine.Model.CommandSpec command, String workers) {
    CommandLine.Model.OptionSpec shared = command.findOption("-j");
    String[] description = shared.description().clone();
    description[0] = description[0].replace(CrawlOptions.WORKERS_DEFAULTS, workers);
    command.remove(shared);
    command.addOption(shared.toBuilder().description(description).build());
  }

  /** The stream under the help's PrintWriter: passes bytes on, and keeps the first failure. */
  private static final class WriteWatch extends java.io.FilterOutputStream {
    /** The first failed write's exception; written by the command's thread, read after it. */
    volatile java.io.IOException failure;

    WriteWatch(java.io.OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws java.io.IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      try {
        out.write(b, off, len);
      } catch (java.io.IOException e) {
        if (failure == null) {
          failure = e;
        }
        throw e;
      }
    }

    @Override
    public void flush() throws java.io.IOException {
      try {
        out.flush();
      } catch (java.io.IOException e) {
        if (failure == null) {
          failure = e;
        }
        throw e;
      }
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name what to crawl: crawl fs DIR, or crawl ldap --root UID");
  }

  /** A usage error: one line, with where to look, and exit 2. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    String help = " (see '" + cli.getCommandSpec().qualifiedName() + " --help')";
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && cli.getParent() == null
        && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getUnmatched().get(0).startsWith("-")) {
      java.util.List<String> names = new java.util.ArrayList<>();
      cli.getSubcommands()
          .forEach(
              (name, sub) -> {
                if (!sub.getCommandSpec().usageMessage().hidden()) {
                  names.add(name);
                }
              });
      String last = names.remove(names.size() - 1);
      err.println(
          "crawl: '"
              + unmatched.getUnmatched().get(0)
              + "' is not a command: the commands are "
              + String.join(", ", names)
              + " and "
              + last
              + help);
    } else {
      err.println("crawl: " + plainWords(e.getMessage()) + help);
    }
    err.flush();
    return ExitCodes.USAGE;
  }

  private static final java.util.regex.Pattern NOT_A_NUMBER =
      java.util.regex.Pattern.compile(
          "Invalid value for option '([^']+)': '(.*)' is not an?"
              + " (int|long|short|byte|double|float)");
  private static final java.util.regex.Pattern EXCLUSIVE =
      java.util.regex.Pattern.compile("Error: (.+) are mutually exclusive \\(specify only one\\)");

  /** picocli's messages in a user's words, not Java's: "is not an int", "mutually exclusive". */
  static String plainWords(String message) {
    java.util.regex.Matcher number = NOT_A_NUMBER.matcher(message);
    if (number.matches()) {
      boolean whole = !number.group(3).equals("double") && !number.group(3).equals("float");
      return number.group(1)
          + " takes "
          + (whole ? "a whole number" : "a number")
          + ", not '"
          + number.group(2)
          + "'";
    }
    java.util.regex.Matcher exclusive = EXCLUSIVE.matcher(message);
    if (exclusive.matches()) {
      String options = exclusive.group(1);
      int last = options.lastIndexOf(", ");
      if (last >= 0) {
        options = options.substring(0, last) + " and " + options.substring(last + 2);
      }
      return options + " cannot go together: give one";
    }
    return message;
  }

  private static int failure(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    boolean debug = wantsDebug(parsed);
    if (e instanceof UserError) {
      err.println("crawl: " + e.getMessage());
      err.flush();
      if (e.getCause() != null) {
        Failures.debugTrace(e.getCause());
      }
      return ExitCodes.USAGE;
    }
    if (e instanceof ExitStatus.OutputFailedException) {
      err.println("crawl: " + e.getMessage()); // the system's reason says it all
      err.flush();
      Failures.debugTrace(e);
      return ExitCodes.PARTIAL;
    }
    err.println(
        "crawl: " + Failures.describe(e) + (debug ? "" : " (run with --debug for details)"));
    err.flush();
    Failures.debugTrace(e);
    return ExitCodes.PARTIAL;
  }

  private static boolean wantsDebug(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }
}
