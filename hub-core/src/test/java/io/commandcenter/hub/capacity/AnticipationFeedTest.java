package io.commandcenter.hub.capacity;

import io.commandcenter.hub.agents.RegisteredAgents;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.testing.SchedulerFixture;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import static io.commandcenter.hub.testing.Predictions.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class AnticipationFeedTest {
    final SchedulerFixture mesh = SchedulerFixture.start(Clock.systemUTC());
    final AnticipationFeed feed = new AnticipationFeed(new LoadAnticipation(CapabilityCatalog.builtIn(),
            project -> RegisteredAgents.of(mesh.scheduler(), project), Duration.ofMinutes(5)), mesh.scheduler());

    @AfterEach
    void stop() {
        mesh.close();
    }

    static Event created(PredictionRecord p) {
        return new Event("e-" + p.id(), p.subject(), p.project(), "hub-test", Instant.now(),
                TraceContext.newRoot(new SplittableRandom(7)), new Payload() {
                    @Override
                    public String type() {
                        return "commandcenter.v1.PredictionCreated";
                    }

                    @Override
                    public String toJson() {
                        return "{}";
                    }

                    @Override
                    public <T> Optional<T> as(Class<T> type) {
                        return type.isInstance(p) ? Optional.of(type.cast(p)) : Optional.empty();
                    }
                });
    }

    @Test
    void aRestartPrediction_makesTheSchedulerHoldADevopsSlot() {
        mesh.connect("devops", Set.of("restart", "scale", "rollback"), 4, "*");

        feed.deliver(created(prediction("p-1", "shop", "restart", 0.9, 0.8)));

        assertThat(mesh.reserved("shop", "devops")).isEqualTo(1);
    }

    @Test
    void predictionsAddUp_toAtMostHalfTheCapacity() {
        mesh.connect("devops", Set.of("restart", "scale", "rollback"), 4, "*");

        feed.deliver(created(prediction("p-1", "shop", "restart", 0.95, 0.95)));
        feed.deliver(created(prediction("p-2", "shop", "restart", 0.9, 0.9)));
        feed.deliver(created(prediction("p-3", "shop", "restart", 0.9, 0.9)));

        assertThat(mesh.reserved("shop", "devops")).isEqualTo(2);
    }

    @Test
    void aConnectedAgentsAction_isAnticipatedInItsOwnPool() {
        mesh.connect("fleet", Set.of("drain"), 2, "shop");

        feed.deliver(created(prediction("p-1", "shop", "drain", 0.9, 0.9)));

        assertThat(mesh.reserved("shop", "fleet")).isEqualTo(1);
    }

    @Test
    void aPredictionNoAgentTypeActsOn_holdsNothing() {
        mesh.connect("devops", Set.of("restart", "scale", "rollback"), 4, "*");

        feed.deliver(created(prediction("p-1", "shop", "notify", 0.99, 0.99)));

        assertThat(mesh.reserved("shop", "devops")).isZero();
    }

    @Test
    void aStoppedScheduler_isLoggedAndSkipped() {
        mesh.close();

        assertThatCode(() -> feed.deliver(created(prediction("p-1", "shop", "restart", 0.9, 0.9))))
                .doesNotThrowAnyException();
    }
}
