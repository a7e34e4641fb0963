package io.commandcenter.hub.feedback;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A label a person gave: on one prediction ({@code predictionId} set, the window is its observation
 * time), or on an incident window of an entity the model may have missed ({@code predictionId} null).
 */
public record FeedbackLabel(String labelId, ProjectId project, String predictionId, String targetKind,
                            String targetId, Label label, Instant start, Instant end, String reason,
                            String labelledBy, Instant labelledAt) {

    /** What really happened. */
    public enum Label {
        INCIDENT, FALSE_ALARM;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The label a wire name stands for; empty for anything else. */
        public static Optional<Label> of(String wireName) {
            for (Label l : values()) {
                if (l.wireName().equals(wireName)) {
                    return Optional.of(l);
                }
            }
            return Optional.empty();
        }
    }

    public FeedbackLabel {
        Objects.requireNonNull(labelId, "labelId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(targetKind, "targetKind");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(labelledBy, "labelledBy");
        Objects.requireNonNull(labelledAt, "labelledAt");
    }

    /** Whether this is a declared incident window rather than a prediction's label. */
    public boolean isWindow() {
        return predictionId == null;
    }
}
