package io.commandcenter.cli.command;

import io.commandcenter.models.backtest.LabelledCorpus;
import io.commandcenter.models.backtest.Series;
import io.commandcenter.models.eval.Segment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG of one replayed file: its metrics (each scaled to its own range) above, the risk below with the
 * alarm threshold, the labelled incidents shaded across both. Drawn with java.awt off screen
 * ({@code java.awt.headless} is set when unset), so it works without a display.
 */
final class RiskChart {
    static final int WIDTH = 1600;
    static final int HEIGHT = 640;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int GAP = 30;
    private static final int BOTTOM = 40;
    private static final Color[] METRIC_COLORS = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0x17becf)};

    private RiskChart() {
    }

    static void draw(LabelledCorpus.File file, double[] risk, double threshold, String model, Path png) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int plotW = WIDTH - LEFT - RIGHT;
            int panelH = (HEIGHT - TOP - GAP - BOTTOM) / 2;
            int valuesTop = TOP;
            int riskTop = TOP + panelH + GAP;
            int n = risk.length;
            Series s = file.series();

            g.setColor(new Color(255, 200, 200));
            for (Segment w : file.incidents()) {
                int x0 = x(w.start(), n, plotW);
                int x1 = Math.max(x0 + 1, x(w.end() + 1, n, plotW));
                g.fillRect(x0, valuesTop, x1 - x0, panelH);
                g.fillRect(x0, riskTop, x1 - x0, panelH);
            }
            frame(g, valuesTop, plotW, panelH);
            frame(g, riskTop, plotW, panelH);

            int metrics = Math.min(s.metrics().size(), METRIC_COLORS.length);
            for (int m = 0; m < metrics; m++) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    double v = s.value(i, m);
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
                double range = hi > lo ? hi - lo : 1;
                double base = Double.isFinite(lo) ? lo : 0;
                double[] scaled = new double[n];
                for (int i = 0; i < n; i++) {
                    double v = s.value(i, m);
                    scaled[i] = Double.isFinite(v) ? (v - base) / range : Double.NaN;
                }
                line(g, scaled, valuesTop, plotW, panelH, METRIC_COLORS[m]);
            }
            line(g, risk, riskTop, plotW, panelH, new Color(0xd62728));
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            int ty = riskTop + panelH - (int) Math.round(threshold * panelH);
            g.drawLine(LEFT, ty, LEFT + plotW, ty);
            g.setStroke(new BasicStroke(1f));

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.BLACK);
            g.drawString(file.name() + "  (" + n + " rows, " + file.incidents().size() + " labelled windows shaded)", LEFT, 22);
            String metricNames = String.join(", ", s.metrics().subList(0, metrics)) + (s.metrics().size() > metrics ? ", …" : "");
            g.drawString("value (scaled): " + metricNames, LEFT + 4, valuesTop + 14);
            g.drawString(String.format(Locale.ROOT, "risk (%s), threshold %.2f", model, threshold), LEFT + 4, riskTop + 14);
            g.drawString("1", LEFT - 14, riskTop + 10);
            g.drawString("0", LEFT - 14, riskTop + panelH);
            if (n > 0) {
                g.drawString(s.timestamps().get(0), LEFT, HEIGHT - 14);
                String last = s.timestamps().get(n - 1);
                g.drawString(last, LEFT + plotW - g.getFontMetrics().stringWidth(last), HEIGHT - 14);
            }
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static int x(int row, int n, int plotW) {
        return LEFT + (int) Math.round((double) row / Math.max(1, n) * plotW);
    }

    private static void frame(Graphics2D g, int top, int plotW, int panelH) {
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(LEFT, top, plotW, panelH);
    }

    /** A polyline of values in [0, 1] (NaN leaves a gap), at most one vertex per pixel column (min and max kept). */
    private static void line(Graphics2D g, double[] v, int top, int plotW, int panelH, Color color) {
        g.setColor(color);
        int n = v.length;
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        int column = -1;
        double lo = 0;
        double hi = 0;
        for (int i = 0; i <= n; i++) {
            int c = i < n ? x(i, n, plotW) : Integer.MAX_VALUE;
            if (c != column && column >= 0 && Double.isNaN(lo)) {
                open = false;
            } else if (c != column && column >= 0) {
                double yLo = top + panelH - Math.max(0, Math.min(1, lo)) * panelH;
                double yHi = top + panelH - Math.max(0, Math.min(1, hi)) * panelH;
                if (!open) {
                    path.moveTo(column, yHi);
                    open = true;
                } else {
                    path.lineTo(column, yHi);
                }
                path.lineTo(column, yLo);
            }
            if (i == n) {
                break;
            }
            if (c != column) {
                column = c;
                lo = v[i];
                hi = v[i];
            } else if (!Double.isNaN(v[i])) {
                lo = Double.isNaN(lo) ? v[i] : Math.min(lo, v[i]);
                hi = Double.isNaN(hi) ? v[i] : Math.max(hi, v[i]);
            }
        }
        g.draw(path);
    }
}
