package dev.crawler.fs;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The exact bytes of a path's name, as the filesystem stores them. Thread-safe.
 *
 * <p>{@link Path#toString()} decodes names with the JVM's file-name charset and replaces what it
 * cannot decode (U+FFFD under UTF-8, {@code ?} under the C locale), so a name that is not valid
 * UTF-8 would be printed as a different name. The JDK keeps the raw bytes, and {@link Path#toUri()}
 * percent-encodes them; this class decodes that for the rare names that need it, and takes the fast
 * path ({@code toString} encoded as UTF-8) for all others.
 */
public final class PathBytes {
  private static final boolean UTF8_NAMES =
      "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", "UTF-8"));

  private PathBytes() {}

  /**
   * The path's bytes, relative if the path is.
   *
   * @param path a path of the default filesystem
   * @return its exact bytes
   */
  public static byte[] of(Path path) {
    String text = path.toString();
    if (isExact(text)) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    byte[] absolute = uriBytes(path.toAbsolutePath());
    if (path.isAbsolute()) {
      return trimTrailingSlash(absolute, text);
    }
    byte[] base = uriBytes(Path.of("").toAbsolutePath());
    int skip = base.length + (base.length > 0 && base[base.length - 1] == '/' ? 0 : 1);
    byte[] relative =
        Arrays.copyOfRange(absolute, Math.min(skip, absolute.length), absolute.length);
    return trimTrailingSlash(relative, text);
  }

  /**
   * The path whose bytes are {@code bytes}: the inverse of {@link #of}, for any name, UTF-8 or not.
   *
   * @param bytes a path's exact bytes, relative or absolute
   * @return the path
   */
  public static Path toPath(byte[] bytes) {
    if (UTF8_NAMES && isUtf8(bytes)) {
      return Path.of(new String(bytes, StandardCharsets.UTF_8));
    }
    boolean absolute = bytes.length > 0 && bytes[0] == '/';
    StringBuilder uri = new StringBuilder("file://");
    if (!absolute) {
      uri.append(Path.of("").toAbsolutePath().toUri().getRawPath());
      if (uri.charAt(uri.length() - 1) != '/') {
        uri.append('/');
      }
    }
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x80 || c < 0x20 || c == '%' || c == ' ' || c == '#' || c == '?' || c == '"'
          || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|'
          || c == '}' || c == '[' || c == ']') {
        uri.append('%')
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 0xf, 16));
      } else {
        uri.append((char) c);
      }
    }
    Path path = Path.of(URI.create(uri.toString()));
    return absolute ? path : Path.of("").toAbsolutePath().relativize(path);
  }

  /**
   * Whether {@code bytes} is valid UTF-8, so that it can be shown as text without loss.
   *
   * @param bytes any bytes
   * @return {@code true} if they decode as UTF-8 without error
   */
  public static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isExact(String text) {
    if (UTF8_NAMES) {
      return text.indexOf('\uFFFD') < 0;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80 || c == '?') {
        return false;
      }
    }
    return true;
  }

  private static byte[] uriBytes(Path absolute) {
    String raw = absolute.toUri().getRawPath();
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c); // the rest of a raw URI path is ASCII
      }
    }
    return out.toByteArray();
  }

  /** toUri() adds a slash to directories; keep one only if the path's text has it. */
  private static byte[] trimTrailingSlash(byte[] bytes, String text) {
    if (bytes.length > 1 && bytes[bytes.length - 1] == '/' && !text.endsWith("/")) {
      return Arrays.copyOf(bytes, bytes.length - 1);
    }
    return bytes;
  }
}
