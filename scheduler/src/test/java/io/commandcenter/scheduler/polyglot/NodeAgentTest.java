package io.commandcenter.scheduler.polyglot;

import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import io.commandcenter.scheduler.testing.GrpcFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A remote agent written in Node.js ({@code src/test/node/agent.mjs}, {@code @grpc/grpc-js} and
 * {@code @grpc/proto-loader}, built only from the .proto files) connects with ConnectAgent to a
 * real grpc-java server hosting {@code ScheduleGrpcService} on loopback, receives a task, has a
 * result with a wrong fencing token refused, and reports the real result.
 */
class NodeAgentTest {
    static final Path AGENT = Path.of(System.getProperty("repo.root", ".."), "scheduler", "src", "test", "node");

    final Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("hub-java"), new InMemorySchedulerState(
            Clock.systemUTC()), new InMemoryMesh(new InMemoryMesh.Network(Executors.newSingleThreadExecutor())),
            Clock.systemUTC());
    final GrpcFixture server = GrpcFixture.loopback(scheduler);

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
        scheduler.close();
    }

    @Test
    void aNodeAgentBuiltOnlyFromTheProtoFiles_receivesATask_andReportsItsResult() throws Exception {
        run(AGENT, 300, "npm", "ci", "--no-audit", "--no-fund");
        Path log = Files.createTempFile("cc-node-agent-", ".log");
        Process agent = new ProcessBuilder("node", "agent.mjs", "--hub", "127.0.0.1:" + server.port(), "--project",
                "payments", "--agent-id", "node-1", "--tasks", "1").directory(AGENT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !scheduler.agents("payments", "devops").agents()
                    .isEmpty());

            Task task = scheduler.submit(TaskSpec.of("payments", "devops.restart")
                    .withInputs("{\"service\":\"checkout\"}")).task();

            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent finished").isTrue();
            String output = Files.readString(log);
            assertThat(agent.exitValue()).as("agent output:%n%s", output).isZero();
            assertThat(output).contains("\"hubId\":\"hub-java\"")
                    .contains("\"taskId\":\"" + task.id() + "\"")
                    .contains("\"service\":\"checkout\"")
                    .contains("\"reason\":\"LEASE_NOT_HELD\"").contains("\"fields\":[\"result.fencing_token\"]")
                    .contains("\"state\":\"SCHEDULED_TASK_STATE_SUCCEEDED\"");
            Task done = scheduler.get("payments", task.id());
            assertThat(done.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(done.result().agentId()).isEqualTo("node-1");
            assertThat(done.result().outputJson()).contains("\"handledBy\":\"node\"");
            assertThat(done.progress().message()).isEqualTo("restarting");
            assertThat(scheduler.agents("payments", "devops").agents().get(0).registration().labels())
                    .containsEntry("lang", "node");
        } finally {
            agent.destroyForcibly();
        }
    }

    /** Runs a command, fails the test unless it exits 0 in time. */
    static String run(Path dir, int seconds, String... command) throws Exception {
        Path log = Files.createTempFile("cc-test-", ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished && process.exitValue() == 0).as("%s exited 0 in %d s; output:%n%s",
                String.join(" ", command), seconds, output).isTrue();
        return output;
    }
}
