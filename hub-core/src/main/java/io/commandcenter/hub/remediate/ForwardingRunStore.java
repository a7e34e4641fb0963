package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A run store that passes every call to another; subclasses override what they add to. */
abstract class ForwardingRunStore implements RunStore {
    protected final RunStore store;

    ForwardingRunStore(RunStore store) {
        this.store = store;
    }

    @Override
    public boolean create(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action) {
        return store.create(run, approval, action);
    }

    @Override
    public void update(RunRecord run) {
        store.update(run);
    }

    @Override
    public boolean updateWaiting(RunRecord run) {
        return store.updateWaiting(run);
    }

    @Override
    public Written writeOwned(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored) {
        return store.writeOwned(creates, updates, lastStored);
    }

    @Override
    public Map<String, String> owners(Collection<String> runIds) {
        return store.owners(runIds);
    }

    @Override
    public boolean recordsDecisions() {
        return store.recordsDecisions();
    }

    @Override
    public void renewLease(String hubId, Duration ttl) {
        store.renewLease(hubId, ttl);
    }

    @Override
    public boolean leaseLapsed(String hubId, Duration ttl) {
        return store.leaseLapsed(hubId, ttl);
    }

    @Override
    public boolean adopt(String runId, String fromHub, String toHub, Duration leaseTtl) {
        return store.adopt(runId, fromHub, toHub, leaseTtl);
    }

    @Override
    public Optional<RunRecord> run(String runId) {
        return store.run(runId);
    }

    @Override
    public List<RunRecord> runs(ProjectId project, RunQuery query) {
        return store.runs(project, query);
    }

    @Override
    public List<RunRecord> unfinished() {
        return store.unfinished();
    }

    @Override
    public int automaticRunsSince(ProjectId project, String targetKind, String targetId, Instant since) {
        return store.automaticRunsSince(project, targetKind, targetId, since);
    }

    @Override
    public int activeRuns(ProjectId project, String workflow, String targetKind, String targetId) {
        return store.activeRuns(project, workflow, targetKind, targetId);
    }

    @Override
    public TargetCounts targetCounts(ProjectId project, String workflow, String targetKind, String targetId,
                                     Instant since) {
        return store.targetCounts(project, workflow, targetKind, targetId, since);
    }

    @Override
    public List<TargetRun> targetRuns(ProjectId project, String targetKind, String targetId, Instant since) {
        return store.targetRuns(project, targetKind, targetId, since);
    }

    @Override
    public List<TargetRun> targetRuns(Instant since) {
        return store.targetRuns(since);
    }
}
