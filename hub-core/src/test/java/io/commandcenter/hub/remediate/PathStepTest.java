package io.commandcenter.hub.remediate;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A recording that enables {@value PathStep#NAME} sees each step of a trigger on its way to its
 * run's first task once, in the order of their times (what {@code RemediationBenchmark --stages}
 * reads), and nothing of the trigger handled before it started.
 */
class PathStepTest {
    @Test
    void aRecordingSeesEveryStepOfAnAutomaticRun_inOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("steps.jfr");
        Duration wait = Duration.ofSeconds(15);
        try (EngineFixture f = new EngineFixture(); Recording recording = new Recording()) {
            f.start();
            f.put(EngineFixture.RESTART_ON_RISK);
            f.raise(f.prediction("before", 0.9, 0.95, "restart")); // not recorded
            await().atMost(wait).until(() -> f.calls("restart").size() == 1);
            recording.enable(PathStep.NAME);
            recording.start();
            f.raise(f.prediction("checkout", 0.9, 0.95, "restart"));
            await().atMost(wait).until(() -> f.calls("restart").size() == 2);
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(PathStep.NAME))
                .sorted(java.util.Comparator.comparingLong(e -> e.getLong("at"))).toList(); // threads' buffers: any order
        assertThat(events).allSatisfy(e -> assertThat(e.getString("target")).isEqualTo("checkout"));
        assertThat(events).extracting(e -> e.getString("step")).containsExactly(PathStep.MATCHED,
                PathStep.DECIDING, PathStep.DECIDED, PathStep.STORED, PathStep.LAUNCHING, PathStep.SUBMITTED);
    }
}
