package io.commandcenter.hub.learning;

import io.commandcenter.hub.predict.ShadowScoring;
import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the shadow gate keeps its state: each challenger that waits in shadow before promotion (its
 * period and verdict), and the predictions a challenger in shadow would have raised — stored apart
 * from real predictions, so nothing lists them as predictions or acts on them. Shared by every hub
 * of the database, so a restart or another hub carries the wait on.
 */
public interface ShadowGates {

    /** Where a challenger's wait stands. */
    enum State {
        /** In shadow until the period ends. */
        PENDING,
        /** Holdout and shadow agreed: promoted. */
        PROMOTED,
        /** The shadow disagreed (or the champion changed meanwhile): not promoted. */
        REFUSED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One challenger's wait.
     *
     * @param holdoutReason the promotion rule's verdict on the holdout (it said promote)
     * @param verdict       the shadow's verdict once judged, empty while pending
     */
    record Gate(ProjectId project, String model, String version, State state, Instant start, Instant end,
                String holdoutReason, String verdict, Instant decidedAt) {
        public Gate {
            Objects.requireNonNull(project, "project");
            Objects.requireNonNull(state, "state");
            holdoutReason = holdoutReason == null ? "" : holdoutReason;
            verdict = verdict == null ? "" : verdict;
        }
    }

    /** Stores a new pending wait (a version waits once: a second open of it is ignored). */
    void open(Gate gate);

    /** Every pending wait of every project, earliest end first. */
    List<Gate> pending();

    /** A model's waits in a project, newest first. */
    List<Gate> gates(ProjectId project, String model);

    /**
     * Decides a pending wait. Only one caller wins (two hubs judging at once): the one that moved it
     * from pending.
     *
     * @return whether this call decided it
     */
    boolean decide(ProjectId project, String model, String version, State state, String verdict, Instant at);

    /**
     * A wait this hub decided {@code promoted} whose promotion then failed becomes {@code refused} with {@code verdict}.
     *
     * @return whether it was promoted (and is now refused)
     */
    boolean overturn(ProjectId project, String model, String version, String verdict, Instant at);

    /**
     * Stores would-be predictions of shadows (never as predictions), each (model, version, entity, time)
     * once: hubs scoring the same telemetry of a project store one row, not one each.
     */
    void saveWouldBe(ProjectId project, List<ShadowScoring.WouldBe> rows);

    /**
     * Deletes would-be predictions observed before {@code before} (the retention, {@code cc.learning.shadow-retention}).
     *
     * @return how many were deleted
     */
    int deleteWouldBe(Instant before);

    /** A version's would-be predictions observed in [from, to], in time order. */
    List<ShadowScoring.WouldBe> wouldBe(ProjectId project, String model, String version, Instant from, Instant to);
}
