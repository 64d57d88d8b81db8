package dev.crawler.example.http;

import dev.crawler.core.spi.Children;

/**
 * The listing server's answer for one directory, read into a {@link Children}: one line per entry,
 * {@code d NAME} for a directory and {@code f SIZE NAME} for a file, then {@code end COUNT}, the
 * number of entries. A name is the rest of its line (spaces allowed), never empty, {@code .},
 * {@code ..}, or with a {@code /}. Stateless.
 *
 * <p>The end line is what tells a whole listing from one cut short: without it, a listing that
 * stopped mid-way (a proxy, a server restarting) would pass for the directory's whole content, and
 * a crawl would end {@code COMPLETE} without the entries it never saw.
 */
final class ListingFormat {
  private ListingFormat() {}

  /**
   * Puts every entry of {@code body} into {@code out}. Entries go out as they are read: if the
   * listing turns out bad further down, the exception discards them all, since the engine keeps a
   * listing's children only when {@code list} returns normally.
   */
  static void parse(RemoteEntry directory, String body, Children<RemoteEntry> out)
      throws BadListingException {
    int entries = 0;
    String[] lines = body.split("\n", -1); // a body that ends with a newline ends with ""
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("end ")) {
        if (!line.equals("end " + entries)) {
          throw new BadListingException(
              directory.path() + ": " + entries + " entries, but " + line, true);
        }
        boolean last = i == lines.length - 1 || i == lines.length - 2 && lines[i + 1].isEmpty();
        if (!last) {
          throw new BadListingException(directory.path() + ": lines after the end", false);
        }
        return;
      }
      if (line.isEmpty() && i == lines.length - 1) {
        break;
      }
      int space = line.indexOf(' ', 2);
      if (line.startsWith("d ")) {
        out.branch(directory.child(name(directory, line.substring(2)), true, 0));
      } else if (line.startsWith("f ") && space > 2) {
        out.leaf(
            directory.child(
                name(directory, line.substring(space + 1)), false, size(directory, line, space)));
      } else {
        throw new BadListingException(directory.path() + ": not an entry: " + line, false);
      }
      entries++;
    }
    throw new BadListingException(
        directory.path() + ": no end line after " + entries + " entries", true);
  }

  private static String name(RemoteEntry directory, String name) throws BadListingException {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
      throw new BadListingException(directory.path() + ": not a name: '" + name + "'", false);
    }
    return name;
  }

  private static long size(RemoteEntry directory, String line, int space)
      throws BadListingException {
    try {
      long size = Long.parseLong(line.substring(2, space));
      if (size >= 0) {
        return size;
      }
    } catch (NumberFormatException e) {
      // the same answer as a negative size, below
    }
    throw new BadListingException(directory.path() + ": not a size: " + line, false);
  }
}
