package dev.crawler.cli.ldap;

import dev.crawler.cli.common.JsonString;
import dev.crawler.cli.common.SharedOutput;
import dev.crawler.core.Visit;
import dev.crawler.ldap.OutOfReach;
import dev.crawler.ldap.Person;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@code crawl ldap} prints people. JSON lines, CSV and DOT stream; the tree is printed at the
 * end.
 */
public enum PersonFormat {
  /** One JSON object per person: dn, uid, name, title, mail, manager, depth, reports. */
  JSON {
    @Override
    public void write(Visit<Person> visit, SharedOutput.Buffer out) {
      out.record(
          line(
              visit.node(),
              String.valueOf(visit.depth()),
              Math.max(0, visit.node().reportCount()),
              null));
    }

    /** As a reached person's line, with {@code "depth":null} and an {@code "outOfReach"} object. */
    @Override
    byte[] outOfReach(
        OutOfReach o, String uidAttribute, String managerAttribute, boolean withColumn) {
      return line(o.person(), "null", o.reports(), o);
    }

    private byte[] line(Person p, String depth, int reports, OutOfReach outOfReach) {
      StringBuilder line = new StringBuilder(200).append('{');
      field(line, "dn", p.dn()).append(',');
      field(line, "uid", p.uid()).append(',');
      field(line, "name", p.name()).append(',');
      field(line, "title", p.title()).append(',');
      field(line, "mail", p.mail()).append(',');
      field(line, "manager", p.managerDn());
      line.append(",\"depth\":").append(depth).append(",\"reports\":").append(reports);
      if (!p.attributes().isEmpty()) {
        line.append(",\"attributes\":{");
        boolean first = true;
        for (Map.Entry<String, List<String>> attribute : p.attributes().entrySet()) {
          line.append(first ? "" : ",");
          first = false;
          JsonString.append(line, attribute.getKey());
          line.append(":[");
          for (int i = 0; i < attribute.getValue().size(); i++) {
            line.append(i == 0 ? "" : ",");
            JsonString.append(line, attribute.getValue().get(i));
          }
          line.append(']');
        }
        line.append('}');
      }
      if (outOfReach != null) {
        line.append(",\"outOfReach\":{");
        field(line, "reason", outOfReach.reason().code()).append(',');
        field(line, "why", outOfReach.why()).append(',');
        field(line, "head", outOfReach.head()).append(',');
        field(line, "manager", outOfReach.manager()).append(",\"cycle\":[");
        for (int i = 0; i < outOfReach.cycle().size(); i++) {
          line.append(i == 0 ? "" : ",");
          JsonString.append(line, outOfReach.cycle().get(i));
        }
        line.append("]}");
      }
      return line.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private StringBuilder field(StringBuilder line, String name, String value) {
      line.append('"').append(name).append("\":");
      if (value == null) {
        return line.append("null");
      }
      JsonString.append(line, value);
      return line;
    }
  },
  /** RFC 4180 CSV with a header row. */
  CSV {
    @Override
    public String header(List<String> extra, boolean outOfReachColumns) {
      StringBuilder header = new StringBuilder("dn,uid,name,title,mail,manager,depth,reports");
      for (String name : extra) {
        header.append(',').append(csv(name));
      }
      if (outOfReachColumns) {
        header.append(",out_of_reach,out_of_reach_why");
      }
      return header.append('\n').toString();
    }

    @Override
    public void write(Visit<Person> visit, SharedOutput.Buffer out) {
      write(visit, false, out);
    }

    @Override
    public void write(Visit<Person> visit, boolean outOfReachColumns, SharedOutput.Buffer out) {
      out.record(
          row(
              visit.node(),
              String.valueOf(visit.depth()),
              Math.max(0, visit.node().reportCount()),
              outOfReachColumns ? ",," : ""));
    }

    /**
     * A row with an empty depth and, in the last two columns, the reason's code and the sentence.
     */
    @Override
    byte[] outOfReach(
        OutOfReach o, String uidAttribute, String managerAttribute, boolean withColumn) {
      return row(o.person(), "", o.reports(), "," + csv(o.reason().code()) + "," + csv(o.why()));
    }

    private byte[] row(Person p, String depth, int reports, String last) {
      StringBuilder row =
          new StringBuilder(
              String.join(
                  ",",
                  csv(p.dn()),
                  csv(p.uid()),
                  csv(p.name()),
                  csv(p.title()),
                  csv(p.mail()),
                  csv(p.managerDn()),
                  depth,
                  String.valueOf(reports)));
      for (List<String> values : p.attributes().values()) {
        row.append(',')
            .append(csv(values.isEmpty() ? null : String.join(";", values))); // several values: a;b
      }
      row.append(last).append('\n');
      return row.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String csv(String value) {
      if (value == null) {
        return "";
      }
      if (value.indexOf(',') < 0
          && value.indexOf('"') < 0
          && value.indexOf('\n') < 0
          && value.indexOf('\r') < 0) {
        return value;
      }
      return '"' + value.replace("\"", "\"\"") + '"';
    }
  },
  /**
   * LDIF, as ldapsearch writes it, for tools that read its output: an entry per person with what
   * was read of them (the SDK does the escaping and base64).
   */
  LDIF {
    @Override
    public void write(Visit<Person> visit, SharedOutput.Buffer out) {
      write(visit, "uid", "manager", out);
    }

    /** With the attributes' real names: {@code sAMAccountName} on AD, not {@code uid}. */
    @Override
    public void write(
        Visit<Person> visit,
        String uidAttribute,
        String managerAttribute,
        SharedOutput.Buffer out) {
      out.record(
          (entry(visit.node(), uidAttribute, managerAttribute).toLDIFString() + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }

    /** The entry, after a comment line saying why they are out of reach (unless {@code -LLL}). */
    @Override
    byte[] outOfReach(
        OutOfReach o, String uidAttribute, String managerAttribute, boolean withComment) {
      String comment =
          withComment
              ? "# out of reach (" + o.reason().code() + "): " + o.why().replace("\n", " ") + "\n"
              : "";
      return (comment + entry(o.person(), uidAttribute, managerAttribute).toLDIFString() + "\n")
          .getBytes(StandardCharsets.UTF_8);
    }

    private com.unboundid.ldap.sdk.Entry entry(
        Person p, String uidAttribute, String managerAttribute) {
      com.unboundid.ldap.sdk.Entry entry = new com.unboundid.ldap.sdk.Entry(p.dn());
      add(entry, uidAttribute, p.uid());
      add(entry, "cn", p.name());
      add(entry, "title", p.title());
      add(entry, "mail", p.mail());
      add(entry, managerAttribute, p.managerDn());
      p.attributes()
          .forEach(
              (name, values) -> {
                if (!values.isEmpty()) {
                  entry.addAttribute(name, values.toArray(String[]::new));
                }
              });
      return entry;
    }

    private void add(com.unboundid.ldap.sdk.Entry entry, String name, String value) {
      if (value != null) {
        entry.addAttribute(name, value);
      }
    }
  },
  /** Graphviz DOT: a box per person, an edge from each manager. Render with {@code dot -Tsvg}. */
  DOT {
    @Override
    public String header() {
      // Left to right: an org chart is wide and shallow, and top to bottom it becomes a strip.
      return "digraph orgchart {\n"
          + "  rankdir=LR;\n"
          + "  ranksep=0.8;\n"
          + "  nodesep=0.08;\n"
          + "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fa\","
          + " color=\"#8aa0bd\", fontname=\"Helvetica\", fontsize=10];\n"
          + "  edge [arrowhead=none, color=\"#8aa0bd\"];\n";
    }

    @Override
    public String footer() {
      return "}\n";
    }

    @Override
    public void write(Visit<Person> visit, SharedOutput.Buffer out) {
      writeInCluster(visit, null, out);
    }

    /**
     * A person's box, inside the cluster of {@code head} (the person at the top of their part of
     * the chart, a VP under the CEO; {@code null}: no cluster), and the edge from their manager.
     * Clusters of one name are one cluster to Graphviz, so a person can be added to theirs as they
     * come; the head's own record names and colours it.
     */
    @Override
    void writeInCluster(Visit<Person> visit, Person head, SharedOutput.Buffer out) {
      Person p = visit.node();
      String label =
          Objects.toString(p.name(), p.toString())
              + "\n"
              + Objects.toString(p.title(), "")
              + (p.reportCount() > 0
                  ? "\n" + p.reportCount() + (p.reportCount() == 1 ? " report" : " reports")
                  : "");
      StringBuilder s = new StringBuilder(200).append("  ");
      if (head != null) {
        s.append("subgraph ").append(dot("cluster:" + head.dn())).append(" { ");
        if (head.equals(p)) {
          s.append("label=")
              .append(dot(Objects.toString(p.name(), p.toString())))
              .append("; style=\"rounded,filled\"; ")
              .append("fillcolor=\"#f7f9fc\"; color=\"#c5d2e3\"; fontname=\"Helvetica\"; ");
        }
      }
      s.append(dot(p.dn())).append(" [label=").append(dot(label)).append("];");
      s.append(head != null ? " }\n" : "\n");
      if (visit.parent() != null) {
        s.append("  ")
            .append(dot(visit.parent().dn()))
            .append(" -> ")
            .append(dot(p.dn()))
            .append(";\n");
      }
      out.record(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    private String dot(String value) {
      return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
  },
  /**
   * A self-contained HTML page (orgchart.html): a collapsible chart with counts per manager and a
   * search, working offline. People stream into a script array, managers first, as the crawl finds
   * them; the page builds the chart when it loads.
   */
  HTML {
    @Override
    public String header() {
      return HtmlTemplate.PAGE.substring(0, HtmlTemplate.PAGE.indexOf(HtmlTemplate.DATA));
    }

    @Override
    public String footer() {
      return HtmlTemplate.PAGE.substring(
          HtmlTemplate.PAGE.indexOf(HtmlTemplate.DATA) + HtmlTemplate.DATA.length());
    }

    @Override
    public void write(Visit<Person> visit, SharedOutput.Buffer out) {
      Person p = visit.node();
      StringBuilder row = new StringBuilder(200).append('[');
      String[] fields = {
        p.dn(),
        visit.parent() == null ? null : visit.parent().dn(),
        p.name(),
        p.title(),
        p.uid(),
        p.mail()
      };
      for (int i = 0; i < fields.length; i++) {
        row.append(i == 0 ? "" : ",");
        if (fields[i] == null) {
          row.append("null");
        } else {
          JsonString.append(row, fields[i]);
        }
      }
      // Inside <script>, "</script>" or "<!--" in a name would end or bend the script: no '<' is
      // left raw.
      String text = row.append("],\n").toString().replace("<", "\\u003c");
      out.record(text.getBytes(StandardCharsets.UTF_8));
    }
  },
  /** An indented org chart drawn with box-drawing characters, each level sorted by name. */
  TREE {
    @Override
    public boolean streams() {
      return false;
    }

    @Override
    public void write(Visit<Person> visit, SharedOutput.Buffer out) {
      throw new UnsupportedOperationException("the tree is printed at the end");
    }
  };

  public String header() {
    return "";
  }

  /** The page {@link #HTML} fills in, read once. */
  private static final class HtmlTemplate {
    /** Where the people go: the line that holds it is replaced by theirs. */
    static final String DATA = "/*PEOPLE*/\n";

    static final String PAGE;

    static {
      try (java.io.InputStream in = PersonFormat.class.getResourceAsStream("orgchart.html")) {
        PAGE =
            new String(
                java.util.Objects.requireNonNull(in, "orgchart.html").readAllBytes(),
                StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * The header, naming the extra attributes where the format has columns.
   *
   * @param extra the names of {@link Person#attributes()}, in order ({@code
   *     OrgChartSource.extraAttributes()}): a row has a column for each
   */
  public String header(List<String> extra) {
    return header(extra, false); // CSV's columns live in the other one: one place, not two
  }

  /**
   * As {@link #header(List)}; with {@code outOfReachColumns}, a format with columns (CSV) has two
   * more, for {@code --find-orphans}: the reason's code and the sentence, empty for those reached.
   */
  public String header(List<String> extra, boolean outOfReachColumns) {
    return header();
  }

  public String footer() {
    return "";
  }

  /**
   * Whether a person out of reach ({@code --find-orphans}) is written in this format, with the
   * reason: JSON, CSV and LDIF; the others name them on stderr.
   */
  boolean carriesOutOfReach() {
    return this == JSON || this == CSV || this == LDIF;
  }

  /**
   * A person out of reach as this format writes them, with why, for {@link #carriesOutOfReach()}
   * formats.
   *
   * @param withNote LDIF: a comment line with the reason (not for {@code -LLL}); ignored elsewhere
   */
  byte[] outOfReach(OutOfReach o, String uidAttribute, String managerAttribute, boolean withNote) {
    throw new UnsupportedOperationException(this + " does not write people out of reach");
  }

  /**
   * As {@link #write}, in a format with columns, with {@code outOfReachColumns} empty ones at the
   * end.
   */
  public void write(Visit<Person> visit, boolean outOfReachColumns, SharedOutput.Buffer out) {
    write(visit, out);
  }

  public boolean streams() {
    return true;
  }

  public abstract void write(Visit<Person> visit, SharedOutput.Buffer out);

  /**
   * As {@link #write}, where the format names attributes (LDIF) with the names the person was read
   * by: the uid attribute (AD's {@code sAMAccountName}) and the manager attribute.
   */
  public void write(
      Visit<Person> visit, String uidAttribute, String managerAttribute, SharedOutput.Buffer out) {
    write(visit, out);
  }

  /** As {@link #write}, grouped under {@code head} where the format can group (DOT's clusters). */
  void writeInCluster(Visit<Person> visit, Person head, SharedOutput.Buffer out) {
    write(visit, out);
  }

  /** Prints collected visits as a tree, without recursion (an org chart may be deep). */
  public static void printTree(Collection<Visit<Person>> visits, PrintStream out) {
    Map<Person, List<Person>> children = new HashMap<>();
    Person root = null;
    for (Visit<Person> v : visits) {
      if (v.parent() == null) {
        root = v.node();
      } else {
        children.computeIfAbsent(v.parent(), k -> new ArrayList<>()).add(v.node());
      }
    }
    if (root == null) {
      return;
    }
    Comparator<Person> byName =
        Comparator.comparing((Person p) -> Objects.toString(p.name(), ""))
            .thenComparing(Person::dn);
    children.values().forEach(list -> list.sort(byName));
    record Line(Person person, String indent, boolean last, boolean top) {}
    Deque<Line> stack = new ArrayDeque<>();
    stack.push(new Line(root, "", true, true));
    while (!stack.isEmpty()) {
      Line line = stack.pop();
      Person p = line.person();
      String label =
          Objects.toString(p.name(), p.toString())
              + " ("
              + p
              + ")"
              + (p.title() == null ? "" : ", " + p.title());
      out.println(line.top() ? label : line.indent() + (line.last() ? "└── " : "├── ") + label);
      List<Person> kids = children.getOrDefault(p, List.of());
      String indent = line.top() ? "" : line.indent() + (line.last() ? "    " : "│   ");
      for (int i = kids.size() - 1; i >= 0; i--) {
        stack.push(new Line(kids.get(i), indent, i == kids.size() - 1, false));
      }
    }
  }
}
