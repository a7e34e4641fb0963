package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.List;

/**
 * What a maintenance pass over a pool found and did.
 *
 * @param revocations        leases that expired (their tasks went back to the queue or failed)
 * @param changed            tasks whose state the pass changed
 * @param disconnected       agents disconnected for silence
 * @param pendingReleases    finished exclusive tasks whose target release is still to be confirmed
 * @param stuckWaiting       tasks waiting for their target longer than the redrive interval
 * @param evicted            finished tasks dropped from retention
 */
public record SweepReport(List<Revocation> revocations, List<Task> changed, List<String> disconnected,
                          List<TargetRelease> pendingReleases, List<Task> stuckWaiting, int evicted) {
    public SweepReport {
        revocations = List.copyOf(revocations);
        changed = List.copyOf(changed);
        disconnected = List.copyOf(disconnected);
        pendingReleases = List.copyOf(pendingReleases);
        stuckWaiting = List.copyOf(stuckWaiting);
    }

    public static void write(WireOut out, SweepReport r) {
        out.list(r.revocations, Revocation::write).list(r.changed, Task::write).strings(r.disconnected)
                .list(r.pendingReleases, TargetRelease::write).list(r.stuckWaiting, Task::write).i32(r.evicted);
    }

    public static SweepReport read(WireIn in) {
        return new SweepReport(in.list(Revocation::read), in.list(Task::read), in.strings(),
                in.list(TargetRelease::read), in.list(Task::read), in.i32());
    }
}
