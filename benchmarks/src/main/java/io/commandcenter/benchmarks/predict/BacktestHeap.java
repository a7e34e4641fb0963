package io.commandcenter.benchmarks.predict;

import io.commandcenter.inference.onnx.OfflineBacktest;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.models.backtest.SeriesCsv;
import io.commandcenter.models.bootstrap.BootstrapModels;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * What one backtest holds on the hub, found by the smallest {@code -Xmx} it completes in: replays a
 * generated CSV as {@code PredictService.Backtest} does (the CSV's bytes kept while it is parsed and
 * replayed, every scored row kept until it is sent) with the shipped service_health model.
 *
 * <pre>java -Xmx352m … BacktestHeap ROWS METRICS [TIMESTAMP_WIDTH]</pre>
 * ROWS rows of a step column {@code t} (zero-padded to TIMESTAMP_WIDTH characters: the text a row keeps)
 * and METRICS metric columns; exits 0 with the CSV's size when it fit, 1 on OutOfMemoryError.
 */
public final class BacktestHeap {
    private BacktestHeap() {
    }

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int metrics = Integer.parseInt(args[1]);
        int width = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        byte[] csv = csv(rows, metrics, width);
        var series = new SeriesCsv().read(new InputStreamReader(new ByteArrayInputStream(csv), StandardCharsets.UTF_8));
        BacktestResult result = OfflineBacktest.run(new BootstrapModels().load("service_health"), series);
        System.out.printf("%d rows x %d metrics, %,d CSV bytes: replayed %d rows in -Xmx%dm%n", rows, metrics,
                csv.length, result.rows().size(), Runtime.getRuntime().maxMemory() >> 20);
    }

    static byte[] csv(int rows, int metrics, int width) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder line = new StringBuilder("t");
        for (int j = 0; j < metrics; j++) {
            line.append(",m").append(j);
        }
        out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < rows; i++) {
            line.setLength(0);
            String t = Integer.toString(i);
            line.append("0".repeat(Math.max(0, width - t.length()))).append(t);
            for (int j = 0; j < metrics; j++) {
                line.append(',').append((i + j) % 10);
            }
            out.writeBytes(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
