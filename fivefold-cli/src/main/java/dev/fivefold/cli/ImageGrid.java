package dev.fivefold.cli;

import dev.fivefold.io.AtomicFiles;
import dev.fivefold.perception.explain.Heatmap;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A labelled grid of small pictures as a PNG (java.awt, written atomically): images in grey, maps
 * in a colour map (viridis-like, {@link HeatMap#ramp}) either alone or laid over their image, each
 * map scaled to [0, 1] by its own minimum and maximum. Every cell is {@code cell × cell} pixels; a
 * coarser map (a 7 × 7 Grad-CAM or patch grid) is upsampled bilinearly to the image's size first,
 * a filter (no image) is drawn with square pixels. The size is exact: {@link #width} × {@link #height}.
 */
final class ImageGrid {
  private ImageGrid() {}

  /** One picture: an image (grey, may be null) and a map over it (may be null); {@code blocky}: draw the map with square pixels. */
  record Cell(Heatmap image, Heatmap map, boolean blocky) {
    static Cell image(Heatmap image) {
      return new Cell(image, null, false);
    }

    static Cell overlay(Heatmap image, Heatmap map) {
      return new Cell(image, map, false);
    }

    static Cell filter(Heatmap map) {
      return new Cell(null, map, true);
    }
  }

  static final int TOP = 34, LEFT = 110, GAP = 6, LABEL = 16;
  /** Weight of the map over its image. */
  private static final double ALPHA = 0.55;

  static int width(int columns, int cell) {
    return LEFT + columns * (cell + GAP) + GAP;
  }

  static int height(int rows, int cell) {
    return TOP + LABEL + rows * (cell + GAP) + GAP;
  }

  /**
   * Writes {@code cells} (rows × columns; a null cell is left blank) with a title, a label per
   * row (left) and per column (top).
   */
  static void write(Path file, String title, List<String> rowLabels, List<String> columnLabels, Cell[][] cells, int cell) throws IOException {
    int rows = cells.length, cols = columnLabels.size();
    BufferedImage img = new BufferedImage(width(cols, cell), height(rows, cell), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, GAP, 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int c = 0; c < cols; c++) g.drawString(clip(g, columnLabels.get(c), cell), LEFT + c * (cell + GAP), TOP + 11);
    for (int r = 0; r < rows; r++) {
      int y = TOP + LABEL + r * (cell + GAP);
      g.setColor(Color.BLACK);
      g.drawString(clip(g, rowLabels.get(r), LEFT - GAP), GAP, y + cell / 2 + 4);
      for (int c = 0; c < Math.min(cols, cells[r].length); c++) {
        if (cells[r][c] != null) draw(img, cells[r][c], LEFT + c * (cell + GAP), y, cell);
      }
    }
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bytes);
    AtomicFiles.writeBytes(file, bytes.toByteArray());
  }

  private static void draw(BufferedImage img, Cell c, int x0, int y0, int cell) {
    Heatmap base = c.image() == null ? null : c.image().normalised();
    Heatmap map = c.map();
    if (map != null && base != null && (map.height() != base.height() || map.width() != base.width())) map = map.upsample(base.height(), base.width());
    if (map != null) map = map.normalised();
    for (int py = 0; py < cell; py++) {
      for (int px = 0; px < cell; px++) {
        double r, gr, b;
        if (base != null) {
          double v = at(base, py, px, cell);
          r = gr = b = v;
        } else {
          r = gr = b = 1;
        }
        if (map != null) {
          double t = at(map, py, px, cell);
          Color k = Double.isNaN(t) ? Color.LIGHT_GRAY : HeatMap.ramp(t);
          double a = base == null ? 1 : ALPHA;
          r = (1 - a) * r + a * k.getRed() / 255.0;
          gr = (1 - a) * gr + a * k.getGreen() / 255.0;
          b = (1 - a) * b + a * k.getBlue() / 255.0;
        }
        img.setRGB(x0 + px, y0 + py, rgb(r, gr, b));
      }
    }
  }

  /** The value of the map cell under output pixel (py, px) of a cell × cell square (nearest: square pixels). */
  private static double at(Heatmap m, int py, int px, int cell) {
    int i = Math.min(m.height() - 1, py * m.height() / cell), j = Math.min(m.width() - 1, px * m.width() / cell);
    return m.at(i, j);
  }

  private static int rgb(double r, double g, double b) {
    return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
  }

  private static int clamp(double v) {
    return (int) Math.round(255 * Math.max(0, Math.min(1, Double.isNaN(v) ? 0 : v)));
  }

  private static String clip(Graphics2D g, String s, int width) {
    if (g.getFontMetrics().stringWidth(s) <= width) return s;
    while (s.length() > 1 && g.getFontMetrics().stringWidth(s + "…") > width) s = s.substring(0, s.length() - 1);
    return s + "…";
  }
}
