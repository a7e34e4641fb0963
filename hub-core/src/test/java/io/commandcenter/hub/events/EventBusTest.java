package io.commandcenter.hub.events;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventBusTest {
    static final ProjectId ALPHA = ProjectId.of("alpha");
    static final ProjectId BETA = ProjectId.of("beta");
    static final TraceContext TRACE = TraceContext.newRoot(new SplittableRandom(1));

    /** Runs delivery tasks only when the test says so, so every interleaving is deterministic. */
    static final class ManualExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        void runAll() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }
    }

    /** A sink whose readiness the test controls. */
    static class RecordingSink implements EventSink {
        boolean ready = true;
        final List<String> received = new ArrayList<>();
        boolean closed;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void deliver(Event event) {
            received.add(event.subject() + "#" + event.payload().toJson());
        }

        @Override
        public void dropped(long count, long total, Instant since) {
            received.add("dropped " + count + "/" + total);
        }

        @Override
        public void closed() {
            closed = true;
        }
    }

    static Payload payload(int n) {
        return new Payload() {
            @Override
            public String type() {
                return "test.N";
            }

            @Override
            public String toJson() {
                return Integer.toString(n);
            }
        };
    }

    final ManualExecutor executor = new ManualExecutor();
    final EventBus bus = new EventBus("hub-1", Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC),
            executor, 3);

    @Test
    void publish_deliversMatchingEventsInOrder_onlyToTheirProject() {
        RecordingSink alphaHealth = new RecordingSink();
        RecordingSink betaAll = new RecordingSink();
        bus.subscribe(ALPHA, SubjectPattern.parse("hub.health.*"), 10, alphaHealth);
        bus.subscribe(BETA, SubjectPattern.parse("*"), 10, betaAll);

        bus.publish(ALPHA, "hub.health.api", TRACE, payload(1));
        bus.publish(ALPHA, "task.failed", TRACE, payload(2));
        bus.publish(ALPHA, "hub.health.db", TRACE, payload(3));
        executor.runAll();

        assertThat(alphaHealth.received).containsExactly("hub.health.api#1", "hub.health.db#3");
        assertThat(betaAll.received).isEmpty();
    }

    @Test
    void publishAll_givesEachSubscriberWhatPublishingOneByOneWould_inOrder_withTheSameDrops() {
        RecordingSink alphaHealth = new RecordingSink();
        RecordingSink betaAll = new RecordingSink();
        RecordingSink slow = new RecordingSink();
        RecordingSink everyProject = new RecordingSink();
        slow.ready = false;
        bus.subscribe(ALPHA, SubjectPattern.parse("hub.health.*"), 10, alphaHealth);
        bus.subscribe(BETA, SubjectPattern.parse("*"), 10, betaAll);
        Subscription slowSubscription = bus.subscribe(ALPHA, SubjectPattern.parse("hub"), 3, slow);
        bus.subscribeEveryProject(SubjectPattern.parse("hub.health"), 100, everyProject, executor);
        List<EventBus.Draft> drafts = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            drafts.add(new EventBus.Draft(i % 4 == 0 ? BETA : ALPHA, i % 3 == 0 ? "task.failed" : "hub.health.api",
                    TRACE, payload(i)));
        }

        bus.publishAll(drafts);
        executor.runAll();
        assertThat(slow.received).isEmpty();
        slow.ready = true;
        slowSubscription.signal();
        executor.runAll();

        assertThat(alphaHealth.received).containsExactly("hub.health.api#1", "hub.health.api#2",
                "hub.health.api#5", "hub.health.api#7");
        assertThat(betaAll.received).containsExactly("hub.health.api#4", "hub.health.api#8");
        assertThat(everyProject.received).containsExactly("hub.health.api#1", "hub.health.api#2",
                "hub.health.api#4", "hub.health.api#5", "hub.health.api#7", "hub.health.api#8");
        // ALPHA's events under "hub" were 1, 2, 5 and 7 (3 and 6 are tasks) into a buffer of 3: the oldest dropped, and told
        assertThat(slow.received).containsExactly("dropped 1/1", "hub.health.api#2", "hub.health.api#5",
                "hub.health.api#7");
        assertThat(bus.droppedCount()).isEqualTo(1);
        assertThat(bus.publishedCount()).isEqualTo(8);
    }

    @Test
    void publishAll_numbersEventsInOrder_continuingPublish() {
        RecordingSink sink = new RecordingSink() {
            @Override
            public void deliver(Event event) {
                received.add(event.id());
            }
        };
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 100, sink);
        bus.publish(ALPHA, "x", TRACE, payload(0));
        List<EventBus.Draft> drafts = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            drafts.add(new EventBus.Draft(ALPHA, "x", TRACE, payload(i)));
        }

        bus.publishAll(drafts);
        bus.publishAll(List.of());
        bus.publish(ALPHA, "x", TRACE, payload(21));
        executor.runAll();

        assertThat(sink.received).hasSize(22).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aSubscriberDeliveredOnThePublisher_getsABoundedShareFromOnePublish_theRestOnTheExecutor_noneLost() {
        RecordingSink sink = new RecordingSink() {
            @Override
            public void deliver(Event event) {
                super.deliver(event);
                if (received.size() == 1) {
                    // other publishers keep publishing while this publish delivers
                    for (int i = 2; i <= 101; i++) {
                        bus.publish(ALPHA, "hub.health.api", TRACE, payload(i));
                    }
                }
            }
        };
        bus.subscribeEveryProjectOnPublisher(SubjectPattern.parse("hub"), 1000, sink, 64);

        bus.publish(ALPHA, "hub.health.api", TRACE, payload(1));

        assertThat(sink.received).as("delivered by the first publish").hasSize(64);
        assertThat(executor.tasks).as("the rest handed to the executor").hasSize(1);
        // publishing stops here: the executor delivers every event left, in order
        executor.runAll();
        assertThat(sink.received).hasSize(101);
        for (int i = 0; i < 101; i++) {
            assertThat(sink.received.get(i)).isEqualTo("hub.health.api#" + (i + 1));
        }
    }

    @Test
    void aSubscriberDeliveredOnThePublisher_isDeliveredWithinThePublish_belowItsShare() {
        RecordingSink sink = new RecordingSink();
        bus.subscribeEveryProjectOnPublisher(SubjectPattern.parse("hub"), 1000, sink, 64);

        bus.publish(ALPHA, "hub.health.api", TRACE, payload(1));

        assertThat(sink.received).containsExactly("hub.health.api#1");
        assertThat(executor.tasks).isEmpty();
    }

    @Test
    void aSlowSubscriber_losesItsOldestEvents_andIsToldHowMany_whileOthersGetEverything() {
        assertThat(bus.droppedCount()).isZero();
        RecordingSink slow = new RecordingSink();
        RecordingSink fast = new RecordingSink();
        slow.ready = false;
        bus.subscribe(ALPHA, SubjectPattern.parse("hub"), 3, slow);
        bus.subscribe(ALPHA, SubjectPattern.parse("hub"), 100, fast);

        for (int i = 1; i <= 10; i++) {
            bus.publish(ALPHA, "hub.health.api", TRACE, payload(i));
        }
        executor.runAll();
        slow.ready = true;
        executor.runAll(); // nothing scheduled: the sink must signal when it becomes ready
        assertThat(slow.received).isEmpty();
        bus.publish(ALPHA, "hub.health.api", TRACE, payload(11));
        executor.runAll();

        assertThat(fast.received).hasSize(11);
        assertThat(slow.received).containsExactly("dropped 8/8", "hub.health.api#9", "hub.health.api#10",
                "hub.health.api#11");
        // the bus counts every drop (cc_events_dropped_total): the slow subscriber's eight, the fast one's none
        assertThat(bus.droppedCount()).isEqualTo(8);
    }

    @Test
    void aBatchingSink_getsWhatWaits_inBatchesOfAtMostItsSize_inOrder_withTheDropNoticeFirst() {
        RecordingSink batching = new RecordingSink() {
            @Override
            public int maxBatch() {
                return 3;
            }

            @Override
            public void deliver(List<Event> events) {
                received.add("batch " + events.stream().map(e -> e.payload().toJson()).toList());
            }
        };
        batching.ready = false;
        bus.subscribe(ALPHA, SubjectPattern.parse("hub"), 5, batching);

        for (int i = 1; i <= 7; i++) {
            bus.publish(ALPHA, "hub.health.api", TRACE, payload(i));
        }
        batching.ready = true;
        bus.publish(ALPHA, "hub.health.api", TRACE, payload(8)); // signals the drain
        executor.runAll();
        bus.publish(ALPHA, "hub.health.api", TRACE, payload(9));
        executor.runAll();

        assertThat(batching.received).containsExactly("dropped 3/3", "batch [4, 5, 6]", "batch [7, 8]", "batch [9]");
    }

    @Test
    void signal_resumesDeliveryWhenTheSinkBecomesReady() {
        RecordingSink sink = new RecordingSink();
        sink.ready = false;
        Subscription subscription = bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, sink);
        bus.publish(ALPHA, "task.failed", TRACE, payload(1));
        executor.runAll();
        assertThat(sink.received).isEmpty();

        sink.ready = true;
        subscription.signal();
        executor.runAll();

        assertThat(sink.received).containsExactly("task.failed#1");
    }

    @Test
    void subscribe_beyondTheLimit_isRefused_andClosingFreesASlot() {
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            subscriptions.add(bus.subscribe(ALPHA, SubjectPattern.parse("*"), 1, new RecordingSink()));
        }

        assertThatThrownBy(() -> bus.subscribe(ALPHA, SubjectPattern.parse("*"), 1, new RecordingSink()))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("TOO_MANY_SUBSCRIBERS"));
        subscriptions.get(0).close();
        subscriptions.get(0).close(); // idempotent: frees one slot, not two
        assertThat(bus.subscriberCount()).isEqualTo(2);
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 1, new RecordingSink());
        assertThat(bus.subscriberCount()).isEqualTo(3);
    }

    @Test
    void close_endsEverySubscription_andRefusesNewOnes() {
        RecordingSink sink = new RecordingSink();
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 1, sink);

        bus.close();

        assertThat(sink.closed).isTrue();
        assertThatThrownBy(() -> bus.subscribe(ALPHA, SubjectPattern.parse("*"), 1, new RecordingSink()))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("SHUTTING_DOWN"));
    }

    @Test
    void aSinkThatThrows_endsOnlyItsOwnSubscription() {
        RecordingSink healthy = new RecordingSink();
        RecordingSink broken = new RecordingSink() {
            @Override
            public void deliver(Event event) {
                throw new IllegalStateException("transport gone");
            }
        };
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, broken);
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, healthy);

        bus.publish(ALPHA, "task.failed", TRACE, payload(1));
        executor.runAll();
        bus.publish(ALPHA, "task.failed", TRACE, payload(2));
        executor.runAll();

        assertThat(broken.closed).isTrue();
        assertThat(bus.subscriberCount()).isEqualTo(1);
        assertThat(healthy.received).containsExactly("task.failed#1", "task.failed#2");
    }

    /** A sink that throws {@code error} at its first delivery, then records as usual. */
    static RecordingSink throwingOnce(Error error) {
        return new RecordingSink() {
            boolean thrown;

            @Override
            public void deliver(Event event) {
                if (!thrown) {
                    thrown = true;
                    throw error;
                }
                super.deliver(event);
            }
        };
    }

    @Test
    void aSinkThatThrowsAnError_losesThatEvent_notItsFeed() {
        RecordingSink sink = throwingOnce(new AssertionError("a broken invariant in the consumer"));
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, sink);

        bus.publish(ALPHA, "task.failed", TRACE, payload(1));
        bus.publish(ALPHA, "task.failed", TRACE, payload(2));
        executor.runAll();
        bus.publish(ALPHA, "task.failed", TRACE, payload(3));
        executor.runAll();

        assertThat(sink.received).containsExactly("task.failed#2", "task.failed#3");
        assertThat(sink.closed).isFalse();
        assertThat(bus.subscriberCount()).isEqualTo(1);
    }

    @Test
    void aVirtualMachineErrorInASink_isRethrown_andLaterEventsAreStillDelivered() {
        RecordingSink sink = throwingOnce(new StackOverflowError());
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, sink);
        bus.publish(ALPHA, "task.failed", TRACE, payload(1));
        bus.publish(ALPHA, "task.failed", TRACE, payload(2));

        assertThatThrownBy(executor::runAll).isInstanceOf(StackOverflowError.class);
        executor.runAll(); // the drain of what was left, handed on before the rethrow
        bus.publish(ALPHA, "task.failed", TRACE, payload(3));
        executor.runAll();

        assertThat(sink.received).containsExactly("task.failed#2", "task.failed#3");
    }

    @Test
    void aSubscriberWhoseExecutorRefusesWork_failsNoPublish_andLaterSubscribersGetTheEvent() {
        RecordingSink sink = new RecordingSink();
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, sink, command -> {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        });
        RecordingSink other = new RecordingSink();
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, other);

        bus.publish(ALPHA, "task.failed", TRACE, payload(1));
        executor.runAll();

        assertThat(sink.received).isEmpty();
        assertThat(other.received).containsExactly("task.failed#1");
    }

    @Test
    void anExecutorThatFailsOtherwiseOnce_failsNoPublish_andTheNextSignalDrainsWhatWaits() {
        RecordingSink sink = new RecordingSink();
        boolean[] failed = {false};
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, sink, command -> {
            if (!failed[0]) {
                failed[0] = true;
                throw new IllegalStateException("a broken executor");
            }
            executor.execute(command);
        });

        bus.publish(ALPHA, "task.failed", TRACE, payload(1));
        bus.publish(ALPHA, "task.failed", TRACE, payload(2));
        executor.runAll();

        assertThat(sink.received).containsExactly("task.failed#1", "task.failed#2");
    }

    /**
     * A sink whose third readiness question comes after the drain released its flag: a publisher's event arrives
     * then (its signal starts the next drain), and the question ends with {@code failure}. Its second question
     * comes while the drain holds the flag: another event arrives, and the sink says it is not ready.
     */
    RecordingSink failingAfterTheFlagWasTaken(RuntimeException exception, Error error) {
        return new RecordingSink() {
            int questions;

            @Override
            public boolean isReady() {
                questions++;
                if (questions == 2) {
                    bus.publish(ALPHA, "task.failed", TRACE, payload(2));
                    return false;
                }
                if (questions == 3) {
                    bus.publish(ALPHA, "task.failed", TRACE, payload(3));
                    if (exception != null) {
                        throw exception;
                    }
                    throw error;
                }
                return true;
            }
        };
    }

    /** Runs the first waiting drain only. */
    void runOneDrain() {
        executor.tasks.poll().run();
    }

    @Test
    void aSinkFailingAfterTheNextDrainTookTheFlag_isClosed_andNoSecondDrainIsStarted() {
        RecordingSink sink = failingAfterTheFlagWasTaken(new IllegalStateException("transport gone"), null);
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, sink);
        bus.publish(ALPHA, "task.failed", TRACE, payload(1));

        runOneDrain();

        // two drains waiting at once would run at once on a pool of threads
        assertThat(executor.tasks).as("only the drain the publisher's signal started").hasSize(1);
        assertThat(sink.closed).isTrue();
        executor.runAll();
        assertThat(sink.received).containsExactly("task.failed#1");
    }

    @Test
    void aSinkThrowingAnErrorAfterTheNextDrainTookTheFlag_leavesThatDrainAlone_andTheOrderIsKept() {
        RecordingSink sink = failingAfterTheFlagWasTaken(null, new AssertionError("a broken invariant"));
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, sink);
        bus.publish(ALPHA, "task.failed", TRACE, payload(1));

        runOneDrain();

        assertThat(executor.tasks).as("only the drain the publisher's signal started").hasSize(1);
        executor.runAll();
        assertThat(sink.received).containsExactly("task.failed#1", "task.failed#2", "task.failed#3");
        assertThat(sink.closed).isFalse();
    }

    @Test
    void aSinkThatThrowsAnErrorEveryTime_isLoggedOnce_andClosedAfterThreeDrainsInARow() {
        RecordingSink sink = new RecordingSink() {
            @Override
            public void deliver(Event event) {
                throw new AssertionError("always broken");
            }
        };
        bus.subscribe(ALPHA, SubjectPattern.parse("*"), 10, sink);
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(Subscription.class.getName());
        List<java.util.logging.LogRecord> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.SEVERE) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try {
            for (int i = 1; i <= 5; i++) {
                bus.publish(ALPHA, "task.failed", TRACE, payload(i));
            }
            executor.runAll();
            bus.publish(ALPHA, "task.failed", TRACE, payload(6));
            executor.runAll();
        } finally {
            log.removeHandler(handler);
        }

        assertThat(sink.closed).isTrue();
        assertThat(bus.subscriberCount()).isZero();
        assertThat(errors).as("one ERROR with its stack trace, the others counted").hasSize(1);
        assertThat(errors.get(0).getThrown()).isInstanceOf(AssertionError.class);
    }

    @Test
    void eventIds_sortInPublicationOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(bus.publish(ALPHA, "x", TRACE, payload(i)).id());
        }

        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(ids.get(0)).startsWith("hub-1-");
    }
}
