package dev.crawler.cli.fs;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.common.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fd's placeholders on byte paths, and how -x and -X build their command lines. */
class CommandTemplateTest {

  @ParameterizedTest(name = "{0}: name {1}, parent {2}, no extension {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a/b/c.txt        | c.txt      | a/b  | a/b/c",
        "c.txt            | c.txt      | .    | c",
        "./x.tar.gz       | x.tar.gz   | .    | ./x.tar",
        "/etc             | etc        | /    | /etc",
        "/                | /          | /    | /",
        ".                | .          | .    | .",
        "..               | ..         | .    | ..",
        "d/.bashrc        | .bashrc    | d    | d/.bashrc",
        "d.e/f            | f          | d.e  | d.e/f",
        "a//b.c           | b.c        | a    | a//b",
        "dir/             | dir        | .    | dir",
        "a.b/c.           | c.         | a.b  | a.b/c",
      })
  void placeholders_onBytes(String path, String name, String parent, String noExtension) {
    byte[] p = path.getBytes(ISO_8859_1);
    assertEquals(name, latin1(CommandTemplate.name(p)));
    assertEquals(parent, latin1(CommandTemplate.parent(p)));
    assertEquals(noExtension, latin1(CommandTemplate.withoutExtension(p)));
  }

  @Test
  void everyPlaceholder_inOneWordAndAlone_keepsRawBytes() throws Exception {
    CommandTemplate t =
        CommandTemplate.parse(
            List.of("cmd", "{}", "{/}", "{//}", "{.}", "{/.}", "pre-{/.}.png", "{x}", "{"),
            UTF_8,
            false,
            "-x");
    byte[] path =
        "d/caf\u00e9/bad\u00ff.jpg".getBytes(ISO_8859_1); // \u00ff: the byte 0xFF, not UTF-8
    assertEquals(
        List.of(
            "cmd",
            "d/caf\u00e9/bad\u00ff.jpg",
            "bad\u00ff.jpg",
            "d/caf\u00e9",
            "d/caf\u00e9/bad\u00ff",
            "bad\u00ff",
            "pre-bad\u00ff.png",
            "{x}",
            "{"),
        latin1(t.forPath(path)));
  }

  @Test
  void noPlaceholder_putsThePathLast() throws Exception {
    CommandTemplate t = CommandTemplate.parse(List.of("wc", "-l"), UTF_8, false, "-x");
    assertEquals(List.of("wc", "-l", "a b"), latin1(t.forPath("a b".getBytes(ISO_8859_1))));
    CommandTemplate batch = CommandTemplate.parse(List.of("wc", "-l"), UTF_8, true, "-X");
    assertEquals(
        List.of("wc", "-l", "p", "q"), latin1(batch.forBatch(List.of(bytes("p"), bytes("q")))));
  }

  @Test
  void batch_repeatsThePlaceholderWord_inItsPlace() throws Exception {
    CommandTemplate t =
        CommandTemplate.parse(List.of("cp", "-t", "dest", "{/}", "--"), UTF_8, true, "-X");
    assertEquals(
        List.of("cp", "-t", "dest", "p", "q", "--"),
        latin1(t.forBatch(List.of(bytes("a/p"), bytes("b/q")))));
    assertEquals("q".length() + 1 + 8, t.batchCost(bytes("b/q")));
    assertEquals(
        (2 + 1 + 8) + (2 + 1 + 8) + (4 + 1 + 8) + (2 + 1 + 8), t.fixedCost()); // cp, -t, dest, --
  }

  @Test
  void badCommands_areUserErrors() {
    UserError two =
        assertThrows(
            UserError.class,
            () -> CommandTemplate.parse(List.of("mv", "{}", "{.}.bak"), UTF_8, true, "-X"));
    assertTrue(
        two.getMessage().startsWith("-X takes placeholders in one argument only"),
        two.getMessage());
    assertThrows(UserError.class, () -> CommandTemplate.parse(List.of("{}"), UTF_8, false, "-x"));
    assertThrows(UserError.class, () -> CommandTemplate.parse(List.of(), UTF_8, false, "-x"));
    assertThrows(UserError.class, () -> CommandTemplate.parse(List.of(""), UTF_8, false, "-x"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(ISO_8859_1);
  }

  private static String latin1(byte[] b) {
    return new String(b, ISO_8859_1);
  }

  private static List<String> latin1(List<byte[]> argv) {
    return argv.stream().map(CommandTemplateTest::latin1).toList();
  }
}
