package io.commandcenter.models.eval;

import java.util.ArrayList;
import java.util.List;

/** A labelled incident: rows {@code start..end} inclusive (row indices of one series). */
public record Segment(int start, int end) {

    public Segment {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("need 0 <= start <= end, got " + start + ".." + end);
        }
    }

    public int length() {
        return end - start + 1;
    }

    /** Maximal runs of {@code true} in {@code labels}. */
    public static List<Segment> fromLabels(boolean[] labels) {
        List<Segment> out = new ArrayList<>();
        int i = 0;
        while (i < labels.length) {
            if (labels[i]) {
                int s = i;
                while (i + 1 < labels.length && labels[i + 1]) {
                    i++;
                }
                out.add(new Segment(s, i));
            }
            i++;
        }
        return out;
    }
}
