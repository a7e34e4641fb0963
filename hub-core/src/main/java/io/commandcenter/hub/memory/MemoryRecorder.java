package io.commandcenter.hub.memory;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.ActionRecord;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.PredictionLookup;
import io.commandcenter.hub.remediate.RemediationEvents;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.memory.Memory;
import io.commandcenter.memory.MemoryStore;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Remembers every finished remediation run once its outcome is judged: it passes every remediation
 * event on unchanged and, for {@code outcomeObserved}, builds the run's memory
 * ({@link IncidentMemories}) and adds it to the store — on its own executor, so neither the run nor
 * the outcome's recording waits for the memory (a memory that cannot be written is logged and
 * counted, never an error of the run).
 */
public final class MemoryRecorder implements RemediationEvents {
    private static final System.Logger LOG = System.getLogger(MemoryRecorder.class.getName());

    /** The scored features behind a prediction (its model run's input), by name; empty when unknown. */
    @FunctionalInterface
    public interface PredictionFeatures {
        Map<String, Double> of(ProjectId project, String modelRunId);
    }

    private final RemediationEvents next;
    private final MemoryStore store;
    private final Function<String, Optional<RunRecord>> runs;
    private final PredictionLookup predictions;
    private final PredictionFeatures features;
    private final Executor executor;
    private final AtomicLong remembered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public MemoryRecorder(RemediationEvents next, MemoryStore store, Function<String, Optional<RunRecord>> runs,
                          PredictionLookup predictions, PredictionFeatures features, Executor executor) {
        this.next = Objects.requireNonNull(next, "next");
        this.store = Objects.requireNonNull(store, "store");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.predictions = Objects.requireNonNull(predictions, "predictions");
        this.features = Objects.requireNonNull(features, "features");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void runChanged(RunRecord run, Optional<PredictionRecord> prediction) {
        next.runChanged(run, prediction);
    }

    @Override
    public void approvalRequested(ApprovalRecord approval, Optional<PredictionRecord> prediction, RunRecord run) {
        next.approvalRequested(approval, prediction, run);
    }

    @Override
    public void approvalDecided(ApprovalRecord approval, Optional<PredictionRecord> prediction, RunRecord run) {
        next.approvalDecided(approval, prediction, run);
    }

    @Override
    public void outcomeObserved(ActionRecord action) {
        next.outcomeObserved(action);
        try {
            executor.execute(() -> remember(action));
        } catch (RejectedExecutionException e) {
            failed.incrementAndGet();
            LOG.log(Level.WARNING, "memory of run {0} not written: the memory writer is full or stopped",
                    action.runId());
        }
    }

    /** Builds and adds the memory of a judged decision's run (the calling thread; tests call it directly). */
    public Optional<Memory> remember(ActionRecord action) {
        try {
            Optional<RunRecord> run = runs.apply(action.runId());
            if (run.isEmpty()) {
                return Optional.empty();
            }
            Optional<PredictionRecord> prediction = action.predictionId() == null ? Optional.empty()
                    : predictions.find(action.project(), action.predictionId());
            Map<String, Double> vector = prediction.map(p -> features.of(p.project(), p.modelRunId())).orElse(Map.of());
            Memory memory = IncidentMemories.of(action, run.get(), prediction, vector);
            store.add(memory);
            remembered.incrementAndGet();
            return Optional.of(memory);
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.log(Level.WARNING, "memory of run {0} not written: {1}", action.runId(), e.toString());
            return Optional.empty();
        }
    }

    /** Runs remembered since start. */
    public long remembered() {
        return remembered.get();
    }

    /** Runs whose memory could not be written since start. */
    public long failed() {
        return failed.get();
    }
}
