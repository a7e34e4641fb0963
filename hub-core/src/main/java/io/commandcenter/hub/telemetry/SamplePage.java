package io.commandcenter.hub.telemetry;

import java.util.List;
import java.util.Objects;

/**
 * One page of health samples.
 *
 * @param samples   the samples, in the query's order
 * @param nextToken the token of the next page; empty on the last page
 */
public record SamplePage(List<StoredSample> samples, String nextToken) {
    public SamplePage {
        samples = List.copyOf(samples);
        Objects.requireNonNull(nextToken, "nextToken");
    }
}
