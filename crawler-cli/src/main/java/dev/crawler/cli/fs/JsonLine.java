package dev.crawler.cli.fs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * One line of JSON built straight into bytes, for {@code crawl fs --json}: a million entries spend
 * most of their time here, so the common cases skip {@link String} and {@link Instant#toString()}.
 * Each method writes what the general path would write, byte for byte. Not thread-safe: one line,
 * one thread.
 */
final class JsonLine {
  /** Instant.toString (ISO_INSTANT) of millis below this, from 1970, has four-digit years. */
  private static final long YEAR_10000_MILLIS = 253_402_300_800_000L;

  private byte[] bytes;
  private int size;

  JsonLine(int capacity) {
    bytes = new byte[capacity];
  }

  JsonLine ascii(String text) {
    int length = text.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      bytes[size++] = (byte) text.charAt(i);
    }
    return this;
  }

  JsonLine bytes(byte[] raw) {
    ensure(raw.length);
    System.arraycopy(raw, 0, bytes, size, raw.length);
    size += raw.length;
    return this;
  }

  /** {@code value} as {@link Long#toString(long)} writes it, without making that String. */
  JsonLine number(long value) {
    if (value == Long.MIN_VALUE) {
      return ascii(Long.toString(value)); // its magnitude is not a long
    }
    ensure(20);
    if (value < 0) {
      bytes[size++] = '-';
      value = -value;
    }
    int width = 1;
    for (long rest = value / 10; rest != 0; rest /= 10) {
      width++;
    }
    for (int i = size + width - 1; i >= size; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += width;
    return this;
  }

  /**
   * Whether {@code raw} can go into a JSON string as it is: printable ASCII without a quote or
   * backslash, as nearly every file name is.
   */
  static boolean isPlainAscii(byte[] raw) {
    for (byte b : raw) {
      if (b < 0x20 || b == 0x7f || b == '"' || b == '\\') { // bytes >= 0x80 are negative
        return false;
      }
    }
    return true;
  }

  /**
   * {@code millis} as {@link Instant#toString()} writes it, e.g. {@code 2026-12-03T15:53:07.120Z}.
   */
  JsonLine instant(long millis) {
    if (millis < 0 || millis >= YEAR_10000_MILLIS) {
      return ascii(Instant.ofEpochMilli(millis).toString()); // signs and five-digit years: rare
    }
    long days = millis / 86_400_000;
    int ofDay = (int) (millis % 86_400_000);
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted); all >= 0
    // here.
    long z = days + 719_468;
    long era = z / 146_097;
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    ensure(24);
    digits(year, 4);
    bytes[size++] = '-';
    digits(month, 2);
    bytes[size++] = '-';
    digits(day, 2);
    bytes[size++] = 'T';
    digits(ofDay / 3_600_000, 2);
    bytes[size++] = ':';
    digits(ofDay / 60_000 % 60, 2);
    bytes[size++] = ':';
    digits(ofDay / 1000 % 60, 2);
    if (ofDay % 1000 != 0) {
      bytes[size++] = '.';
      digits(ofDay % 1000, 3);
    }
    bytes[size++] = 'Z';
    return this;
  }

  byte[] toBytes() {
    return Arrays.copyOf(bytes, size);
  }

  @Override
  public String toString() {
    return new String(bytes, 0, size, StandardCharsets.UTF_8);
  }

  private void digits(int value, int width) {
    for (int i = width - 1; i >= 0; i--) {
      bytes[size + i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += width;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
