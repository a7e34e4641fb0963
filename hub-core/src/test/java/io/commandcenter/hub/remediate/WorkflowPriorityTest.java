package io.commandcenter.hub.remediate;

import io.commandcenter.hub.agents.ActionResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A workflow's {@code priority} reaches the scheduler: with one devops slot busy and two
 * workflows' nodes queued behind it, the one of higher priority is assigned first. Without
 * priority, fair queueing breaks the tie by workflow name, so the low-priority workflow is named
 * to come first alphabetically: only its priority can put it second.
 */
class WorkflowPriorityTest {
    static final Duration WAIT = Duration.ofSeconds(15);

    final EngineFixture f = new EngineFixture();

    static String workflow(String name, String action, int priority) {
        return """
                name: %s
                priority: %d
                trigger:
                  on: [prediction.created]
                  filters:
                    recommendedAction: %s
                nodes:
                  - id: act
                    agent: devops
                    action: %s
                    inputs:
                      service: $entity.id
                """.formatted(name, priority, action, action);
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** The order in which the two queued workflows' nodes reached the agent. */
    List<String> orderServed(int lowPriority, int highPriority) throws InterruptedException {
        f.agentCapacity = 1;
        f.start();
        f.put(workflow("a-low", "scale", lowPriority));
        f.put(workflow("b-high", "restart", highPriority));
        f.put(workflow("blocker", "rollback", 5));
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.devops = (action, inputs) -> {
            if (action.equals("rollback")) {
                busy.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ActionResult.done("{}");
        };
        f.raise(f.prediction("blocker", 0.9, 0.95, "rollback"));
        assertThat(busy.await(10, TimeUnit.SECONDS)).as("the only slot is taken").isTrue();

        f.raise(f.prediction("svc-a", 0.9, 0.95, "scale"));
        f.raise(f.prediction("svc-b", 0.9, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().stream().filter(r -> !r.workflow().equals("blocker"))
                .filter(r -> r.nodes().get(0).state() == NodeState.QUEUED).count() == 2);
        release.countDown();

        await().atMost(WAIT).until(() -> f.runs().stream().allMatch(r -> r.state() == RunState.SUCCEEDED));
        return f.calls.stream().map(EngineFixture.Call::inputs).map(in -> in.get("service"))
                .filter(s -> !s.equals("blocker")).toList();
    }

    @Test
    void theHigherPriorityWorkflow_isServedFirst() throws InterruptedException {
        assertThat(orderServed(1, 10)).containsExactly("svc-b", "svc-a");
    }

    @Test
    void withEqualPriorities_theTieGoesByName() throws InterruptedException {
        assertThat(orderServed(5, 5)).containsExactly("svc-a", "svc-b");
    }

    @Test
    void aNodesCost_andItsWorkflowsPriority_areWhatTheTaskCarries() {
        f.start();
        f.put(workflow("b-high", "restart", 9).replace("      service: $entity.id",
                "      service: $entity.id\n    cost: 2.5"));
        f.raise(f.prediction("svc-b", 0.9, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);

        var task = f.scheduler.get(EngineFixture.P.value(), f.onlyRun().node("act").taskId());

        assertThat(task.spec().priority()).isEqualTo(9);
        assertThat(task.spec().cost()).isEqualTo(2.5);
    }
}
