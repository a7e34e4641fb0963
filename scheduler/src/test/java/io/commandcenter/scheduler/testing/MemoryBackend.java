package io.commandcenter.scheduler.testing;

import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.mesh.SchedulerMesh;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.state.SchedulerState;

import java.time.Clock;

/**
 * Hubs of one process over one in-memory state, with synchronous delivery. Every operation and
 * pool goes through its codec ({@code roundTrip}), so these runs also prove the encodings lossless.
 */
public final class MemoryBackend implements Backend {
    private final Clock clock;
    private InMemorySchedulerState state;
    private InMemoryMesh.Network network;

    public MemoryBackend(Clock clock) {
        this.clock = clock;
        reset();
    }

    @Override
    public SchedulerState state(int hub) {
        return state;
    }

    @Override
    public SchedulerMesh mesh(int hub) {
        return new InMemoryMesh(network);
    }

    public InMemoryMesh.Network network() {
        return network;
    }

    @Override
    public void reset() {
        state = new InMemorySchedulerState(clock, true);
        network = new InMemoryMesh.Network(Runnable::run);
    }

    @Override
    public boolean asynchronous() {
        return false;
    }

    @Override
    public void close() {
    }
}
