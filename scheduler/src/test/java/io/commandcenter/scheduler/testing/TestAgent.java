package io.commandcenter.scheduler.testing;

import io.commandcenter.scheduler.AgentConnection;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/** An in-process agent that records what it is given and reports results when the test says so. */
public final class TestAgent implements AgentListener {
    public final BlockingQueue<Dispatched> inbox = new LinkedBlockingQueue<>();
    public final List<Dispatched> received = new CopyOnWriteArrayList<>();
    public final List<Revocation> revoked = new CopyOnWriteArrayList<>();
    public volatile CommandCenterException closedBy;
    public AgentConnection connection;

    public static TestAgent connect(Scheduler scheduler, AgentRegistration registration) {
        TestAgent agent = new TestAgent();
        agent.connection = scheduler.connect(registration, agent);
        return agent;
    }

    @Override
    public void onAssignment(Dispatched work) {
        received.add(work);
        inbox.add(work);
    }

    @Override
    public void onRevoked(Revocation revocation) {
        revoked.add(revocation);
    }

    @Override
    public void onClosed(CommandCenterException reason) {
        closedBy = reason;
    }

    /** Takes what arrived so far. */
    public List<Dispatched> drain() {
        List<Dispatched> work = new ArrayList<>();
        inbox.drainTo(work);
        return work;
    }

    public Task succeed(Dispatched work) {
        return connection.complete(work.assignment().taskId(), work.assignment().fencingToken(),
                TaskOutcome.SUCCEEDED, "{\"ok\":true}", "", false);
    }

    public Task fail(Dispatched work, boolean retryable) {
        return connection.complete(work.assignment().taskId(), work.assignment().fencingToken(), TaskOutcome.FAILED,
                "", "it broke", retryable);
    }
}
