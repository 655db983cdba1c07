package dev.fivefold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fivefold.cli.serve.Dashboard;
import dev.fivefold.compress.DeepCompression;
import dev.fivefold.compress.archive.Ecc;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.perception.Models;
import dev.fivefold.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code fivefold serve} in a real browser: Debian's headless Chromium driven by Selenium
 * (installed by scripts/install-test-deps.sh, which {@code ./fivefold test} runs first). A missing
 * browser fails these tests; it does not skip them. Screenshots go to target/screenshots/.
 */
class ServeBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium"), DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir static Path tmp;
  static Path runs;
  static Path idx;
  static Dashboard dash;
  static ChromeDriver driver;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "the browser tests need Debian's chromium and chromium-driver: run scripts/install-test-deps.sh as root (./fivefold test does)");
    idx = TinyFashion.standard(tmp);
    runs = Files.createDirectories(tmp.resolve("runs"));
    finishedRun(runs.resolve("mlp-a"), 0.70, 1.0);
    finishedRun(runs.resolve("mlp-b"), 0.80, 0.5);
    archive(runs.resolve("mlp-b").resolve("mlp-rs.ffz"));
    Files.createDirectories(SHOTS);
    dash = Dashboard.start(runs, "127.0.0.1", 0);
    var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900");
    LoggingPreferences lp = new LoggingPreferences();
    lp.enable(LogType.BROWSER, Level.ALL);
    o.setCapability(ChromeOptions.LOGGING_PREFS, lp);
    driver = new ChromeDriver(service, o);
  }

  @AfterAll
  static void stop() {
    if (driver != null) driver.quit();
    if (dash != null) dash.close();
  }

  /** A finished run as train writes it: steps.csv, eval.csv, metrics.json with final metrics. */
  static void finishedRun(Path dir, double acc, double lossScale) throws Exception {
    Files.createDirectories(dir);
    StringBuilder s = new StringBuilder("step,epoch,loss,lr,seconds\n"), e = new StringBuilder("step,epoch,seconds,train_loss,loss,accuracy\n");
    for (int i = 1; i <= 50; i++) s.append(i).append(",1,").append(lossScale * 2.3 / Math.sqrt(i)).append(",0.001,").append(i * 0.01).append('\n');
    for (int i = 10; i <= 50; i += 10) e.append(i).append(",1,").append(i * 0.01).append(",0.5,0.6,").append(acc * i / 50).append('\n');
    Files.writeString(dir.resolve("steps.csv"), s);
    Files.writeString(dir.resolve("eval.csv"), e);
    Files.writeString(dir.resolve("metrics.json"), dev.fivefold.io.Json.pretty(Map.of("command", "train", "model", "mlp:784-32-10",
        "final", Map.of("accuracy", acc, "loss", 0.6))));
  }

  /** A compressed model with Reed-Solomon ECC (prune + share, no retraining). */
  static void archive(Path file) throws Exception {
    Module m = Models.create("mlp:784-32-10", 1);
    Random r = new Random(1);
    float[] x = new float[64 * 784];
    int[] y = new int[64];
    for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
    for (int i = 0; i < y.length; i++) y[i] = r.nextInt(10);
    Dataset d = new Dataset(Tensor.of(x, 64, 784), y, 10);
    var res = DeepCompression.run(m, d, d, new DeepCompression.Config(DeepCompression.Prune.QUALITY, 1.0, new double[0], 1, 0, 4, 4, 0, 1e-3, 32, 1),
        s -> {});
    FfzArchive.write(file, DeepCompression.archive(m, "mlp:784-32-10", Map.of(), res.shared()), FfzArchive.Options.defaults().withEcc(Ecc.RS));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  long number(String script, Object... args) {
    Object v = js(script, args);
    return v == null ? -1 : ((Number) v).longValue();
  }

  void open(String path) {
    driver.get(dash.url() + path.replaceFirst("^/", ""));
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> number("return window.rendered || 0") > 0);
  }

  void noConsoleErrors(String page) {
    List<LogEntry> bad = driver.manage().logs().get(LogType.BROWSER).getAll().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    assertTrue(bad.isEmpty(), page + ": console errors " + bad);
    Object err = js("return document.getElementById('error').hidden ? '' : document.getElementById('error').textContent");
    assertEquals("", err, page + ": the page shows an error");
  }

  void screenshot(String name) throws Exception {
    Files.write(SHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void liveRunChartGrowsWhileTraining() throws Exception {
    Path live = runs.resolve("mlp-live");
    AtomicInteger rc = new AtomicInteger(-1);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t = new Thread(() -> rc.set(Main.run(new String[] {"train", "--model", "mlp:784-256-10", "--data-dir", idx.toString(),
        "--epochs", "1000", "--max-steps", "1500", "--eval-every", "10", "--threads", "1", "--out", live.toString()},
        new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8))), "live-training");
    t.setDaemon(true);
    t.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.isRegularFile(live.resolve("steps.csv")) && System.nanoTime() < deadline) Thread.sleep(50);
    assertTrue(Files.isRegularFile(live.resolve("steps.csv")), "the training wrote no steps.csv: " + err);

    open("/");
    assertTrue(t.isAlive(), "the training finished before the test could watch it; make it longer");
    assertEquals("running", js("return document.querySelector('tr[data-run=\"mlp-live\"] td:nth-child(5)').textContent"));
    noConsoleErrors("runs");
    screenshot("runs");

    open("/run.html?run=mlp-live");
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(js("return window.sseOpen")));
    long first = number("return window.pointCount('steps/loss')");
    assertTrue(first >= 1, "the loss chart shows the logged points: " + first);
    new WebDriverWait(driver, Duration.ofSeconds(90)).until(d -> number("return window.pointCount('steps/loss')") > first);
    long grown = number("return window.pointCount('steps/loss')");
    assertTrue(t.isAlive() || grown > first, "points grew while training: " + first + " -> " + grown);
    screenshot("run-live");

    t.join(300_000);
    assertFalse(t.isAlive(), "the training did not finish");
    assertEquals(0, rc.get(), err.toString());
    long rows = Files.readAllLines(live.resolve("steps.csv")).size() - 1;
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> number("return window.pointCount('steps/loss')") == rows);
    // eval.csv's last rows can land after steps.csv's: the page gets them with the next event
    long evals = Files.readAllLines(live.resolve("eval.csv")).size() - 1;
    assertTrue(evals >= 150, "an evaluation every 10 of 1500 steps: " + evals);
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> number("return window.pointCount('eval/accuracy')") == evals);
    // loss.png and accuracy.png, written after the last metrics, are shown
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> number(
        "return [...document.querySelectorAll('#images img')].filter(i => i.complete && i.naturalWidth > 0).length") >= 2);
    noConsoleErrors("run");
    screenshot("run-finished");
  }

  @Test
  void compareOverlaysTwoRuns() throws Exception {
    open("/compare.html?runs=mlp-a,mlp-b");
    assertEquals(2, number("return window.datasetCount('steps/loss')"));
    assertEquals(50, number("return window.pointCount('steps/loss')"));
    assertEquals(2, number("return window.datasetCount('eval/accuracy')"));
    assertEquals(3, number("return document.querySelectorAll('#finals tr').length"), "a header and one row per run");
    Object cell = js("return [...document.querySelectorAll('#finals tr')][2].textContent");
    assertTrue(cell.toString().contains("0.8"), "mlp-b's final accuracy: " + cell);
    noConsoleErrors("compare");
    screenshot("compare");
  }

  @Test
  void runsTableSorts() throws Exception {
    open("/");
    js("document.querySelector('th[data-sort=\"name\"]').click()");
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> "mlp-a".equals(js("return document.querySelector('#runs tr[data-run]').dataset.run")));
    js("document.querySelector('th[data-sort=\"name\"]').click()");
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> !"mlp-a".equals(js("return document.querySelector('#runs tr[data-run]').dataset.run")));
    noConsoleErrors("runs sorted");
  }

  @Test
  void archiveReportAndFaultTrial() throws Exception {
    open("/archive.html?file=mlp-b/mlp-rs.ffz");
    assertTrue(number("return document.querySelectorAll('#tensors tr').length") >= 3, "one row per quantized tensor");
    long before = number("return window.rendered");
    js("document.getElementById('flip').value = '16'; document.getElementById('run-fault').click()");
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> number("return window.rendered") > before);
    Object outcome = js("return document.getElementById('fault').textContent");
    assertTrue(outcome.toString().contains("bit-identical"), "Reed-Solomon corrects 16 flipped bits: " + outcome);
    noConsoleErrors("archive");
    screenshot("archive");
  }

  int status(String rawPath) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(dash.url() + rawPath)).build(), HttpResponse.BodyHandlers.ofString());
    assertFalse(r.body().contains("root:"), rawPath + " leaked a file: " + r.body());
    return r.statusCode();
  }

  @Test
  void traversalIsRefused() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "root:x:0:0");
    Files.createSymbolicLink(runs.resolve("mlp-a").resolve("link.txt"), secret);
    assertEquals(200, status("files/mlp-a/steps.csv"));
    assertEquals(403, status("files/../secret.txt"));
    assertEquals(403, status("files/mlp-a/../../secret.txt"));
    assertEquals(403, status("files/%2e%2e/secret.txt"));
    assertEquals(403, status("files/mlp-a/link.txt"));
    assertEquals(403, status("api/run?run=../"));
    assertEquals(403, status("api/archive?file=../x.ffz"));
    int abs = status("files//etc/passwd");
    assertTrue(abs == 403 || abs == 404, "an absolute path: " + abs);
    assertEquals(404, status("files/mlp-a/missing.png"));
    assertEquals(405, HTTP.send(HttpRequest.newBuilder(URI.create(dash.url() + "files/mlp-a/steps.csv"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(200, status("api/runs"), "the server keeps serving");
  }

  @Test
  void partialCsvLinesAreTolerated() throws Exception {
    Path dir = Files.createDirectories(runs.resolve("partial"));
    Files.writeString(dir.resolve("steps.csv"), "step,epoch,loss,lr,seconds\n1,1,2.3,0.001,0.1\n2,1,2.2,0.001,0.2\n3,1,2.");
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(dash.url() + "api/run?run=partial")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"skipped\":1"), r.body());
    open("/run.html?run=partial");
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> number("return window.pointCount('steps/loss')") == 2);
    noConsoleErrors("partial run");
  }

  @Test
  void commandLineErrors() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8), o = new PrintStream(new ByteArrayOutputStream(), true);
    assertEquals(2, Main.run(new String[] {"serve", tmp.resolve("nope").toString()}, o, e));
    assertTrue(err.toString().contains("nope"), err.toString());
    err.reset();
    assertEquals(2, Main.run(new String[] {"serve", runs.toString(), "--port", Integer.toString(dash.port())}, o, e));
    assertTrue(err.toString().contains("in use"), err.toString());
    assertNotNull(dash.url());
  }
}
