package io.bellhop.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * {@code plot}: PNG charts of a suite run from its {@code suite-*.list} (lines {@code target
 * connections rate result.json}): p50 and p99 latency, and server memory per connection, against
 * connections (one line per target and rate) or, when the run had one connection count, against the
 * delivery rate (one line per target); medians of the runs. Plain Java2D, so the suite needs
 * nothing beyond the JDK to draw them.
 */
final class Plot {
  private static final int W = 900;
  private static final int H = 520;
  private static final int LEFT = 80;
  private static final int RIGHT = 220;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Color[] COLORS = {
    new Color(0x4f46e5), new Color(0xdc2626), new Color(0x059669), new Color(0xd97706),
    new Color(0x0891b2), new Color(0x7c3aed), new Color(0x64748b), new Color(0xdb2777)
  };

  private Plot() {}

  /** One line of a chart: its label and y by x. */
  record Series(String label, TreeMap<Double, Double> points) {}

  static int run(Args a) throws IOException {
    File list = new File(a.str("list", ""));
    File dir = new File(a.str("out", list.getParentFile() == null ? "." : list.getParent()));
    String stem = list.getName().replaceFirst("\\.list$", "");
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(list.toPath())) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && !f[0].equals("replay")) {
        rows.add(f);
      }
    }
    // Against connections when the suite varied them, else against the delivery rate.
    boolean byConnections = rows.stream().map(f -> f[1]).distinct().count() > 1;
    String xLabel =
        byConnections ? "connections" : "deliveries/s (" + conns(rows) + " connections)";
    // series label -> x -> results of each run
    Map<String, TreeMap<Double, List<Map<String, Object>>>> runs = new TreeMap<>();
    for (String[] f : rows) {
      String label = byConnections ? f[0] + " @ " + f[2] + "/s" : f[0];
      runs.computeIfAbsent(label, k -> new TreeMap<>())
          .computeIfAbsent(Double.parseDouble(byConnections ? f[1] : f[2]), k -> new ArrayList<>())
          .add(Json.parseObject(new File(f[3])));
    }
    List<Series> p50 = new ArrayList<>();
    List<Series> p99 = new ArrayList<>();
    List<Series> memory = new ArrayList<>();
    runs.forEach(
        (label, byConns) -> {
          p50.add(series(label + " p50", byConns, r -> Json.dbl(r, "p50Ms")));
          p99.add(series(label + " p99", byConns, r -> Json.dbl(r, "p99Ms")));
          memory.add(series(label, byConns, Plot::rssPerConnectionKb));
        });
    List<Series> latency = new ArrayList<>(p99);
    latency.addAll(p50);
    File lat = new File(dir, stem + "-latency.png");
    File mem = new File(dir, stem + "-memory.png");
    draw(lat, "Publish → receive latency (median of runs)", xLabel, "ms (log)", latency, true);
    draw(mem, "Server RSS per connection (median of runs)", xLabel, "KB", memory, false);
    System.out.println("plots: " + lat + " " + mem);
    return 0;
  }

  private static String conns(List<String[]> rows) {
    return rows.isEmpty() ? "?" : Axis.label(Double.parseDouble(rows.get(0)[1]));
  }

  @SuppressWarnings("unchecked")
  private static double rssPerConnectionKb(Map<String, Object> r) {
    Object server = r.get("server");
    return server instanceof Map<?, ?> m
        ? Json.dbl((Map<String, Object>) m, "rssPerConnectionKb")
        : Double.NaN;
  }

  private static Series series(
      String label,
      SortedMap<Double, List<Map<String, Object>>> byConns,
      java.util.function.ToDoubleFunction<Map<String, Object>> value) {
    var points = new TreeMap<Double, Double>();
    byConns.forEach(
        (conns, results) -> {
          double[] v = results.stream().mapToDouble(value).filter(d -> !Double.isNaN(d)).toArray();
          if (v.length > 0) {
            java.util.Arrays.sort(v);
            points.put(conns, v[(v.length - 1) / 2]);
          }
        });
    return new Series(label, points);
  }

  static void draw(
      File out, String title, String xLabel, String yLabel, List<Series> series, boolean logY)
      throws IOException {
    double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMin = Double.MAX_VALUE, yMax = 0;
    for (Series s : series) {
      for (var p : s.points().entrySet()) {
        xMin = Math.min(xMin, p.getKey());
        xMax = Math.max(xMax, p.getKey());
        yMin = Math.min(yMin, p.getValue());
        yMax = Math.max(yMax, p.getValue());
      }
    }
    if (xMin > xMax) {
      return; // nothing to draw
    }
    boolean logX = xMax / Math.max(1, xMin) >= 10;
    Axis x = new Axis(xMin, xMax, logX, LEFT, W - RIGHT);
    Axis y = new Axis(logY ? Math.max(0.1, yMin) : 0, yMax, logY, H - BOTTOM, TOP);

    var img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(new Color(0x111827));
    g.drawString(title, LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (double t : y.ticks()) {
      int py = y.pixel(t);
      g.setColor(new Color(0xe5e7eb));
      g.drawLine(LEFT, py, W - RIGHT, py);
      g.setColor(new Color(0x374151));
      g.drawString(Axis.label(t), 10, py + 4);
    }
    for (double t : x.ticks()) {
      int px = x.pixel(t);
      g.setColor(new Color(0xe5e7eb));
      g.drawLine(px, TOP, px, H - BOTTOM);
      g.setColor(new Color(0x374151));
      g.drawString(Axis.label(t), px - 12, H - BOTTOM + 18);
    }
    g.drawString(xLabel, (LEFT + W - RIGHT) / 2 - 30, H - 15);
    g.drawString(yLabel, 10, TOP - 8);
    int legendY = TOP + 10;
    List<String> targets = new ArrayList<>(); // one colour per target, p50 dashed, p99 solid
    for (Series s : series) {
      String target = s.label().replaceFirst(" p(50|99)$", "");
      if (!targets.contains(target)) {
        targets.add(target);
      }
    }
    for (Series s : series) {
      Color c = COLORS[targets.indexOf(s.label().replaceFirst(" p(50|99)$", "")) % COLORS.length];
      boolean dashed = s.label().endsWith(" p50");
      g.setColor(c);
      g.setStroke(
          dashed
              ? new BasicStroke(
                  2, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1, new float[] {6, 5}, 0)
              : new BasicStroke(2.5f));
      int px = -1, py = -1;
      for (var p : s.points().entrySet()) {
        int nx = x.pixel(p.getKey()), ny = y.pixel(p.getValue());
        if (px >= 0) {
          g.drawLine(px, py, nx, ny);
        }
        g.fillOval(nx - 4, ny - 4, 8, 8);
        px = nx;
        py = ny;
      }
      g.drawLine(W - RIGHT + 15, legendY - 4, W - RIGHT + 40, legendY - 4);
      g.setColor(new Color(0x111827));
      g.drawString(s.label(), W - RIGHT + 46, legendY);
      legendY += 18;
    }
    g.dispose();
    ImageIO.write(img, "png", out);
  }

  /** Linear or log10 mapping of a value range onto a pixel range, with round ticks. */
  record Axis(double min, double max, boolean log, int from, int to) {
    Axis {
      if (max <= min) {
        max = min + 1;
      }
    }

    int pixel(double v) {
      double f = log ? (Math.log10(v) - lo()) / (hi() - lo()) : (v - min) / (max - min);
      return (int) Math.round(from + f * (to - from));
    }

    private double lo() {
      return Math.floor(Math.log10(min));
    }

    private double hi() {
      return Math.ceil(Math.log10(max));
    }

    List<Double> ticks() {
      var ticks = new ArrayList<Double>();
      if (log) {
        for (double e = lo(); e <= hi(); e++) {
          ticks.add(Math.pow(10, e));
        }
      } else {
        double raw = (max - min) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / mag;
        double step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
        for (double t = Math.ceil(min / step) * step; t <= max * 1.0001; t += step) {
          ticks.add(t);
        }
      }
      return ticks;
    }

    static String label(double v) {
      if (v >= 1000) {
        return (v % 1000 == 0 ? String.valueOf((long) v / 1000) : String.format("%.1f", v / 1000))
            + "k";
      }
      return v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.1f", v);
    }
  }
}
