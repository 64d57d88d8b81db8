package dev.crawler.cli.fs;

import dev.crawler.cli.common.JsonString;
import dev.crawler.cli.common.SharedOutput;
import dev.crawler.core.Visit;
import dev.crawler.fs.FileEntry;
import dev.crawler.fs.FileType;
import dev.crawler.fs.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * How {@code crawl fs} prints each entry. Paths are written as the filesystem's exact bytes in the
 * plain and NUL formats (like find and fd), so any name survives a pipe to {@code xargs -0}; JSON
 * is UTF-8 text, and a name that is not valid UTF-8 also gets its exact bytes in {@code
 * path_base64}. A name with a newline breaks the line-per-path format, as it does for find: use
 * {@code -0} or {@code --json} for such trees.
 */
public enum OutputFormat {
  /** One path per line. */
  PLAIN {
    @Override
    public void write(Visit<FileEntry> visit, SharedOutput.Buffer out) {
      out.record(visit.node().pathBytes(), (byte) '\n');
    }
  },
  /** Paths separated by NUL bytes, for {@code xargs -0}. */
  NUL {
    @Override
    public void write(Visit<FileEntry> visit, SharedOutput.Buffer out) {
      out.record(visit.node().pathBytes(), (byte) 0);
    }
  },
  /** One JSON object per line: path, type, size, mtime, depth. */
  JSON {
    @Override
    public void write(Visit<FileEntry> visit, SharedOutput.Buffer out) {
      FileEntry entry = visit.node();
      byte[] raw = entry.pathBytes();
      JsonLine line = new JsonLine(112 + raw.length).ascii("{\"path\":");
      if (JsonLine.isPlainAscii(raw)) {
        line.ascii("\"").bytes(raw).ascii("\"");
      } else {
        StringBuilder path = new StringBuilder(raw.length + 16);
        boolean utf8 = PathBytes.isUtf8(raw);
        JsonString.append(
            path, utf8 ? new String(raw, StandardCharsets.UTF_8) : entry.path().toString());
        if (!utf8) {
          path.append(",\"path_base64\":\"")
              .append(Base64.getEncoder().encodeToString(raw))
              .append('"');
        }
        line.bytes(path.toString().getBytes(StandardCharsets.UTF_8));
      }
      line.ascii(",\"type\":\"")
          .ascii(TYPE_NAMES[entry.type().ordinal()])
          .ascii("\"")
          .ascii(",\"size\":")
          .number(entry.size())
          .ascii(",\"mtime\":\"")
          .instant(entry.lastModifiedMillis())
          .ascii("\"")
          .ascii(",\"depth\":")
          .number(visit.depth())
          .ascii("}\n");
      out.record(line.toBytes());
    }
  },
  /** Nothing per entry: totals at the end, like {@code du -s}. */
  DU {
    @Override
    public void write(Visit<FileEntry> visit, SharedOutput.Buffer out) {}
  };

  /** {@code --json}'s names of the types, by ordinal: made once, not once per entry. */
  private static final String[] TYPE_NAMES =
      Arrays.stream(FileType.values())
          .map(type -> type.name().toLowerCase(Locale.ROOT))
          .toArray(String[]::new);

  public abstract void write(Visit<FileEntry> visit, SharedOutput.Buffer out);
}
