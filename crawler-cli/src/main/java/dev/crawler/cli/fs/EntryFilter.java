package dev.crawler.cli.fs;

import dev.crawler.cli.common.UserError;
import dev.crawler.core.Visit;
import dev.crawler.fs.FileEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which entries {@code crawl fs} prints, as fd and find users write it: depth, type ({@link
 * TypeFilter}), name (glob, regex, extension; smart case), size, modification time and owner
 * ({@link OwnerFilter}). Filters choose what is printed, never what is walked: a directory that
 * does not match is still entered. Immutable and thread-safe.
 */
final class EntryFilter implements Predicate<Visit<FileEntry>> {
  private static final Pattern SIZE =
      Pattern.compile("([+-]?)(\\d+)(b|k|m|g|t|ki|mi|gi|ti)?", Pattern.CASE_INSENSITIVE);

  private final int minDepth;
  private final int maxDepth;
  private final TypeFilter types;

  /** {@code null} without --owner. */
  private final OwnerFilter owner;

  /** Whether links are followed: types and owners are then the targets'. */
  private final boolean followLinks;

  /**
   * Told of each entry left out because -t or --owner could not check it (its path is too long).
   */
  private final Consumer<FileEntry> unchecked;

  private final List<Predicate<String>> names;

  /** With -p: the -g and --regex patterns, matched against each entry's absolute path. */
  private final List<Predicate<String>> pathPatterns;

  /** Bounds on size, in bytes; {@code Long.MIN_VALUE} / {@code MAX_VALUE} when unbounded. */
  private final long minSize;

  private final long maxSize;

  /** Bounds on the modification time, in epoch milliseconds. */
  private final long changedAfter;

  private final long changedBefore;

  private EntryFilter(
      int minDepth,
      int maxDepth,
      TypeFilter types,
      OwnerFilter owner,
      boolean followLinks,
      Consumer<FileEntry> unchecked,
      List<Predicate<String>> names,
      List<Predicate<String>> pathPatterns,
      long minSize,
      long maxSize,
      long changedAfter,
      long changedBefore) {
    this.unchecked = unchecked;
    this.minDepth = minDepth;
    this.maxDepth = maxDepth;
    this.types = types;
    this.owner = owner;
    this.followLinks = followLinks;
    this.names = names;
    this.pathPatterns = pathPatterns;
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.changedAfter = changedAfter;
    this.changedBefore = changedBefore;
  }

  /** Options as the user gave them; {@code null} or empty for each one not given. */
  record Options(
      int minDepth,
      Integer exactDepth,
      List<String> types,
      List<String> globs,
      List<String> regexes,
      List<String> extensions,
      List<String> sizes,
      String changedWithin,
      String changedBefore,
      Case letterCase,
      boolean fullPath,
      String owner,
      boolean followLinks,
      Consumer<FileEntry> unchecked) {}

  /**
   * How -g and --regex treat letter case: fd's smart case (by the pattern's capitals), -i or -s.
   */
  enum Case {
    SMART,
    IGNORE,
    MATCH;

    boolean ignores(String pattern) {
      return this == IGNORE || this == SMART && pattern.chars().noneMatch(Character::isUpperCase);
    }
  }

  static EntryFilter of(Options o, Instant now) throws UserError {
    if (o.minDepth() < 0) {
      throw new UserError("--min-depth must be 0 or more, not " + o.minDepth());
    }
    if (o.exactDepth() != null && o.exactDepth() < 0) {
      throw new UserError("--exact-depth must be 0 or more, not " + o.exactDepth());
    }
    int min = o.exactDepth() != null ? o.exactDepth() : o.minDepth();
    int max = o.exactDepth() != null ? o.exactDepth() : Integer.MAX_VALUE;
    List<Predicate<String>> names = new ArrayList<>();
    for (String glob : o.globs()) {
      names.add(glob(glob, o.letterCase().ignores(glob), o.fullPath()));
    }
    for (String regex : o.regexes()) {
      names.add(regex(regex, o.letterCase().ignores(regex)));
    }
    List<Predicate<String>> pathPatterns = List.of();
    if (o.fullPath()) {
      pathPatterns =
          List.copyOf(names); // matched against the absolute path; extensions stay on the name
      names.clear();
    }
    if (!o.extensions().isEmpty()) {
      List<String> suffixes =
          o.extensions().stream()
              .map(e -> "." + (e.startsWith(".") ? e.substring(1) : e).toLowerCase(Locale.ROOT))
              .toList();
      names.add(name -> suffixes.stream().anyMatch(s -> name.toLowerCase(Locale.ROOT).endsWith(s)));
    }
    long minSize = Long.MIN_VALUE;
    long maxSize = Long.MAX_VALUE;
    for (String size : o.sizes()) {
      Matcher m = SIZE.matcher(size);
      if (!m.matches()) {
        throw new UserError(
            "--size takes +N or -N with a unit (b, k, m, g, t; ki, mi, gi, ti), like +10m, not '"
                + size
                + "'");
      }
      long bytes = Math.multiplyExact(Long.parseLong(m.group(2)), unit(m.group(3)));
      switch (m.group(1)) {
        case "+" -> minSize = Math.max(minSize, bytes + 1);
        case "-" -> maxSize = Math.min(maxSize, bytes - 1);
        default -> {
          minSize = Math.max(minSize, bytes);
          maxSize = Math.min(maxSize, bytes);
        }
      }
    }
    long after =
        o.changedWithin() == null
            ? Long.MIN_VALUE
            : time("--changed-within", o.changedWithin(), now);
    long before =
        o.changedBefore() == null
            ? Long.MAX_VALUE
            : time("--changed-before", o.changedBefore(), now);
    OwnerFilter owner = o.owner() == null ? null : OwnerFilter.of(o.owner());
    return new EntryFilter(
        min,
        max,
        TypeFilter.of(o.types()),
        owner,
        o.followLinks(),
        o.unchecked(),
        names,
        pathPatterns,
        minSize,
        maxSize,
        after,
        before);
  }

