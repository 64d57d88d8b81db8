package dev.crawler.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import dev.crawler.core.spi.Bytes;
import dev.crawler.core.spi.NodeCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * People as bytes, for an org chart crawled across processes ({@link OrgChartSource#codec()}).
 * Stateless and thread-safe.
 *
 * <p>A person to be listed elsewhere ({@link #encode}) carries what its listing needs: their
 * reports, fetched with their siblings when their manager was listed (the listing asks for the
 * reports' reports), and the DNs of their managers up to the crawl's root, which tell a manager
 * cycle (a person met again below themselves) in whatever process meets it. A visit ({@link
 * #encodeForVisit}) carries the person alone: what is printed, and how many reports they have.
 * Either decodes to a person equal to the original (same DN), whose visible fields are the
 * original's.
 */
final class PersonCodec implements NodeCodec<Person> {
  private static final byte LISTABLE = 1;
  private static final byte VISIT = 2;

  @Override
  public byte[] encode(Person person) {
    Branch branch = person.branch();
    List<Fetched> reports = branch == null ? null : branch.reports();
    if (reports == null && person.reportCount() != 0 && !person.isCycle()) {
      // Listed already (its reports dropped), or a visit: another process could not list it.
      throw new IllegalStateException(
          person + " was listed here, or is a visit; its reports are not here");
    }
    return write(
        out -> {
          out.writeByte(LISTABLE);
          List<String> managers = new ArrayList<>();
          for (Branch m = branch == null ? null : branch.manager; m != null; m = m.manager) {
            managers.add(m.dn);
          }
          out.writeInt(managers.size());
          for (int i = managers.size() - 1; i >= 0; i--) { // from the root down
            writeString(out, managers.get(i));
          }
          writeFields(out, person.entry());
          out.writeInt(reports == null ? 0 : reports.size());
          if (reports != null) {
            for (Fetched report : reports) {
              writeFields(out, report);
            }
          }
        });
  }

  @Override
  public byte[] encodeForVisit(Person person) {
    return write(
        out -> {
          out.writeByte(VISIT);
          writeFields(out, person.entry());
          out.writeInt(person.reportCount());
        });
  }

  @Override
  public Person decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte kind = in.readByte();
      if (kind == VISIT) {
        Fetched person = readFields(in);
        return new Person(person, in.readInt(), null);
      }
      if (kind != LISTABLE) {
        throw new IllegalArgumentException("not an encoded person (kind " + kind + ")");
      }
      // The managers' records: DNs alone, for the cycle check and to be sent on. Their counts are
      // not known here, so the sizer estimates this person's reports' reports without them.
      Branch manager = null;
      int managers = in.readInt();
      for (int i = 0; i < managers; i++) {
        DN dn = dn(readString(in));
        manager = new Branch(dn.toString(), dn.toNormalizedString(), -1, manager);
      }
      Fetched person = readFields(in);
      int n = in.readInt();
      List<Fetched> reports = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        reports.add(readFields(in));
      }
      Branch branch = new Branch(person, manager);
      if (person.cycle()) {
        return new Person(person, -1, branch);
      }
      return new Person(person, reports.size(), branch.reportsFound(reports));
    } catch (IOException e) {
      throw new IllegalArgumentException("not an encoded person: " + e, e);
    }
  }

  private static void writeFields(DataOutputStream out, Fetched p) throws IOException {
    writeString(out, p.dn());
    writeString(out, p.uid());
    writeString(out, p.name());
    writeString(out, p.title());
    writeString(out, p.mail());
    writeString(out, p.managerDn());
    out.writeBoolean(p.cycle());
    out.writeBoolean(p.disabled());
    out.writeInt(p.linkedReports());
    out.writeInt(p.attributes().size());
    for (Map.Entry<String, List<String>> attribute : p.attributes().entrySet()) {
      writeString(out, attribute.getKey());
      out.writeInt(attribute.getValue().size());
      for (String value : attribute.getValue()) {
        writeString(out, value);
      }
    }
  }

  private static Fetched readFields(DataInputStream in) throws IOException {
    DN dn = dn(readString(in));
    String uid = readString(in);
    String name = readString(in);
    String title = readString(in);
    String mail = readString(in);
    String managerDn = readString(in);
    boolean cycle = in.readBoolean();
    boolean disabled = in.readBoolean();
    int linked = in.readInt();
    int n = in.readInt();
    Map<String, List<String>> attributes = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = readString(in);
      int values = in.readInt();
      List<String> list = new ArrayList<>(values);
      for (int j = 0; j < values; j++) {
        list.add(readString(in));
      }
      attributes.put(key, List.copyOf(list));
    }
    return new Fetched(
        dn.toString(),
        dn.toNormalizedString(),
        uid,
        name,
        title,
        mail,
        managerDn,
        cycle,
        disabled,
        linked,
        attributes);
  }

  private static DN dn(String text) {
    try {
      return new DN(text);
    } catch (LDAPException e) {
      throw new IllegalArgumentException("not an encoded person: bad DN " + text, e);
    }
  }

  /** UTF-8 with an int length (-1 for null): attribute values may exceed writeUTF's 64 KB. */
  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < -1 || n > in.available()) {
      throw new IOException("bad length " + n);
    }
    return n < 0 ? null : new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }

  private static byte[] write(Bytes.Body body) {
    return Bytes.write(256, body);
  }
}
