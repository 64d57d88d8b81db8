package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A password file's bytes become the bind password without a String on the way, as String.strip
 * would take them.
 */
class PasswordFileTest {
  @Test
  void theBytes_areDecodedAndStripped_thenCleared() throws Exception {
    byte[] file = " \tpässwörd €\n\n".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals("pässwörd €".toCharArray(), DirectoryOptions.stripped(file));
    assertArrayEquals(new byte[file.length], file);
  }

  @Test
  void blankOrEmpty_givesNothing() throws Exception {
    assertArrayEquals(
        new char[0], DirectoryOptions.stripped(" \n".getBytes(StandardCharsets.UTF_8)));
    assertArrayEquals(new char[0], DirectoryOptions.stripped(new byte[0]));
  }

  /**
   * As Files.readString refused it: not UTF-8 is an error, never a password with a replacement
   * character.
   */
  @Test
  void notUtf8_isRefused_andStillCleared() {
    byte[] file = {'a', (byte) 0xff, 'b'};
    assertThrows(CharacterCodingException.class, () -> DirectoryOptions.stripped(file));
    assertArrayEquals(new byte[3], file);
  }
}
