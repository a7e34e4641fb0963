package io.commandcenter.hub.feedback;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The real store, its paged reads of predictions and runs counted (pages, and rows they returned). */
public final class CountingFeedbackStore implements FeedbackStore {
    private final FeedbackStore store;
    public final AtomicInteger pages = new AtomicInteger();
    public final AtomicInteger rows = new AtomicInteger();
    public final AtomicInteger windowPages = new AtomicInteger();

    public CountingFeedbackStore(FeedbackStore store) {
        this.store = store;
    }

    @Override
    public void saveLabel(FeedbackLabel label) {
        store.saveLabel(label);
    }

    @Override
    public List<FeedbackLabel> labels(ProjectId project) {
        return store.labels(project);
    }

    @Override
    public List<ScoredPrediction> predictions(ProjectId project, String model, Instant from, Instant to, After after,
                                              int limit) {
        List<ScoredPrediction> page = store.predictions(project, model, from, to, after, limit);
        pages.incrementAndGet();
        rows.addAndGet(page.size());
        return page;
    }

    @Override
    public Map<String, String> predictionsOfRuns(ProjectId project, String model, Instant from, Instant to,
                                                 Collection<String> runIds) {
        return store.predictionsOfRuns(project, model, from, to, runIds);
    }

    @Override
    public List<Decision> decisions(ProjectId project) {
        return store.decisions(project);
    }

    @Override
    public List<StoredRun> runs(ProjectId project, String targetKind, String targetId, Instant from, Instant to,
                                String model, After after, int limit) {
        List<StoredRun> page = store.runs(project, targetKind, targetId, from, to, model, after, limit);
        pages.incrementAndGet();
        windowPages.incrementAndGet();
        rows.addAndGet(page.size());
        return page;
    }

    @Override
    public List<StoredRun> runs(ProjectId project, Instant from, Instant to, String model) {
        return store.runs(project, from, to, model);
    }
}
