package dev.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.ldap.demo.DemoDirectory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input as users type it: each answered by exit 2 and one line on stderr that names the flag
 * and says what to do, never a stack trace; and the ldapsearch habits that are accepted.
 */
class BadInputTest {
  private static DemoDirectory server;
  private static String plainUrl;

  @TempDir static Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = DemoDirectory.start(new DemoDirectory.Options(100, 3, 100, Duration.ZERO, true));
    plainUrl = "ldap://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Exit 2, exactly one line matching {@code expected}, no stack trace. */
  private static void assertOneLine(String expected, String... args) {
    CliRun run = CliRun.of(args);
    String what = String.join(" ", args) + " -> " + run.err();
    assertEquals(2, run.exit(), what);
    assertEquals(1, run.err().lines().count(), what);
    assertFalse(run.err().contains("\tat "), what);
    assertTrue(Pattern.compile(expected).matcher(run.err().strip()).matches(), what);
  }

  @Test
  void unreachableServers_sayWhyInAFewWords() {
    assertOneLine(
        "crawl: cannot reach 127\\.0\\.0\\.1:1: connection refused \\(is the server running, and on"
            + " that port\\?\\)",
        "ldap",
        "--root",
        "ceo",
        "-H",
        "ldap://127.0.0.1:1",
        "-b",
        "dc=x",
        "--connect-timeout",
        "2s");
    assertOneLine(
        "crawl: cannot reach nosuch\\.invalid:389: unknown host \\(check the name in --url\\)",
        "ldap",
        "--root",
        "ceo",
        "-H",
        "ldap://nosuch.invalid",
        "-b",
        "dc=x",
        "--connect-timeout",
        "2s");
    assertOneLine(
        "crawl: cannot reach 127\\.0\\.0\\.1:\\d+: (TLS handshake failed|the server closed the"
            + " connection).*",
        "ldap",
        "--root",
        "ceo",
        "-H",
        "ldaps://127.0.0.1:" + server.port(),
        "-b",
        "dc=x",
        "--connect-timeout",
        "2s",
        "--timeout",
        "2s");
  }

  @Test
  void badUrlsAndBases_nameWhatIsMissing() {
    assertOneLine(
        "crawl: --url 'ldap://' names no host: write it like ldap://host:389 or ldaps://host:636,"
            + " or ldap:///dc=example,dc=com to find the servers of example\\.com in DNS",
        "ldap",
        "--root",
        "ceo",
        "-H",
        "ldap://",
        "-b",
        "dc=x");
    assertOneLine(
        "crawl: --url 'ldapi:///run/slapd/ldapi': ldapi:// \\(a Unix socket\\) is not supported;"
            + " connect over TCP, like ldap://127\\.0\\.0\\.1:389, or ldaps://host:636",
        "ldap",
        "--root",
        "ceo",
        "-H",
        "ldapi:///run/slapd/ldapi",
        "-b",
        "dc=x");
    assertOneLine(
        "crawl: the base DN dc=nowhere does not exist at 127\\.0\\.0\\.1:\\d+ \\(check --base\\)",
        "ldap",
        "--root",
        "ceo",
        "-H",
        plainUrl,
        "-b",
        "dc=nowhere");
  }

  /** No Java words reach a user, and nothing empty is taken silently. */
  @Test
  void javasWordsAndEmptyValues_becomeOneLineInAUsersWords() {
    assertOneLine(
        "crawl: --workers takes a whole number, not 'abc' \\(see 'crawl fs --help'\\)",
        "fs",
        "-j",
        "abc",
        ".");
    assertOneLine(
        "crawl: --rate takes a number, not 'x' \\(see 'crawl fs --help'\\)",
        "fs",
        "--rate",
        "x",
        ".");
    assertOneLine(
        "crawl: --rate must be a positive number of listings per second, not 0",
        "fs",
        "--rate",
        "0",
        ".");
    assertOneLine(
        "crawl: --json and --summary cannot go together: give one \\(see 'crawl fs --help'\\)",
        "fs",
        "--json",
        "--summary",
        ".");
    assertOneLine(
        "crawl: an empty DIR names no directory: give one, or none for the current directory",
        "fs",
        "");
    assertOneLine("crawl: --extension needs an extension, like -e txt", "fs", "-e", "", ".");
    assertOneLine("crawl: --exclude needs a glob, like -E node_modules", "fs", "-E", "", ".");
  }

  @Test
  void install_withoutTheLauncher_saysHowToRunIt() {
    assertOneLine(
        "crawl: run install through the crawl launcher, from a clone: \\./crawl install",
        "install");
  }

