package io.commandcenter.hub.feedback;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * The feedback dataset read as it is taken ({@link Feedback#rows}): the rows of {@link Feedback#dataset}, in its
 * order (time, then run id), from pages of at most {@code pageSize} store rows. Only people's words — the labels and
 * the decisions — are read whole; predictions are read by a keyset over (observation time, run id), each declared
 * window's runs by one over (run time, run id), a window's first page only once the export reaches its start, and
 * nothing past the row last taken. Two sources merged:
 * <ul>
 *   <li>labelled predictions, less those whose run a declared window holds (the window's row stands for them)
 *       unless a person labelled the prediction itself;</li>
 *   <li>the runs of declared windows, less those of a prediction a person labelled; a run in several windows is
 *       the row of the last declared.</li>
 * </ul>
 * Not thread-safe: one reader.
 */
final class DatasetRows implements Iterator<FeedbackRow> {
    private static final Comparator<FeedbackRow> ORDER = Comparator.comparing(FeedbackRow::time)
            .thenComparing(FeedbackRow::runId);

    private final FeedbackStore store;
    private final ProjectId project;
    private final String model;
    private final Instant from;
    private final Instant to;
    private final int pageSize;
    private final Map<String, FeedbackLabel> person = new HashMap<>();
    private final Map<String, FeedbackStore.Decision> lastDecision = new HashMap<>();
    private final Map<String, Boolean> recovered = new HashMap<>();
    /** Declared windows (cut to the range) by entity, to tell a prediction's run the window stands for. */
    private final Map<String, List<Window>> windowsOf = new HashMap<>();
    /** Windows not opened yet, by start. */
    private final PriorityQueue<Window> unopened = new PriorityQueue<>(Comparator.comparing(Window::start)
            .thenComparing(Window::order));
    private final List<WindowRuns> open = new ArrayList<>();
    private final Predictions predictions = new Predictions();
    private FeedbackRow next;

    /** A declared window cut to the range; {@code order}: its place among the labels (a later one wins). */
    private record Window(int order, FeedbackLabel label, Instant start, Instant end) {
    }

    DatasetRows(FeedbackStore store, ProjectId project, String model, Instant from, Instant to, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive");
        }
        this.store = store;
        this.project = project;
        this.model = model;
        this.from = from;
        this.to = to;
        this.pageSize = pageSize;
        List<FeedbackLabel> labels = store.labels(project);
        int order = 0;
        for (FeedbackLabel l : labels) {
            order++;
            if (!l.isWindow()) {
                person.merge(l.predictionId(), l, (a, b) -> b.labelledAt().isBefore(a.labelledAt()) ? a : b);
            } else if (!(from != null && l.end().isBefore(from) || to != null && l.start().isAfter(to))) {
                Window w = new Window(order, l, from != null && l.start().isBefore(from) ? from : l.start(),
                        to != null && l.end().isAfter(to) ? to : l.end());
                windowsOf.computeIfAbsent(entity(l.targetKind(), l.targetId()), k -> new ArrayList<>()).add(w);
                unopened.add(w);
            }
        }
        for (FeedbackStore.Decision d : store.decisions(project)) {
            if (d.decision().equals("approved") || d.decision().equals("rejected")) {
                lastDecision.merge(d.predictionId(), d, (a, b) -> b.decidedAt().isBefore(a.decidedAt()) ? a : b);
            }
            if ("recovered".equals(d.outcome())) {
                recovered.put(d.predictionId(), true);
            }
        }
    }

    private static String entity(String kind, String id) {
        return kind + '\u0000' + id;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = read();
        }
        return next != null;
    }

    @Override
    public FeedbackRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        FeedbackRow row = next;
        next = null;
        return row;
    }

    private FeedbackRow read() {
        FeedbackRow min = least();
        // a window whose start is not after the least row so far may hold a row before it: opened
        while (!unopened.isEmpty() && (min == null || !unopened.peek().start().isAfter(min.time()))) {
            open.add(new WindowRuns(unopened.poll()));
            min = least();
        }
        if (min == null) {
            return null;
        }
        if (min == predictions.head()) {
            predictions.advance();
            return min;
        }
        // the run may be in several windows: the last declared gives the row; each of them moves past it
        FeedbackRow chosen = null;
        int chosenOrder = -1;
        for (WindowRuns w : open) {
            FeedbackRow head = w.head();
            if (head != null && ORDER.compare(head, min) == 0) {
                if (w.window.order() > chosenOrder) {
                    chosen = head;
                    chosenOrder = w.window.order();
                }
                w.advance();
            }
        }
        return chosen;
    }

    /** The least head of the open sources (a window read to its end is closed here); null: none left. */
    private FeedbackRow least() {
        FeedbackRow min = predictions.head();
        for (Iterator<WindowRuns> it = open.iterator(); it.hasNext(); ) {
            FeedbackRow head = it.next().head();
            if (head == null) {
                it.remove();
            } else if (min == null || ORDER.compare(head, min) < 0) {
                min = head;
            }
        }
        return min;
    }

    /** Labelled predictions a window does not stand for, by (observation time, run id). */
    private final class Predictions {
        private List<FeedbackStore.ScoredPrediction> page = List.of();
        private int at;
        private boolean last;
        private FeedbackStore.After after;
        private FeedbackRow head;

        FeedbackRow head() {
            while (head == null) {
                if (at == page.size()) {
                    if (last) {
                        return null;
                    }
                    page = store.predictions(project, model, from, to, after, pageSize);
                    at = 0;
                    last = page.size() < pageSize;
                    if (!page.isEmpty()) {
                        FeedbackStore.ScoredPrediction l = page.get(page.size() - 1);
                        after = new FeedbackStore.After(l.observedAt(), l.runId());
                    }
                    continue;
                }
                head = row(page.get(at++));
            }
            return head;
        }

        void advance() {
            head = null;
        }

        /** The prediction's row; null: unlabelled, or a declared window's row stands for it. */
        private FeedbackRow row(FeedbackStore.ScoredPrediction p) {
            FeedbackLabel l = person.get(p.predictionId());
            FeedbackStore.Decision d = lastDecision.get(p.predictionId());
            int label;
            String source;
            String reason = "";
            if (l != null) {
                label = l.label() == FeedbackLabel.Label.INCIDENT ? 1 : 0;
                source = "person";
                reason = l.reason();
            } else if (d != null && d.decision().equals("rejected")) {
                label = 0;
                source = "rejection";
                reason = d.reason();
            } else if (d != null) {
                label = 1;
                source = "approval";
                reason = d.reason();
            } else if (recovered.containsKey(p.predictionId())) {
                label = 1;
                source = "outcome";
            } else {
                return null;
            }
            if (l == null) {
                for (Window w : windowsOf.getOrDefault(entity(p.targetKind(), p.targetId()), List.of())) {
                    if (!p.runAt().isBefore(w.start()) && !p.runAt().isAfter(w.end())) {
                        return null;
                    }
                }
            }
            return new FeedbackRow(p.observedAt(), p.targetKind(), p.targetId(), p.model(), p.version(), p.runId(),
                    p.predictionId(), label, source, reason, p.risk(), Feedback.features(p.inputJson()));
        }
    }

    /** One declared window's runs, by (run time, run id), less those of a prediction a person labelled. */
    private final class WindowRuns {
        private final Window window;
        private List<FeedbackStore.StoredRun> page = List.of();
        private Map<String, String> predictionOfRun = Map.of();
        private int at;
        private boolean last;
        private FeedbackStore.After after;
        private FeedbackRow head;

        WindowRuns(Window window) {
            this.window = window;
        }

        FeedbackRow head() {
            while (head == null) {
                if (at == page.size()) {
                    if (last) {
                        return null;
                    }
                    FeedbackLabel l = window.label();
                    page = store.runs(project, l.targetKind(), l.targetId(), window.start(), window.end(), model,
                            after, pageSize);
                    at = 0;
                    last = page.size() < pageSize;
                    if (!page.isEmpty()) {
                        FeedbackStore.StoredRun r = page.get(page.size() - 1);
                        after = new FeedbackStore.After(r.executedAt(), r.runId());
                    }
                    predictionOfRun = store.predictionsOfRuns(project, model, from, to,
                            page.stream().map(FeedbackStore.StoredRun::runId).toList());
                    continue;
                }
                FeedbackStore.StoredRun r = page.get(at++);
                String predictionId = predictionOfRun.get(r.runId());
                if (predictionId != null && person.containsKey(predictionId)) {
                    continue; // a person's word on the prediction itself wins
                }
                head = new FeedbackRow(r.executedAt(), r.targetKind(), r.targetId(), r.model(), r.version(),
                        r.runId(), predictionId == null ? "" : predictionId, 1, "declared", window.label().reason(),
                        Feedback.risk(r.outputJson()), Feedback.features(r.inputJson()));
            }
            return head;
        }

        void advance() {
            head = null;
        }
    }
}
