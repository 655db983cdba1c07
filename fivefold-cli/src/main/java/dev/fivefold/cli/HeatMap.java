package dev.fivefold.cli;

import dev.fivefold.io.AtomicFiles;
import dev.fivefold.landscape.Contours;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A heat map of a sampled surface with contour lines ({@link Contours}) and optional paths on
 * top, drawn with java.awt (XChart has no contour plot) and written as a PNG atomically. Values
 * are bilinearly interpolated between grid points; the colour scale (viridis-like) is logarithmic
 * above the minimum when the values are skewed ({@link Contours#skewed}), e.g. Rosenbrock's valley.
 */
final class HeatMap {
  private HeatMap() {}

  /** A named polyline of {x, y} points; its first point gets a ring, its last a dot. */
  record Line(String name, List<double[]> points) {}

  private static final int W = 900, H = 700, LEFT = 70, RIGHT = 200, TOP = 40, BOTTOM = 55;
  private static final Color[] RAMP = {new Color(68, 1, 84), new Color(59, 82, 139), new Color(33, 145, 140),
      new Color(94, 201, 98), new Color(253, 231, 37)};
  static final Color[] PALETTE = {new Color(228, 26, 28), new Color(255, 127, 0), new Color(255, 255, 255), new Color(247, 129, 191),
      new Color(166, 86, 40), new Color(55, 126, 184), new Color(0, 0, 0), new Color(152, 78, 163), new Color(77, 175, 74),
      new Color(255, 255, 51), new Color(153, 153, 153), new Color(102, 194, 165), new Color(141, 160, 203), new Color(231, 138, 195),
      new Color(166, 216, 84)};

  /**
   * Draws z (z[i][j] at (xs[j], ys[i]), xs and ys increasing) with {@code levels} contour lines,
   * the lines in {@code lines}, and a cross at {@code mark} (may be null).
   */
  static void write(Path file, String title, String xTitle, String yTitle, double[] xs, double[] ys, double[][] z, int levels,
      List<Line> lines, double[] mark) throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    double x0 = xs[0], x1 = xs[xs.length - 1], y0 = ys[0], y1 = ys[ys.length - 1];
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double[] row : z) for (double v : row) if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    boolean log = Contours.skewed(z);
    double range = hi > lo ? hi - lo : 1, floor = lo, eps = range * 1e-4;
    for (int py = 0; py < ph; py++) {
      double y = y1 - (y1 - y0) * (py + 0.5) / ph;
      for (int px = 0; px < pw; px++) {
        double x = x0 + (x1 - x0) * (px + 0.5) / pw;
        double v = bilinear(z, xs, ys, x, y);
        double t = !Double.isFinite(v) ? Double.NaN
            : log ? Math.log((v - floor + eps) / eps) / Math.log((range + eps) / eps) : (v - floor) / range;
        img.setRGB(LEFT + px, TOP + py, Double.isNaN(t) ? 0xdddddd : ramp(t).getRGB());
      }
    }
    g.setClip(LEFT, TOP, pw, ph);
    g.setStroke(new BasicStroke(0.8f));
    g.setColor(new Color(255, 255, 255, 110));
    for (double level : Contours.levels(z, levels)) {
      for (double[] s : Contours.segments(z, xs, ys, level)) {
        g.draw(new Line2D.Double(sx(s[0], x0, x1, pw), sy(s[1], y0, y1, ph), sx(s[2], x0, x1, pw), sy(s[3], y0, y1, ph)));
      }
    }
    if (mark != null) {
      g.setColor(Color.WHITE);
      g.setStroke(new BasicStroke(2f));
      double mx = sx(mark[0], x0, x1, pw), my = sy(mark[1], y0, y1, ph);
      g.draw(new Line2D.Double(mx - 7, my - 7, mx + 7, my + 7));
      g.draw(new Line2D.Double(mx - 7, my + 7, mx + 7, my - 7));
    }
    for (int k = 0; k < lines.size(); k++) {
      List<double[]> pts = lines.get(k).points();
      if (pts.isEmpty()) continue;
      g.setColor(PALETTE[k % PALETTE.length]);
      g.setStroke(new BasicStroke(2f));
      Path2D.Double path = new Path2D.Double();
      path.moveTo(sx(pts.getFirst()[0], x0, x1, pw), sy(pts.getFirst()[1], y0, y1, ph));
      for (double[] p : pts) path.lineTo(sx(p[0], x0, x1, pw), sy(p[1], y0, y1, ph));
      g.draw(path);
      double[] e = pts.getLast();
      g.fill(new Ellipse2D.Double(sx(e[0], x0, x1, pw) - 4, sy(e[1], y0, y1, ph) - 4, 8, 8));
      g.setColor(Color.WHITE);
      g.draw(new Ellipse2D.Double(sx(pts.getFirst()[0], x0, x1, pw) - 6, sy(pts.getFirst()[1], y0, y1, ph) - 6, 12, 12));
    }
    g.setClip(null);
    axes(g, title, xTitle, yTitle, x0, x1, y0, y1, pw, ph);
    legend(g, lines, lo, hi, log, pw);
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bytes);
    AtomicFiles.writeBytes(file, bytes.toByteArray());
  }

  private static void axes(Graphics2D g, String title, String xTitle, String yTitle, double x0, double x1, double y0, double y1, int pw, int ph) {
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(LEFT, TOP, pw, ph);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, TOP - 14);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int k = 0; k <= 4; k++) {
      double xv = x0 + (x1 - x0) * k / 4, yv = y0 + (y1 - y0) * k / 4;
      int px = (int) Math.round(sx(xv, x0, x1, pw)), py = (int) Math.round(sy(yv, y0, y1, ph));
      g.drawLine(px, TOP + ph, px, TOP + ph + 5);
      String xl = tick(xv);
      g.drawString(xl, px - g.getFontMetrics().stringWidth(xl) / 2, TOP + ph + 19);
      g.drawLine(LEFT - 5, py, LEFT, py);
      String yl = tick(yv);
      g.drawString(yl, LEFT - 8 - g.getFontMetrics().stringWidth(yl), py + 4);
    }
    g.drawString(xTitle, LEFT + pw / 2 - g.getFontMetrics().stringWidth(xTitle) / 2, H - 12);
    Graphics2D r = (Graphics2D) g.create();
    r.rotate(-Math.PI / 2);
    r.drawString(yTitle, -(TOP + ph / 2) - r.getFontMetrics().stringWidth(yTitle) / 2, 18);
    r.dispose();
  }

  private static void legend(Graphics2D g, List<Line> lines, double lo, double hi, boolean log, int pw) {
    int x = LEFT + pw + 20, y = TOP + 10;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int k = 0; k < lines.size(); k++) {
      g.setColor(PALETTE[k % PALETTE.length]);
      g.fillRect(x, y + k * 18 - 8, 22, 8);
      g.setColor(Color.DARK_GRAY);
      g.drawRect(x, y + k * 18 - 8, 22, 8);
      g.setColor(Color.BLACK);
      g.drawString(lines.get(k).name(), x + 30, y + k * 18);
    }
    int by = y + lines.size() * 18 + 20, bh = Math.max(80, H - BOTTOM - by - 20);
    for (int p = 0; p < bh; p++) {
      g.setColor(ramp(1 - p / (double) (bh - 1)));
      g.drawLine(x, by + p, x + 18, by + p);
    }
    g.setColor(Color.BLACK);
    g.drawString(tick(hi), x + 24, by + 10);
    g.drawString(tick(lo) + (log ? " (log scale)" : ""), x + 24, by + bh);
  }

  static double bilinear(double[][] z, double[] xs, double[] ys, double x, double y) {
    int j = Math.max(0, Math.min(xs.length - 2, lowerIndex(xs, x))), i = Math.max(0, Math.min(ys.length - 2, lowerIndex(ys, y)));
    double tx = Math.max(0, Math.min(1, (x - xs[j]) / (xs[j + 1] - xs[j]))), ty = Math.max(0, Math.min(1, (y - ys[i]) / (ys[i + 1] - ys[i])));
    return (1 - ty) * ((1 - tx) * z[i][j] + tx * z[i][j + 1]) + ty * ((1 - tx) * z[i + 1][j] + tx * z[i + 1][j + 1]);
  }

  private static int lowerIndex(double[] a, double v) {
    int k = java.util.Arrays.binarySearch(a, v);
    return k >= 0 ? k : -k - 2;
  }

  static Color ramp(double t) {
    t = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
    int k = Math.min(RAMP.length - 2, (int) t);
    double f = t - k;
    Color a = RAMP[k], b = RAMP[k + 1];
    return new Color((int) (a.getRed() + f * (b.getRed() - a.getRed())), (int) (a.getGreen() + f * (b.getGreen() - a.getGreen())),
        (int) (a.getBlue() + f * (b.getBlue() - a.getBlue())));
  }

  private static double sx(double x, double x0, double x1, int pw) {
    return LEFT + (x - x0) / (x1 - x0) * pw;
  }

  private static double sy(double y, double y0, double y1, int ph) {
    return TOP + (y1 - y) / (y1 - y0) * ph;
  }

  private static String tick(double v) {
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e4 || a < 1e-2)) return String.format("%.2g", v);
    return String.format("%.3g", v);
  }
}
