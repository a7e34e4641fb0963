package io.commandcenter.scheduler;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonThreadsTest {
    @Test
    void named_givesEveryThreadTheName_asADaemon() {
        ThreadFactory factory = DaemonThreads.named("cc-test-one");
        Thread first = factory.newThread(() -> { });
        Thread second = factory.newThread(() -> { });

        assertThat(first.getName()).isEqualTo("cc-test-one");
        assertThat(second.getName()).isEqualTo("cc-test-one");
        assertThat(first.isDaemon()).isTrue();
        assertThat(first.getState()).isEqualTo(Thread.State.NEW);
    }

    @Test
    void numbered_countsFromOne_perFactory() {
        ThreadFactory factory = DaemonThreads.numbered("cc-test-");
        assertThat(factory.newThread(() -> { }).getName()).isEqualTo("cc-test-1");
        Thread second = factory.newThread(() -> { });
        assertThat(second.getName()).isEqualTo("cc-test-2");
        assertThat(second.isDaemon()).isTrue();
        assertThat(DaemonThreads.numbered("cc-test-").newThread(() -> { }).getName()).isEqualTo("cc-test-1");
    }
}
