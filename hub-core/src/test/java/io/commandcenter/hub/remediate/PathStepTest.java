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
 * reads), and nothing of the trigger handled before it started; a recording with the JDK's own
 * settings leaves them out.
 */
class PathStepTest {
    @Test
    void aRecordingSeesEveryStepOfAnAutomaticRun_inOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("steps.jfr");
        Duration wait = Duration.ofSeconds(15);
        Path jdkSettings = dir.resolve("default.jfr");
        try (EngineFixture f = new EngineFixture(); Recording recording = new Recording();
             Recording other = new Recording(jdk.jfr.Configuration.getConfiguration("default"))) {
            f.start();
            f.put(EngineFixture.RESTART_ON_RISK);
            other.start(); // the JDK's settings leave the steps out
            f.raise(f.prediction("before", 0.9, 0.95, "restart")); // not recorded
            await().atMost(wait).until(() -> f.calls("restart").size() == 1);
            other.stop();
            other.dump(jdkSettings);
            recording.enable(PathStep.NAME);
            recording.start();
            f.raise(f.prediction("checkout", 0.9, 0.95, "restart"));
            await().atMost(wait).until(() -> f.calls("restart").size() == 2);
            recording.stop();
            recording.dump(file);
        }

        assertThat(RecordingFile.readAllEvents(jdkSettings)).noneMatch(e -> e.getEventType().getName()
                .equals(PathStep.NAME));
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(PathStep.NAME))
                .sorted(java.util.Comparator.comparingLong(e -> e.getLong("at"))).toList(); // threads' buffers: any order
        assertThat(events).allSatisfy(e -> assertThat(e.getString("target")).isEqualTo("checkout"));
        assertThat(events).extracting(e -> e.getString("step")).containsExactly(PathStep.MATCHED,
                PathStep.DECIDING, PathStep.DECIDED, PathStep.STORED, PathStep.LAUNCHING, PathStep.SUBMITTED);
    }
}