  @Test
  void demoNumbers_nameTheFlag_beforeTheBanner() {
    assertOneLine(
        "crawl: --demo-people must be at least 50, not 0",
        "ldap",
        "--root",
        "ceo",
        "--demo-people",
        "0");
    assertOneLine(
        "crawl: --demo-size-limit must be at least 10, not 0",
        "ldap",
        "--root",
        "ceo",
        "--demo-size-limit",
        "0");
    // Sized from the heap, refused before anything is generated: 10,000,000 people once grew to
    // 6.2 GB, thrashed in garbage collection and ignored SIGTERM.
    assertOneLine(
        "crawl: --demo-people 2,000,000,000 needs about 19073\\.5 GiB of memory and this JVM may"
            + " use [\\d.]+ GiB, enough for [\\d,]+: give fewer people, or more memory"
            + " \\(CRAWL_JAVA_OPTS=-Xmx\\.\\.\\.\\)",
        "ldap",
        "--root",
        "ceo",
        "--demo-people",
        "2000000000");
  }

  @Test
  void passwords_oneSafeWayOnly() throws Exception {
    assertOneLine(
        "crawl: -w would show the password .*: give -y FILE, --password-env VAR, or -W to be asked",
        "ldap",
        "--root",
        "ceo",
        "-H",
        plainUrl,
        "-b",
        DemoDirectory.BASE_DN,
        "-D",
        DemoDirectory.CRAWLER_DN,
        "-w",
        "secret");
    Path file = Files.writeString(tmp.resolve("pw"), "x");
    assertOneLine(
        "crawl: give the password one way: -y FILE, --password-env VAR or -W, not several",
        "ldap",
        "--root",
        "ceo",
        "-H",
        plainUrl,
        "-b",
        DemoDirectory.BASE_DN,
        "-D",
        DemoDirectory.CRAWLER_DN,
        "-y",
        file.toString(),
        "-W");
    assertOneLine(
        "crawl: cannot read --password-file /nonexistent: no such file",
        "ldap",
        "--root",
        "ceo",
        "-H",
        plainUrl,
        "-b",
        DemoDirectory.BASE_DN,
        "-D",
        DemoDirectory.CRAWLER_DN,
        "-y",
        "/nonexistent");
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");
    assertOneLine(
        "crawl: --password-file .*empty is empty: put the bind password in it",
        "ldap",
        "--root",
        "ceo",
        "-H",
        plainUrl,
        "-b",
        DemoDirectory.BASE_DN,
        "-D",
        DemoDirectory.CRAWLER_DN,
        "-y",
        empty.toString());
  }

  @Test
  void caFileWithoutTls_isRefused_notIgnored() throws Exception {
    Path pem = Files.writeString(tmp.resolve("ca.pem"), "");
    assertOneLine(
        "crawl: --ca-file is for TLS: use an ldaps:// URL or --starttls, or leave --ca-file out",
        "ldap",
        "--root",
        "ceo",
        "-H",
        plainUrl,
        "-b",
        DemoDirectory.BASE_DN,
        "--ca-file",
        pem.toString());
  }

  @Test
  void ldapsearchHabits_minusZZ_andMinusX_areUnderstood() {
    // -ZZ is StartTLS: without --url it is refused for that reason, not as a repeated flag.
    assertOneLine(
        "crawl: --bind-dn, --base, --starttls and --ca-file need --url .*",
        "ldap",
        "--root",
        "ceo",
        "-ZZ");
    CliRun x = CliRun.of("ldap", "--root", "ceo", "-x", "--demo-people", "60", "-q");
    assertEquals(0, x.exit(), x.err());
    assertEquals(60, x.text().lines().count());
  }

  @Test
  void unknownCommand_listsTheCommands() {
    assertOneLine(
        "crawl: 'bogus' is not a command: the commands are fs, ldap, join, attach, crawls, help,"
            + " generate-completion, generate-man-pages and install \\(see 'crawl --help'\\)",
        "bogus");
  }

  @Test
  void completion_forBashAndZsh_comesFromTheCommandModel() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = CrawlCommand.commandLine(out).execute("generate-completion");
    String script = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit);
    assertTrue(
        script.contains("complete -F")
            && script.contains("--max-results")
            && script.contains("--kafka")
            && script.contains("--find-orphans"),
        "a completion script for every subcommand's options");
    assertTrue(
        script.contains("--keep-for")
            && script.contains("crawls delete")
            && script.contains("--expired"),
        "and for crawl crawls delete, a subcommand's subcommand");
    assertTrue(
        script.contains("(\"auto\" \"always\" \"never\") # --color values")
            && script.contains(
                "\"symlink\" \"other\" \"executable\" \"empty\" \"socket\" \"pipe\""
                    + " \"block-device\" \"char-device\") # --type values"),
        "option values complete");
  }

  @Test
  void badGlob_isOneLine() {
    assertOneLine(
        "crawl: bad exclude glob '\\[': Missing '\\] at character 1",
        "fs",
        "-E",
        "[",
        tmp.toString());
  }

  @Test
  void version_isThePomsVersion_forEveryCommand() {
    for (String[] args : new String[][] {{"-V"}, {"fs", "--version"}, {"ldap", "--version"}}) {
      CliRun run = CliRun.of(args);
      assertEquals(0, run.exit());
      assertTrue(
          run.text().matches("crawl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .*\\)\\n"),
          String.join(" ", args) + ": " + run.text());
    }
  }
}
