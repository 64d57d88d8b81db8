package dev.crawler.cli.fs;

import dev.crawler.cli.common.UserError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command of {@code crawl fs -x} and {@code -X}: its words, with fd's placeholders, made into a
 * command line of bytes for one path or for a batch of paths. Immutable and thread-safe.
 *
 * <p>Placeholders, anywhere in a word: {@code {}} the path, {@code {/}} its last name, {@code {//}}
 * its parent directory, {@code {.}} the path without its extension, {@code {/.}} the last name
 * without it. A command without any gets the path as its last argument. Paths stay bytes
 * throughout: a name that is not valid in any charset reaches the command exactly as the kernel
 * gave it.
 */
final class CommandTemplate {
  /**
   * The most bytes a batch's command line may take, counted as the kernel counts them (each
   * argument, its NUL, and a pointer): GNU xargs' default. Linux allows 2 MiB less the environment;
   * this leaves room for any environment.
   */
  static final int MAX_COMMAND_LINE = 128 * 1024;

  private enum Placeholder {
    PATH("{}"),
    NAME("{/}"),
    PARENT("{//}"),
    NO_EXTENSION("{.}"),
    NAME_NO_EXTENSION("{/.}");

    final String text;

    Placeholder(String text) {
      this.text = text;
    }
  }

  /** One word: literal bytes and placeholders, in order. */
  private record Word(List<Object> parts) {
    boolean hasPlaceholder() {
      return parts.stream().anyMatch(p -> p instanceof Placeholder);
    }

    byte[] literal() {
      return (byte[]) parts.get(0);
    }

    byte[] expand(byte[] path) {
      if (!hasPlaceholder()) {
        return literal();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(path.length + 16);
      for (Object part : parts) {
        byte[] bytes = part instanceof Placeholder p ? substitute(p, path) : (byte[]) part;
        out.write(bytes, 0, bytes.length);
      }
      return out.toByteArray();
    }
  }

  private final List<Word> words;

  /** The index of the word with placeholders in a batch command, or -1: paths go last. */
  private final int batchWord;

  private final String text;

  private CommandTemplate(List<Word> words, int batchWord, String text) {
    this.words = words;
    this.batchWord = batchWord;
    this.text = text;
  }

  /**
   * Parses the words of {@code flag}'s command.
   *
   * @param words the command and its arguments, as given; never empty
   * @param charset how the words become bytes (the one the JVM decoded its arguments with)
   * @param batch whether the command takes many paths ({@code -X}): then at most one word may hold
   *     placeholders, and it is repeated for every path
   * @throws UserError if the command is missing, or a batch command has placeholders in two words
   */
  static CommandTemplate parse(List<String> words, Charset charset, boolean batch, String flag)
      throws UserError {
    if (words.isEmpty() || words.get(0).isEmpty()) {
      throw new UserError(
          flag + " needs a command: crawl fs DIR " + flag + " CMD [ARG...] (paths go in for {})");
    }
    List<Word> parsed = new ArrayList<>();
    int withPlaceholders = -1;
    for (String word : words) {
      Word w = parseWord(word, charset);
      if (w.hasPlaceholder()) {
        if (batch && withPlaceholders >= 0) {
          throw new UserError(
              flag
                  + " takes placeholders in one argument only, which it repeats for every path; "
                  + "'"
                  + words.get(withPlaceholders)
                  + "' and '"
                  + word
                  + "' both have some");
        }
        withPlaceholders = parsed.size();
      }
      parsed.add(w);
    }
    if (parsed.get(0).hasPlaceholder()) {
      throw new UserError(flag + "'s command name cannot be a placeholder: put the program first");
    }
    return new CommandTemplate(List.copyOf(parsed), withPlaceholders, String.join(" ", words));
  }

  private static Word parseWord(String word, Charset charset) {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    next:
    while (i < word.length()) {
      if (word.charAt(i) == '{') {
        // Longest first: {//} before {/}, {/.} before {/}.
        for (Placeholder p :
            new Placeholder[] {
              Placeholder.PARENT,
              Placeholder.NAME_NO_EXTENSION,
              Placeholder.NAME,
              Placeholder.NO_EXTENSION,
              Placeholder.PATH
            }) {
          if (word.startsWith(p.text, i)) {
            if (literal.length() > 0) {
              parts.add(literal.toString().getBytes(charset));
              literal.setLength(0);
            }
            parts.add(p);
            i += p.text.length();
            continue next;
          }
        }
      }
      literal.append(word.charAt(i++));
    }
    if (literal.length() > 0 || parts.isEmpty()) {
      parts.add(literal.toString().getBytes(charset));
    }
    return new Word(List.copyOf(parts));
  }

  /** Whether any word holds a placeholder (else paths are added last). */
  boolean hasPlaceholder() {
    return batchWord >= 0 || words.stream().anyMatch(Word::hasPlaceholder);
  }

  /** The command line for one path. */
  List<byte[]> forPath(byte[] path) {
    List<byte[]> argv = new ArrayList<>(words.size() + 1);
    for (Word word : words) {
      argv.add(word.expand(path));
    }
    if (!hasPlaceholder()) {
      argv.add(path);
    }
    return argv;
  }

  /** The command line for a batch of paths: the placeholder word once per path, in order. */
  List<byte[]> forBatch(List<byte[]> paths) {
    List<byte[]> argv = new ArrayList<>(words.size() + paths.size());
    int repeated = batchWord >= 0 ? batchWord : words.size();
    for (int i = 0; i < words.size(); i++) {
      if (i == repeated) {
        for (byte[] path : paths) {
          argv.add(words.get(i).expand(path));
        }
      } else {
        argv.add(words.get(i).literal());
      }
    }
    if (repeated == words.size()) {
      argv.addAll(paths);
    }
    return argv;
  }

  /** What one path adds to a batch's command line, in {@link #MAX_COMMAND_LINE}'s terms. */
  int batchCost(byte[] path) {
    byte[] arg = batchWord >= 0 ? words.get(batchWord).expand(path) : path;
    return cost(arg);
  }

  /** What the words without any path take of a command line. */
  int fixedCost() {
    int total = 0;
    for (int i = 0; i < words.size(); i++) {
      if (i != batchWord) {
        total += cost(words.get(i).literal());
      }
    }
    return total;
  }

  private static int cost(byte[] arg) {
    return arg.length + 1 + Long.BYTES;
  }

  @Override
  public String toString() {
    return text;
  }

  // ---- Placeholders, on bytes ----------------------------------------------------------------

  private static byte[] substitute(Placeholder placeholder, byte[] path) {
    return switch (placeholder) {
      case PATH -> path;
      case NAME -> name(path);
      case PARENT -> parent(path);
      case NO_EXTENSION -> withoutExtension(path);
      case NAME_NO_EXTENSION -> withoutExtension(name(path));
    };
  }

  /** The path without trailing slashes, except a lone "/". */
  private static int end(byte[] path) {
    int end = path.length;
    while (end > 1 && path[end - 1] == '/') {
      end--;
    }
    return end;
  }

  private static int lastSlash(byte[] path, int end) {
    for (int i = end - 1; i >= 0; i--) {
      if (path[i] == '/') {
        return i;
      }
    }
    return -1;
  }

  /** The last name: {@code a/b.txt} gives {@code b.txt}; "/" gives "/". */
  static byte[] name(byte[] path) {
    int end = end(path);
    if (end == 1 && path[0] == '/') {
      return path.length == 1 ? path : new byte[] {'/'};
    }
    int slash = lastSlash(path, end);
    return java.util.Arrays.copyOfRange(path, slash + 1, end);
  }

  /**
   * The parent directory: {@code a/b} gives {@code a}; {@code b} gives "."; {@code /b} gives "/".
   */
  static byte[] parent(byte[] path) {
    int end = end(path);
    int slash = lastSlash(path, end);
    if (slash < 0) {
      return new byte[] {'.'};
    }
    int parentEnd = slash;
    while (parentEnd > 0 && path[parentEnd - 1] == '/') {
      parentEnd--;
    }
    return parentEnd == 0 ? new byte[] {'/'} : java.util.Arrays.copyOf(path, parentEnd);
  }

  /**
   * The path without its last name's extension: {@code a/b.tar.gz} gives {@code a/b.tar}. A name
   * that only starts with a dot ({@code .bashrc}) has none.
   */
  static byte[] withoutExtension(byte[] path) {
    int end = end(path);
    int nameStart = lastSlash(path, end) + 1;
    boolean dotDot = end - nameStart == 2 && path[nameStart] == '.' && path[nameStart + 1] == '.';
    for (int i = end - 1; i > nameStart && !dotDot; i--) {
      if (path[i] == '.') {
        return java.util.Arrays.copyOf(path, i);
      }
    }
    return end == path.length ? path : java.util.Arrays.copyOf(path, end);
  }

  /**
   * Takes every argument after {@code -x} or {@code -X} up to a lone {@code ;} (which it drops), or
   * to the end, as find's {@code -exec} and fd's {@code -x} do: so {@code crawl fs DIR -x grep -l
   * TODO} passes {@code -l} to grep, not to crawl.
   */
  static final class Words implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      List<String> words = new ArrayList<>();
      while (!args.isEmpty()) {
        String arg = args.pop();
        if (arg.equals(";")) {
          break;
        }
        words.add(arg);
      }
      if (words.isEmpty()) {
        throw new CommandLine.ParameterException(
            commandSpec.commandLine(),
            argSpec.paramLabel()
                + " missing after "
                + String.join("/", ((CommandLine.Model.OptionSpec) argSpec).names())
                + ": give the command to run, e.g. -x wc -l");
      }
      argSpec.setValue(words);
    }
  }
}
