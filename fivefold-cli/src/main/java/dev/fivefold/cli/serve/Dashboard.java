package dev.fivefold.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fivefold.compress.archive.ArchiveReport;
import dev.fivefold.compress.archive.Fault;
import dev.fivefold.compress.archive.FfzArchive;
import dev.fivefold.io.BadInputException;
import dev.fivefold.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The dashboard's HTTP server (the JDK's {@code com.sun.net.httpserver}), read-only, on a virtual
 * thread per request so that open event streams never block other requests.
 *
 * <p>Routes: {@code /} runs, {@code /run.html?run=R}, {@code /compare.html?runs=A,B},
 * {@code /archive.html?file=F.ffz} (pages, from the class path); {@code /static/*} their script and
 * style; {@code /webjars/chart.js/chart.js} Chart.js from its WebJar; {@code /api/runs},
 * {@code /api/run?run=R}, {@code /api/archive?file=F[&flip=N&seed=S]} JSON; {@code /api/events?run=R}
 * server-sent events, one {@code data:} message with the run's JSON whenever its files change
 * (checked every {@value #POLL_MILLIS} ms); {@code /files/R/NAME} a file of a run (PNG, CSV, JSON).
 *
 * <p>Only files under the root are served: a path that normalises outside it, or a symbolic link
 * that leads outside it, is refused with 403; a missing file is 404. Errors are JSON
 * {@code {"error": "..."}} with a 4xx/5xx status, and the server keeps serving.
 */
public final class Dashboard implements AutoCloseable {
  /** How often an event stream looks at its run folder. */
  public static final int POLL_MILLIS = 500;

  private static final String STATIC = "/dev/fivefold/cli/serve/";
  private final Path root;
  private final RunFolders runs;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean closed;

  private Dashboard(Path root, HttpServer server) {
    this.root = root;
    this.runs = new RunFolders(root);
    this.server = server;
  }

  /**
   * Starts serving {@code root} on {@code host:port} (port 0: any free port).
   *
   * @throws BadInputException if the root is not a directory or the port is in use
   */
  public static Dashboard start(Path root, String host, int port) throws IOException {
    if (!Files.isDirectory(root)) throw new BadInputException("DIR (" + root + ") is not a directory");
    if (port < 0 || port > 65535) throw new BadInputException("--port (" + port + ") must be in [0, 65535]");
    Path real = root.toRealPath();
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (java.net.BindException e) {
      throw new BadInputException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): the port is in use; choose another --port");
    }
    Dashboard d = new Dashboard(real, s);
    s.createContext("/", d::handle);
    s.setExecutor(d.executor);
    s.start();
    return d;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/}. */
  public String url() {
    String h = server.getAddress().getHostString();
    return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port() + "/";
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange x) throws IOException {
    try {
      if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
        error(x, 405, "read-only: " + x.getRequestMethod() + " is not allowed");
        return;
      }
      String path = x.getRequestURI().getPath();
      Map<String, String> q = query(x.getRequestURI().getRawQuery());
      switch (path) {
        case "/", "/index.html" -> resource(x, STATIC + "index.html");
        case "/run.html", "/compare.html", "/archive.html" -> resource(x, STATIC + path.substring(1));
        case "/api/runs" -> json(x, 200, runsJson());
        case "/api/run" -> json(x, 200, runs.detail(q.getOrDefault("run", ""), runDir(q.get("run"))));
        case "/api/archive" -> json(x, 200, archive(q));
        case "/api/events" -> events(x, q.getOrDefault("run", ""), runDir(q.get("run")));
        case "/webjars/chart.js/chart.js" -> chartJs(x);
        default -> {
          if (path.startsWith("/static/") && path.matches("/static/[a-z]+\\.(js|css)")) resource(x, STATIC + path.substring(8));
          else if (path.startsWith("/files/")) file(x, path.substring(7));
          else error(x, 404, "no such page: " + path);
        }
      }
    } catch (Forbidden e) {
      error(x, 403, e.getMessage());
    } catch (NotFound e) {
      error(x, 404, e.getMessage());
    } catch (BadInputException | IllegalArgumentException e) {
      error(x, 400, e.getMessage());
    } catch (IOException | RuntimeException e) {
      if (!closed) error(x, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      x.close();
    }
  }

  private Map<String, Object> runsJson() throws IOException {
    List<Object> list = new ArrayList<>();
    for (String r : runs.runs()) list.add(runs.summary(r, r.equals(".") ? root : root.resolve(r)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("root", root.toString());
    m.put("runs", list);
    m.put("archives", runs.archives());
    return m;
  }

  /** A run folder: the root itself (".") or a subfolder of it that is a run. */
  private Path runDir(String name) {
    if (name == null || name.isEmpty()) throw new BadInputException("run (missing): give ?run=NAME");
    Path p = under(name);
    if (!Files.isDirectory(p)) throw new NotFound("run " + name + ": no such folder under " + root);
    return p;
  }

  /** {@code rel} resolved under the root; refused (403) if it leaves the root, by ".." or by a link. */
  Path under(String rel) {
    if (rel.indexOf('\0') >= 0) throw new Forbidden("refused: " + rel.replace('\0', '?'));
    Path p;
    try {
      p = root.resolve(rel.startsWith("/") ? rel.substring(1) : rel).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new Forbidden("refused: " + rel);
    }
    if (!p.startsWith(root)) throw new Forbidden("refused: " + rel + " is outside the served folder");
    if (Files.exists(p)) {
      try {
        if (!p.toRealPath().startsWith(root)) throw new Forbidden("refused: " + rel + " leads outside the served folder");
      } catch (IOException e) {
        throw new NotFound(rel + ": " + e.getMessage());
      }
    }
    return p;
  }

  private void file(HttpExchange x, String rel) throws IOException {
    Path p = under(rel);
    if (!Files.isRegularFile(p) || p.getFileName().toString().startsWith(".")) throw new NotFound("no such file: " + rel);
    byte[] b;
    try {
      b = Files.readAllBytes(p);
    } catch (IOException e) {
      throw new NotFound("cannot read " + rel + ": " + e.getMessage());
    }
    send(x, 200, contentType(p.getFileName().toString()), b);
  }

  private Map<String, Object> archive(Map<String, String> q) throws IOException {
    String rel = q.get("file");
    if (rel == null || !rel.endsWith(".ffz")) throw new BadInputException("file (" + rel + ") must name an .ffz archive under the served folder");
    Path p = under(rel);
    if (!Files.isRegularFile(p)) throw new NotFound("no such archive: " + rel);
    byte[] bytes = Files.readAllBytes(p);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", rel);
    FfzArchive.Decoded d = FfzArchive.decode(bytes.clone(), rel);
    ArchiveReport r = d.report();
    m.put("spec", d.model().spec());
    m.put("codec", r.codec());
    m.put("ecc", r.ecc().flag());
    m.put("fileBytes", r.fileBytes());
    m.put("bodyBytes", r.bodyBytes());
    m.put("eccBytes", r.eccBytes());
    m.put("headerBytes", r.headerBytes());
    List<Object> tensors = new ArrayList<>();
    for (ArchiveReport.TensorStats t : r.tensors()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", t.name());
      row.put("size", t.size());
      row.put("kept", t.kept());
      row.put("bits", t.bits());
      row.put("codebook", t.codebookSize());
      row.put("bytes", t.bytes());
      row.put("bitsPerWeight", t.codeBitsPerWeight());
      row.put("ratio", t.bytes() == 0 ? null : 4.0 * t.size() / t.bytes());
      tensors.add(row);
    }
    m.put("tensors", tensors);
    m.put("raw", r.raw().size());
    m.put("denseBytes", r.denseBytes());
    m.put("ratio", (double) r.denseBytes() / r.fileBytes());
    if (q.containsKey("flip")) m.put("fault", fault(bytes, rel, d, q));
    return m;
  }

  /** A fault trial in memory: flip N seeded bits after the preamble and decode (nothing is written). */
  private static Map<String, Object> fault(byte[] bytes, String rel, FfzArchive.Decoded intact, Map<String, String> q) {
    int flip;
    long seed;
    try {
      flip = Integer.parseInt(q.get("flip"));
      seed = Long.parseLong(q.getOrDefault("seed", "1"));
    } catch (NumberFormatException e) {
      throw new BadInputException("flip (" + q.get("flip") + ") and seed (" + q.get("seed") + ") must be integers");
    }
    long range = 8L * (bytes.length - FfzArchive.PREAMBLE_BYTES);
    if (flip < 0 || flip > range) throw new BadInputException("flip (" + flip + ") must be in [0, " + range + "]");
    long[] flipped = Fault.flipBits(bytes, FfzArchive.PREAMBLE_BYTES, bytes.length, flip, seed);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("flip", flip);
    f.put("seed", seed);
    f.put("bytesTouched", Fault.bytesTouched(flipped));
    try {
      FfzArchive.Decoded d = FfzArchive.decode(bytes, rel + " with " + flip + " flipped bits");
      f.put("decoded", true);
      f.put("corrected", d.correction().corrected());
      f.put("uncorrectable", d.correction().uncorrectable());
      f.put("identical", d.model().equals(intact.model()));
    } catch (BadInputException | IllegalArgumentException e) {
      f.put("decoded", false);
      f.put("refused", e.getMessage());
    }
    return f;
  }

  /** Server-sent events: the run's JSON now and whenever its files change; a comment every 15 s keeps it open. */
  private void events(HttpExchange x, String name, Path dir) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    x.getResponseHeaders().set("Cache-Control", "no-cache");
    x.sendResponseHeaders(200, 0);
    OutputStream out = x.getResponseBody();
    String last = null;
    long quiet = 0;
    try {
      while (!closed) {
        String fp = RunFolders.fingerprint(dir);
        if (!fp.equals(last)) {
          last = fp;
          String data;
          try {
            data = Json.write(runs.detail(name, dir));
          } catch (IOException | RuntimeException e) {
            data = Json.write(Map.of("error", "cannot read run " + name + ": " + e.getMessage()));
          }
          out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          quiet = 0;
        } else if ((quiet += POLL_MILLIS) >= 15_000) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          quiet = 0;
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the page went away
    }
  }

  private void chartJs(HttpExchange x) throws IOException {
    String base = "/META-INF/resources/webjars/chart.js/";
    Properties props = new Properties();
    try (InputStream in = Dashboard.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
      if (in != null) props.load(in);
    }
    resource(x, base + props.getProperty("version", "4.5.1") + "/dist/chart.umd.min.js");
  }

  private void resource(HttpExchange x, String name) throws IOException {
    try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
      if (in == null) throw new NotFound("missing resource " + name);
      send(x, 200, contentType(name), in.readAllBytes());
    }
  }

  private static String contentType(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".html")) return "text/html; charset=utf-8";
    if (n.endsWith(".js")) return "text/javascript; charset=utf-8";
    if (n.endsWith(".css")) return "text/css; charset=utf-8";
    if (n.endsWith(".json")) return "application/json; charset=utf-8";
    if (n.endsWith(".png")) return "image/png";
    if (n.endsWith(".csv") || n.endsWith(".txt") || n.endsWith(".md")) return "text/plain; charset=utf-8";
    return "application/octet-stream";
  }

  private static void json(HttpExchange x, int status, Object value) throws IOException {
    send(x, status, "application/json; charset=utf-8", Json.write(value).getBytes(StandardCharsets.UTF_8));
  }

  private static void error(HttpExchange x, int status, String message) {
    try {
      json(x, status, Map.of("error", message == null ? "(no message)" : message));
    } catch (IOException | RuntimeException e) {
      // headers already sent or the client went away
    }
  }

  private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) x.getResponseBody().write(body);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null) return m;
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
      m.put(k, i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
    }
    return m;
  }

  private static final class Forbidden extends RuntimeException {
    Forbidden(String m) {
      super(m);
    }
  }

  private static final class NotFound extends RuntimeException {
    NotFound(String m) {
      super(m);
    }
  }
}
