package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crawler.cli.CliRun;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code crawl ldap} with extra attributes (ldapsearch's trailing arguments) that collide with a
 * column of their own (title, cn, mail, uid, manager), repeat (in any case), or that nobody has:
 * every format stays whole. With {@code --csv title department} the header had 12 columns and every
 * row 11, each value after {@code reports} one column off.
 */
class ExtraAttributeColumnsTest {
  private static final int PEOPLE = 60;
  private static final String BUILT_IN = "dn,uid,name,title,mail,manager,depth,reports";

  /** Extra attributes asked for, and the extra columns a person then has. */
  static Stream<Arguments> extras() {
    return Stream.of(
        Arguments.of(
            List.of("title", "departmentNumber"),
            List.of("departmentNumber")), // the README's shape
        Arguments.of(List.of("sn", "title", "cn", "mail", "uid", "manager"), List.of("sn")),
        Arguments.of(
            List.of("sn", "sn", "SN", "givenName", "GIVENNAME"), List.of("sn", "givenName")),
        Arguments.of(
            List.of("departmentNumber", "telephoneNumber", "Title"),
            List.of("departmentNumber", "telephoneNumber")),
        Arguments.of(List.of("CN", "Mail", "UID"), List.of()));
  }

  private static CliRun run(String format, List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ldap", "--root", "ceo", "--demo-people", String.valueOf(PEOPLE), "-q", "-j", "1"));
    if (format != null) {
      args.add(format);
    }
    args.addAll(extra);
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exit(), run.err());
    return run;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("extras")
  void csv_everyRowHasTheHeadersColumns(List<String> extra, List<String> columns) {
    List<List<String>> records = csvRecords(run("--csv", extra).text());
    List<String> header = new ArrayList<>(List.of(BUILT_IN.split(",")));
    header.addAll(columns);
    assertEquals(header, records.get(0));
    assertEquals(PEOPLE + 1, records.size());
    for (List<String> row : records.subList(1, records.size())) {
      assertEquals(header.size(), row.size(), () -> "row " + row);
      assertTrue(
          row.get(header.indexOf("depth")).matches("\\d+"), () -> "depth in its column: " + row);
      assertTrue(
          row.get(header.indexOf("reports")).matches("\\d+"),
          () -> "reports in its column: " + row);
      for (String name : columns) {
        String value = row.get(header.indexOf(name));
        switch (name) {
          case "sn" ->
              assertTrue(
                  !value.isEmpty() && row.get(2).endsWith(" " + value), () -> "sn of " + row);
          case "givenName" ->
              assertTrue(row.get(2).startsWith(value + " "), () -> "givenName of " + row);
          default -> assertEquals("", value, () -> name + ": nobody has it, " + row);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("extras")
  void json_attributesHoldEachExtraOnce_andNoField(List<String> extra, List<String> columns) {
    List<String> lines = run(null, extra).lines();
    assertEquals(PEOPLE, lines.size());
    for (String line : lines) {
      StringBuilder attributes = new StringBuilder();
      for (String name : columns) {
        attributes
            .append(attributes.length() == 0 ? "" : ",")
            .append('"')
            .append(name)
            .append("\":")
            .append(name.equals("sn") || name.equals("givenName") ? "\\[\"[^\"]+\"\\]" : "\\[\\]");
      }
      String tail =
          columns.isEmpty()
              ? "\"reports\":\\d+\\}"
              : "\"reports\":\\d+,\"attributes\":\\{" + attributes + "\\}\\}";
      assertTrue(line.matches("\\{\"dn\":.*,\"title\":\"[^\"]+\",.*" + tail), line);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("extras")
  void ldif_eachAttributeOnce_withItsValuesOnce(List<String> extra, List<String> columns)
      throws Exception {
    List<com.unboundid.ldap.sdk.Entry> entries = new ArrayList<>();
    try (com.unboundid.ldif.LDIFReader reader =
        new com.unboundid.ldif.LDIFReader(new ByteArrayInputStream(run("--ldif", extra).out()))) {
      for (com.unboundid.ldap.sdk.Entry e = reader.readEntry(); e != null; e = reader.readEntry()) {
        entries.add(e);
      }
    }
    assertEquals(PEOPLE, entries.size());
    for (com.unboundid.ldap.sdk.Entry e : entries) {
      for (String name : List.of("uid", "cn", "title", "mail")) {
        assertEquals(1, e.getAttribute(name).size(), () -> name + " of " + e.getDN());
      }
      assertTrue(e.getAttribute("sn") == null || e.getAttribute("sn").size() == 1, e::toLDIFString);
      for (String name : columns) {
        boolean present = name.equals("sn") || name.equals("givenName");
        assertEquals(present, e.hasAttribute(name), () -> name + " of " + e.getDN());
      }
      assertEquals(
          4
              + (e.hasAttribute("manager") ? 1 : 0)
              + (int) columns.stream().filter(c -> c.equals("sn") || c.equals("givenName")).count(),
          e.getAttributes().size(),
          e::toLDIFString);
    }
  }

  /** Formats that show no extra attributes print the same people with or without them. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--tree", "--dot", "--html"})
  void formatsWithoutExtraColumns_areUnchangedByThem(String format) {
    String plain = run(format, List.of()).text();
    for (Arguments a : extras().toList()) {
      @SuppressWarnings("unchecked")
      List<String> extra = (List<String>) a.get()[0];
      String with = run(format, extra).text();
      assertEquals(
          new HashSet<>(plain.lines().toList()),
          new HashSet<>(with.lines().toList()),
          "with " + extra);
    }
  }

  /**
   * RFC 4180 records: fields split at commas outside quotes, {@code ""} inside quotes is one quote.
   */
  static List<List<String>> csvRecords(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else if (c != '\r') {
        field.append(c);
      }
    }
    assertTrue(record.isEmpty() && field.length() == 0, "the last record ends with a newline");
    return records;
  }
}
