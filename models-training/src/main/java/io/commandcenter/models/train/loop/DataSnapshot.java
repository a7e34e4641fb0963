package io.commandcenter.models.train.loop;

import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code data-collector.snapshotMetrics}: a project's labelled data at one moment — each series'
 * feature rows (computed by the one telemetry pipeline), its labels (from feedback), its normal
 * history — with a SHA-256 over all of it, so a model's lineage names exactly the data it saw.
 *
 * @param series       the labelled series, rows in time order
 * @param feedbackRows how many rows carry a label from feedback (incidents confirmed or declared, false alarms marked)
 * @param window       what the snapshot covers, e.g. {@code "chunks 1-3 of 4"} or a time range
 */
public record DataSnapshot(List<Replayed> series, long rows, long incidentRows, long feedbackRows, int incidents,
                           String sha256, String window) {

    public DataSnapshot {
        series = List.copyOf(series);
    }

    /** A snapshot of {@code series}, hashed. */
    public static DataSnapshot of(List<Replayed> series, long feedbackRows, String window) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long rows = 0;
        long incidentRows = 0;
        int incidents = 0;
        for (Replayed r : series) {
            sha.update(r.entry().name().getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(Float.BYTES * (r.features().length + r.historyFeatures().length) + r.labels().length);
            for (float f : r.historyFeatures()) {
                b.putFloat(f);
            }
            for (float f : r.features()) {
                b.putFloat(f);
            }
            boolean previous = false;
            for (boolean l : r.labels()) {
                b.put((byte) (l ? 1 : 0));
                incidentRows += l ? 1 : 0;
                incidents += l && !previous ? 1 : 0;
                previous = l;
            }
            sha.update(b.array());
            rows += r.labels().length;
        }
        return new DataSnapshot(series, rows, incidentRows, feedbackRows, incidents,
                HexFormat.of().formatHex(sha.digest()), window);
    }
}
