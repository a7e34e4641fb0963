package io.commandcenter.hub.remediate;

import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** The refusal log of {@link RunChains}: at most a line a minute per workflow of a project, and a bounded memory. */
class RunChainsLogTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
    final RunChains chains = new RunChains(clock);
    final List<LogRecord> lines = new CopyOnWriteArrayList<>();
    final Logger log = Logger.getLogger(RunChains.class.getName());
    final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    Level level;

    @BeforeEach
    void listen() {
        level = log.getLevel();
        log.setLevel(Level.INFO); // the tests' logging.properties keep WARNING and above
        log.setUseParentHandlers(false); // thousands of lines below: not to the console
        log.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(handler);
        log.setUseParentHandlers(true);
        log.setLevel(level);
    }

    @Test
    void twoProjectsWithAWorkflowOfOneName_eachGetTheirLine() {
        chains.refused(ProjectId.of("alpha"), "notify", "workflow.run.failed", "it is about a run of the same workflow");
        chains.refused(ProjectId.of("beta"), "notify", "workflow.run.failed", "it is about a run of the same workflow");
        chains.refused(ProjectId.of("beta"), "notify", "workflow.run.failed", "it is about a run of the same workflow");

        // before: beta's refusals were silenced by alpha's line for a minute (and counted in alpha's next one)
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1).getParameters()).contains("notify", "beta");
        assertThat(chains.refused()).isEqualTo(3);
    }

    @Test
    void theThrottle_remembersABoundedNumberOfWorkflows() {
        for (int i = 0; i < RunChains.MAX_THROTTLED + 500; i++) {
            chains.refused(ProjectId.of("alpha"), "wf-" + i, "workflow.run", "why");
            clock.advance(Duration.ofMillis(10));
        }

        // before: one entry (in each of two maps) per workflow name ever refused, for good
        assertThat(chains.throttled()).isLessThanOrEqualTo(RunChains.MAX_THROTTLED);
        assertThat(chains.refused()).isEqualTo(RunChains.MAX_THROTTLED + 500);
        // a workflow forgotten by the bound logs again at its next refusal
        lines.clear();
        chains.refused(ProjectId.of("alpha"), "wf-0", "workflow.run", "why");
        assertThat(lines).hasSize(1);
    }
}
