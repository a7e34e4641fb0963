package io.commandcenter.scheduler.testing;

import io.commandcenter.scheduler.mesh.SchedulerMesh;
import io.commandcenter.scheduler.state.SchedulerState;

/** The shared state and mesh of a few hubs, for the contract suites. */
public interface Backend extends AutoCloseable {

    /** The state as hub {@code n} (0 or 1) sees it. */
    SchedulerState state(int hub);

    /** The mesh of hub {@code n}. */
    SchedulerMesh mesh(int hub);

    /** Wipes every shared structure (between tests). */
    void reset();

    /** Whether events and cross-hub messages arrive on other threads (tests then wait for them). */
    boolean asynchronous();

    @Override
    void close();
}
