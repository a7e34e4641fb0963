package io.commandcenter.memory.mem0;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.memory.AbstractMemoryStoreTest;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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

    @Test
    void aReplaceWhoseWriteFails_leavesTheMemoryAsItWas() {
        store.add(memory("alpha", "a1", axis(0)));
        mem0.failWrites.set(1);

        assertUnavailable(() -> store.add(memory("alpha", "a1", axis(1))));

        assertThat(store.get("alpha", "a1").orElseThrow().vector()[0]).isEqualTo(1f);
        assertThat(mem0.size()).isEqualTo(1);
        store.add(memory("alpha", "a1", axis(1)));
        assertThat(store.get("alpha", "a1").orElseThrow().vector()[1]).as("the next add replaces it").isEqualTo(1f);
        assertThat(mem0.size()).isEqualTo(1);
    }

    @Test
    void aMem0ThatStallsInItsAnswer_failsTheSearch_withinTheDeadline() {
        MemoryStore quick = new Mem0MemoryStore(mem0.uri(), FakeMem0.KEY, DIMS, Duration.ofMillis(300));
        mem0.stallListings = true;

        // a guard against hanging, not a timing: the deadline is 300 ms
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> assertUnavailable(
                () -> quick.search("alpha", axis(0), 3, MemoryFilter.ALL)));
    }

    /** Nanoseconds on the manual clock, for the store's budgets. */
    private static java.util.function.LongSupplier ticker(ManualClock clock) {
        return () -> Duration.between(T0, clock.instant()).toNanos();
    }

    /** Adds 210 memories (three pages of 100) and has every page served take 3 s on the returned clock. */
    private ManualClock threeSlowPages() {
        for (int i = 0; i < 210; i++) {
            store.add(memory("alpha", "a" + i, axis(i % DIMS)));
        }
        ManualClock clock = new ManualClock(T0);
        mem0.onListing = () -> clock.advance(Duration.ofSeconds(3));
        return clock;
    }

    @Test
    void theTimeout_boundsEachPage_andTheBudgetTheWholeSearch() {
        ManualClock clock = threeSlowPages();
        MemoryStore timed = new Mem0MemoryStore(mem0.uri(), FakeMem0.KEY, DIMS, Duration.ofSeconds(5),
                Duration.ofSeconds(30), clock, ticker(clock));

        // 3 pages x 3 s: each under the 5 s timeout, 9 s in all
        assertThat(timed.search("alpha", axis(0), 3, MemoryFilter.ALL)).hasSize(3);
    }

    @Test
    void aSearchThatRunsOutOfItsBudget_isUnavailable_butNotCountedAgainstMem0() {
        ManualClock clock = threeSlowPages();
        MemoryStore timed = new Mem0MemoryStore(mem0.uri(), FakeMem0.KEY, DIMS, Duration.ofSeconds(5),
                Duration.ofSeconds(5), clock, ticker(clock));
        int before = mem0.listings.get();

        for (int i = 0; i <= Mem0MemoryStore.BREAKER_FAILURES; i++) {
            assertThatThrownBy(() -> timed.search("alpha", axis(0), 3, MemoryFilter.ALL))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("MEMORY_UNAVAILABLE");
                        assertThat(e.getMessage()).contains("kept answering").contains("budget of PT5S");
                    });
        }
        assertThat(mem0.listings.get() - before).as("pages 1 and 2 read within 5 s each time, page 3 not asked")
                .isEqualTo(2 * (Mem0MemoryStore.BREAKER_FAILURES + 1));

        mem0.onListing = () -> { };
        assertThat(timed.search("alpha", axis(0), 3, MemoryFilter.ALL)).as("the breaker stayed closed").hasSize(3);
    }

    @Test
    void aFirstCallThatStalls_countsAgainstMem0_evenWithABudgetNoLargerThanTheTimeout() {
        MemoryStore tight = new Mem0MemoryStore(mem0.uri(), FakeMem0.KEY, DIMS, Duration.ofMillis(200),
                Duration.ofMillis(200), java.time.Clock.systemUTC());
        mem0.stallListings = true;
        for (int i = 0; i < Mem0MemoryStore.BREAKER_FAILURES; i++) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                    () -> tight.search("alpha", axis(0), 3, MemoryFilter.ALL))
                    .isInstanceOfSatisfying(CommandCenterException.class,
                            e -> assertThat(e.getMessage()).as("a stall, not the budget").doesNotContain("kept answering")));
        }

        assertThatThrownBy(() -> tight.search("alpha", axis(0), 3, MemoryFilter.ALL))
                .hasMessageContaining("suspended until");
    }

    @Test
    void aLaterCallThatStalls_cutByTheBudget_countsAgainstMem0_whenItHadHalfTheTimeoutOrMore() {
        for (int i = 0; i < 210; i++) {
            store.add(memory("alpha", "a" + i, axis(i % DIMS)));
        }
        MemoryStore tight = new Mem0MemoryStore(mem0.uri(), FakeMem0.KEY, DIMS, Duration.ofSeconds(1),
                Duration.ofSeconds(1), java.time.Clock.systemUTC());
        mem0.stallFromPage = 2; // page 1 answers at once, page 2 stalls: cut by the budget's ~1 s left
        for (int i = 0; i < Mem0MemoryStore.BREAKER_FAILURES; i++) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                    () -> tight.search("alpha", axis(0), 3, MemoryFilter.ALL))
                    .isInstanceOfSatisfying(CommandCenterException.class,
                            e -> assertThat(e.getMessage()).as("a stall, not the budget").doesNotContain("kept answering")));
        }
        int asked = mem0.listings.get();

        assertThatThrownBy(() -> tight.search("alpha", axis(0), 3, MemoryFilter.ALL))
                .hasMessageContaining("suspended until");
        assertThat(mem0.listings.get()).as("Mem0 not asked").isEqualTo(asked);
    }

    @Test
    void failingSearches_doNotRefuseAnAdd() {
        mem0.failListings.set(Mem0MemoryStore.BREAKER_FAILURES);
        for (int i = 0; i < Mem0MemoryStore.BREAKER_FAILURES; i++) {
            assertUnavailable(() -> store.search("alpha", axis(0), 3, MemoryFilter.ALL));
        }
        assertThatThrownBy(() -> store.search("alpha", axis(0), 3, MemoryFilter.ALL))
                .as("reads suspended").hasMessageContaining("suspended until");

        store.add(memory("alpha", "a1", axis(0)));

        assertThat(mem0.size()).isEqualTo(1);
    }

    @Test
    void anInterruptedCaller_failsUnavailable_keepsItsInterrupt_andIsNotCountedAgainstMem0() {
        for (int i = 0; i <= Mem0MemoryStore.BREAKER_FAILURES; i++) {
            Thread.currentThread().interrupt();
            assertUnavailable(() -> store.search("alpha", axis(0), 3, MemoryFilter.ALL));
            assertThat(Thread.interrupted()).as("the interrupt kept (and cleared here)").isTrue();
        }
        int asked = mem0.listings.get();

        assertThat(store.search("alpha", axis(0), 3, MemoryFilter.ALL)).as("the breaker stayed closed").isEmpty();
        assertThat(mem0.listings.get()).as("Mem0 asked again").isGreaterThan(asked);
    }

    @Test
    void afterRepeatedFailures_operationsFailAtOnce_untilATrialAfterTheCoolDown() throws InterruptedException {
        ManualClock clock = new ManualClock(T0);
        MemoryStore guarded = new Mem0MemoryStore(mem0.uri(), FakeMem0.KEY, DIMS, Duration.ofSeconds(1),
                Duration.ofSeconds(30), clock);
        mem0.stallListings = true;
        for (int i = 0; i < Mem0MemoryStore.BREAKER_FAILURES; i++) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertUnavailable(
                    () -> guarded.search("alpha", axis(0), 3, MemoryFilter.ALL)));
        }
        assertThat(mem0.stalled.tryAcquire(Mem0MemoryStore.BREAKER_FAILURES, 10, TimeUnit.SECONDS)).isTrue();
        int asked = mem0.listings.get();

        assertThatThrownBy(() -> guarded.search("alpha", axis(0), 3, MemoryFilter.ALL))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("MEMORY_UNAVAILABLE");
                    assertThat(e.getMessage()).contains("suspended until 2026-11-01T10:00:30Z");
                });
        assertThat(mem0.listings.get()).as("Mem0 not asked").isEqualTo(asked);

        mem0.stallListings = false;
        clock.advance(Mem0MemoryStore.BREAKER_OPEN);
        assertThat(guarded.search("alpha", axis(0), 3, MemoryFilter.ALL)).isEmpty();
        assertThat(mem0.listings.get()).as("the trial reached Mem0").isEqualTo(asked + 1);
    }

    private static void assertUnavailable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(e.reason()).isEqualTo("MEMORY_UNAVAILABLE");
        });
    }
}
