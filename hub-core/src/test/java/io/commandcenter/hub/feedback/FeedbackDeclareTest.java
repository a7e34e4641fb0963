package io.commandcenter.hub.feedback;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeedbackDeclareTest {
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");
    static final ProjectId SHOP = ProjectId.of("shop");

    /** A store that keeps labels and whose read of the labelled rows fails, as a database blip would. */
    static final class RowsUnreadable implements FeedbackStore {
        final List<FeedbackLabel> saved = new ArrayList<>();

        @Override
        public void saveLabel(FeedbackLabel label) {
            saved.add(label);
        }

        @Override
        public List<FeedbackLabel> labels(ProjectId project) {
            return List.copyOf(saved);
        }

        @Override
        public List<ScoredPrediction> predictions(ProjectId project, String model, Instant from, Instant to,
                                                  After after, int limit) {
            return List.of();
        }

        @Override
        public java.util.Map<String, String> predictionsOfRuns(ProjectId project, String model, Instant from,
                                                               Instant to, java.util.Collection<String> runIds) {
            return java.util.Map.of();
        }

        @Override
        public List<Decision> decisions(ProjectId project) {
            return List.of();
        }

        @Override
        public List<StoredRun> runs(ProjectId project, String kind, String id, Instant from, Instant to, String model,
                                    After after, int limit) {
            throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "the database went away", null);
        }

        @Override
        public List<StoredRun> runs(ProjectId project, Instant from, Instant to, String model) {
            return List.of();
        }
    }

    @Test
    void aDeclaredIncident_whoseRowsCannotBeCounted_isStillAuditedAndAnnounced() {
        InMemoryAuditLedger ledger = new InMemoryAuditLedger();
        Clock clock = Clock.fixed(T.plusSeconds(3600), ZoneOffset.UTC);
        RowsUnreadable store = new RowsUnreadable();
        Feedback feedback = new Feedback(store, null, MemoryAuditSpool.trail(ledger, clock, "hub-1"), clock);
        List<FeedbackLabel> announced = new ArrayList<>();
        feedback.listen(new Feedback.Listener() {
            @Override
            public void declared(FeedbackLabel label) {
                announced.add(label);
            }
        });

        assertThatThrownBy(() -> feedback.declare(SHOP, "service", "db", T, T.plusSeconds(600), "disk full", "ana"))
                .isInstanceOf(CommandCenterException.class).hasMessageContaining("went away");

        assertThat(store.saved).hasSize(1);
        assertThat(ledger.all()).extracting(AuditEntry::action).containsExactly("FEEDBACK_LABELLED");
        assertThat(ledger.all().get(0).subject()).isEqualTo("service:db");
        assertThat(ledger.all().get(0).detail()).contains("\"reason\":\"disk full\"").doesNotContain("\"rows\"");
        assertThat(announced).containsExactlyElementsOf(store.saved);
    }
}
