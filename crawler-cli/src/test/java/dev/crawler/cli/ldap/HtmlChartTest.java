package dev.crawler.cli.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.unboundid.ldap.sdk.Entry;
import dev.crawler.cli.CliRun;
import dev.crawler.ldap.demo.DemoDirectory;
import java.awt.image.BufferedImage;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crawl ldap --html}: the page holds every person, managers first, and loads nothing; then
 * in a real headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs it, and on CI a
 * missing one fails) the CEO is on screen when the page opens, a search shows its hit, and a name
 * that is HTML stays text.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HtmlChartTest {
  /** The root's bar and a search hit's, as orgchart.html colours them. */
  private static final int ROOT_COLOUR = 0x1f4e8c;

  private static final int HIT_COLOUR = 0xffd400;

  /** A name that would end the page's script, and inject an element, if it were not escaped. */
  private static final String HOSTILE_NAME = "</script><b id=\"injected\">Mallory</b><!--";

  /** One person's row in the page's data: dn, manager's dn, name. */
  private static final Pattern ROW =
      Pattern.compile(
          "^\\[\"((?:[^\"\\\\]|\\\\.)*)\",(null|\"(?:[^\"\\\\]|\\\\.)*\"),(null|\"(?:[^\"\\\\]|\\\\.)*\"),",
          Pattern.MULTILINE);

  private static DemoDirectory demo;
  @TempDir static Path tmp;
  private static Path page;
  private static List<String[]> rows;

  @BeforeAll
  static void crawl() throws Exception {
    demo = DemoDirectory.start(new DemoDirectory.Options(600, 7, 100, Duration.ZERO, true));
    Entry hostile = new Entry("uid=mallory," + DemoDirectory.BASE_DN);
    hostile.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson");
    hostile.addAttribute("uid", "mallory");
    hostile.addAttribute("cn", HOSTILE_NAME);
    hostile.addAttribute("sn", "M");
    hostile.addAttribute("title", "Intern \"quoted\" \u00e9\u2028");
    hostile.addAttribute("manager", "uid=ceo," + DemoDirectory.BASE_DN);
    demo.server().add(hostile);
    CliRun run =
        CliRun.of(
            "ldap",
            "--root",
            "ceo",
            "-H",
            "ldap://127.0.0.1:" + demo.port(),
            "-b",
            DemoDirectory.BASE_DN,
            "--html",
            "-q");
    assertEquals(0, run.exit(), run.err());
    page = tmp.resolve("chart.html");
    Files.write(page, run.out());
    rows = new ArrayList<>();
    Matcher m = ROW.matcher(run.text());
    while (m.find()) {
      rows.add(
          new String[] {
            m.group(1), m.group(2).equals("null") ? null : unquote(m.group(2)), unquote(m.group(3))
          });
    }
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void page_holdsEveryone_managersFirst_andLoadsNothing() throws Exception {
    assertEquals(601, rows.size());
    assertEquals(null, rows.get(0)[1], "the root first");
    Set<String> seen = new HashSet<>();
    for (String[] row : rows) {
      assertTrue(
          row[1] == null || seen.contains(row[1]), row[0] + " before their manager " + row[1]);
      seen.add(row[0]);
    }
    String html = Files.readString(page);
    for (String remote : List.of("http:", "https:", "src=", "<link", "@import", "url(")) {
      assertFalse(html.contains(remote), "the page must work offline, but has " + remote);
    }
    assertFalse(html.contains("</script><b"), "a name that is HTML is escaped in the data");
  }

  @Test
  void chromium_showsTheCeo_thenASearchHit() throws Exception {
    String chromium = chromium();
    BufferedImage opened = screenshot(chromium, "");
    Band root = band(opened, ROOT_COLOUR);
    assertTrue(
        root.pixels > 5_000 && root.top < 150, "the CEO's bar near the top of the page: " + root);
    assertEquals(Band.NONE, band(opened, HIT_COLOUR), "no hit before a search");

    String name = deepestUniqueName();
    String hash = "#q=" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    Band hit = band(screenshot(chromium, hash), HIT_COLOUR);
    assertTrue(
        hit.pixels > 2_000 && hit.bottom - hit.top < 40,
        "one highlighted row on screen for " + name + ": " + hit);
    String dom = dom(chromium, hash);
    assertTrue(dom.contains(">1 match<"), "the status counts the one match");
    Matcher current =
        Pattern.compile(
                "<li data-i=\"\\d+\" class=\"hit current\"><div class=\"row\">.*?"
                    + "<span class=\"name\"[^>]*>([^<]*)</span>")
            .matcher(dom);
    assertTrue(current.find(), "the hit is opened in the chart");
    assertEquals(name, current.group(1));
  }

  @Test
  void chromium_showsAnHtmlName_asText() throws Exception {
    String dom = dom(chromium(), "#q=mallory");
    assertFalse(dom.contains("<b id=\"injected\">"), "no element made from a name");
    assertTrue(
        dom.contains("&lt;/script&gt;&lt;b id=\"injected\"&gt;Mallory&lt;/b&gt;&lt;!--"),
        "the name as text");
    assertTrue(dom.contains(">1 match<"));
    assertTrue(
        dom.contains(">601 people<") || dom.contains("Org chart: "), "the page ran to its end");
  }

  /** The name of the deepest person no one else shares, so that a search for it has one hit. */
  private static String deepestUniqueName() {
    Map<String, Integer> depth = new HashMap<>();
    Map<String, Integer> named = new HashMap<>();
    for (String[] row : rows) {
      depth.put(row[0], row[1] == null ? 0 : depth.get(row[1]) + 1);
      named.merge(row[2], 1, Integer::sum);
    }
    String best = null;
    int bestDepth = -1;
    for (String[] row : rows) {
      if (named.get(row[2]) == 1 && depth.get(row[0]) > bestDepth && !row[2].equals(HOSTILE_NAME)) {
        best = row[2];
        bestDepth = depth.get(row[0]);
      }
    }
    assertTrue(bestDepth >= 3, "a unique name deep in the chart: " + best + " at " + bestDepth);
    return best;
  }

  /** Where pixels of one colour lie: how many, and the rows they span. */
  private record Band(int pixels, int top, int bottom) {
    static final Band NONE = new Band(0, -1, -1);
  }

  private static Band band(BufferedImage image, int rgb) {
    int pixels = 0;
    int top = -1;
    int bottom = -1;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (near(image.getRGB(x, y) & 0xffffff, rgb)) {
          pixels++;
          top = top < 0 ? y : top;
          bottom = y;
        }
      }
    }
    return pixels == 0 ? Band.NONE : new Band(pixels, top, bottom);
  }

  private static boolean near(int a, int b) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)) > 3) {
        return false;
      }
    }
    return true;
  }

  private static BufferedImage screenshot(String chromium, String hash) throws Exception {
    Path png = Files.createTempFile(tmp, "shot", ".png");
    run(
        chromium,
        "--screenshot=" + png,
        "--window-size=1100,800",
        "--hide-scrollbars",
        page.toUri() + hash);
    BufferedImage image = ImageIO.read(png.toFile());
    assertTrue(image != null && image.getWidth() == 1100, "a screenshot from " + chromium);
    return image;
  }

  private static String dom(String chromium, String hash) throws Exception {
    return run(chromium, "--dump-dom", page.toUri() + hash);
  }

  /** Runs headless Chromium with its own profile; its stdout. */
  private static String run(String chromium, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
    command.addAll(List.of(args));
    File log = tmp.resolve("chromium.log").toFile();
    Process process = new ProcessBuilder(command).redirectError(log).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + "\n" + readQuietly(log));
    return out;
  }

  private static String readQuietly(File file) {
    try {
      return Files.readString(file.toPath());
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  /** Chromium on PATH; on CI its absence fails, elsewhere the test is skipped and says why. */
  private static String chromium() {
    for (String name :
        List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    assertFalse(
        "true".equals(System.getenv("CI")),
        "chromium is missing on CI: .ci/run should have installed it");
    assumeTrue(false, "skipped: no chromium here (apt-get install chromium; CI installs it)");
    return null;
  }

  private static String unquote(String json) {
    StringBuilder s = new StringBuilder();
    for (int i = 1; i < json.length() - 1; i++) {
      char c = json.charAt(i);
      if (c != '\\') {
        s.append(c);
        continue;
      }
      char e = json.charAt(++i);
      switch (e) {
        case 'u' -> {
          s.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
          i += 4;
        }
        case 'n' -> s.append('\n');
        case 't' -> s.append('\t');
        case 'r' -> s.append('\r');
        default -> s.append(e);
      }
    }
    return s.toString();
  }
}