  /** Whether a filter needs each entry's size or time: then every entry must be stat'ed. */
  boolean needsAttributes() {
    return types.needsSizes()
        || minSize != Long.MIN_VALUE
        || maxSize != Long.MAX_VALUE
        || changedAfter != Long.MIN_VALUE
        || changedBefore != Long.MAX_VALUE;
  }

  @Override
  public boolean test(Visit<FileEntry> visit) {
    FileEntry entry = visit.node();
    if (visit.depth() < minDepth || visit.depth() > maxDepth || entry.isLoop()) {
      return false; // a loop is reported as an error line, not printed: as find -L does
    }
    if (!pathPatterns.isEmpty()) {
      String path = entry.path().toAbsolutePath().toString();
      for (Predicate<String> matches : pathPatterns) {
        if (!matches.test(path)) {
          return false;
        }
      }
    }
    if (!names.isEmpty()) {
      Path name = entry.path().getFileName();
      String text = name == null ? entry.path().toString() : name.toString();
      for (Predicate<String> matches : names) {
        if (!matches.test(text)) {
          return false;
        }
      }
    }
    if (entry.size() < minSize || entry.size() > maxSize) {
      return false;
    }
    if (entry.lastModifiedMillis() < changedAfter || entry.lastModifiedMillis() > changedBefore) {
      return false;
    }
    // Last: these may cost a system call each (see TypeFilter and OwnerFilter), by path: one too
    // long to open is left out, and said, never dropped silently.
    if ((owner != null || types.asksTheSystem(entry))
        && entry.pathBytes().length >= dev.crawler.fs.FileTreeSource.PATH_MAX) {
      unchecked.accept(entry);
      return false;
    }
    return types.test(entry, followLinks) && (owner == null || owner.test(entry, followLinks));
  }

  /** Whether -t was given: then every entry's type must be known. */
  boolean restrictsTypes() {
    return types.restricts();
  }

  /**
   * @param fold whether to ignore case
   * @param path whether the text is a whole path (with -p), whose slashes the glob's may match
   */
  private static Predicate<String> glob(String glob, boolean fold, boolean path) throws UserError {
    String pattern = fold ? glob.toLowerCase(Locale.ROOT) : glob;
    Pattern matcher;
    try {
      matcher = NameGlob.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new UserError(
          "bad --glob '"
              + glob
              + "': "
              + e.getDescription()
              + " at character "
              + (e.getIndex() + 1));
    }
    // The name as text, never made a Path again: see NameGlob for the name that failed a crawl.
    return name -> {
      String candidate = fold ? name.toLowerCase(Locale.ROOT) : name;
      return (path || !candidate.contains("/")) && matcher.matcher(candidate).matches();
    };
  }

  private static Predicate<String> regex(String regex, boolean fold) throws UserError {
    try {
      Pattern p =
          Pattern.compile(regex, fold ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
      return name -> p.matcher(name).find();
    } catch (PatternSyntaxException e) {
      throw new UserError(
          "bad --regex '"
              + regex
              + "': "
              + e.getDescription()
              + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""));
    }
  }

  private static long unit(String unit) {
    if (unit == null) {
      return 1;
    }
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "b" -> 1;
      case "k" -> 1_000L;
      case "m" -> 1_000_000L;
      case "g" -> 1_000_000_000L;
      case "t" -> 1_000_000_000_000L;
      case "ki" -> 1L << 10;
      case "mi" -> 1L << 20;
      case "gi" -> 1L << 30;
      default -> 1L << 40;
    };
  }

  /**
   * A duration back from now (2d, 10h, 30min, 1w...) or a date (2026-11-30, 2026-11-30 14:00:00).
   */
  private static long time(String flag, String value, Instant now) throws UserError {
    Matcher m = Pattern.compile("(\\d+)\\s*(s|sec|min|h|d|w)").matcher(value.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "s", "sec" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
          };
      return now.minus(d).toEpochMilli();
    }
    try {
      return LocalDateTime.parse(value.trim().replace(' ', 'T'))
          .atZone(ZoneId.systemDefault())
          .toInstant()
          .toEpochMilli();
    } catch (DateTimeParseException notDateTime) {
      try {
        return LocalDate.parse(value.trim())
            .atStartOfDay(ZoneId.systemDefault())
            .toInstant()
            .toEpochMilli();
      } catch (DateTimeParseException notDate) {
        throw new UserError(
            flag
                + " takes a duration (30min, 10h, 2d, 1w) or a date (2026-11-30, "
                + "2026-11-30 14:00:00), not '"
                + value
                + "'");
      }
    }
  }
}
