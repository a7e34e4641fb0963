package io.commandcenter.memory.mem0;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.memory.AbstractMemoryStoreTest;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract, with the memories in a server speaking Mem0's REST API over loopback. */
class Mem0MemoryStoreTest extends AbstractMemoryStoreTest {
    private FakeMem0 mem0;

    @Override
    protected MemoryStore newStore() {
        try {
            mem0 = new FakeMem0();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Mem0MemoryStore(mem0.uri(), FakeMem0.KEY, DIMS, Duration.ofSeconds(5));
    }

    @AfterEach
    void stopMem0() {
        mem0.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void memoriesAreWritten_asGiven_scopedToTheProjectAsUser_andTheHubAsAgent() {
        store.add(memory("alpha", "a1", axis(0)));

        Map<String, Object> body = mem0.addBodies.get(0);
        assertThat(body).containsEntry("user_id", "alpha").containsEntry("agent_id", "commandcenter")
                .containsEntry("infer", false);
        assertThat((Map<String, Object>) body.get("metadata")).containsEntry("cc_id", "a1").containsEntry("cc_project", "alpha")
                .containsEntry("cc_action", "restart");
    }

    @Test
    void addingAgain_replacesTheMemoryInMem0() {
        store.add(memory("alpha", "a1", axis(0)));
        store.add(memory("alpha", "a1", axis(1)));

        assertThat(mem0.size()).isEqualTo(1);
    }

    @Test
    void aWrongKeyOrAnUnreachableMem0_isUnavailable() {
        MemoryStore wrongKey = new Mem0MemoryStore(mem0.uri(), "nope", DIMS, Duration.ofSeconds(5));
        assertUnavailable(() -> wrongKey.count("alpha", MemoryFilter.ALL));

        MemoryStore nobody = new Mem0MemoryStore(URI.create("http://127.0.0.1:1"), FakeMem0.KEY, DIMS,
                Duration.ofSeconds(2));
        assertUnavailable(() -> nobody.add(memory("alpha", "a1", axis(0))));
    }

    private static void assertUnavailable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(e.reason()).isEqualTo("MEMORY_UNAVAILABLE");
        });
    }
}
