package io.commandcenter.hub.feedback.sql;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.feedback.FeedbackLabel;
import io.commandcenter.hub.feedback.FeedbackStore;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.persistence.Retention;
import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Labels in {@code feedback_label} (migration V9); the dataset's reads over predictions, runs and decisions. */
public final class JpaFeedbackStore implements FeedbackStore {
    private final Jpa jpa;

    public JpaFeedbackStore(Database database) {
        this.jpa = new Jpa(database.entityManagerFactory());
    }

    /**
     * Stores a label, in one transaction with its project's row locked as retention's batches lock it
     * ({@link Retention#lockProject}, guide 8.2): a label on a prediction retention deleted meanwhile is refused, and
     * a batch running after it keeps what it names.
     *
     * @throws CommandCenterException NOT_FOUND {@code PREDICTION_NOT_FOUND} when the prediction the label names is
     *         not (or no longer) stored
     */
    @Override
    public void saveLabel(FeedbackLabel l) {
        jpa.write(em -> {
            Retention.lockProject(em, l.project().value());
            if (l.predictionId() != null && em.createNativeQuery("SELECT 1 FROM prediction WHERE prediction_id = ?"
                    + " AND project_id = ?").setParameter(1, l.predictionId()).setParameter(2, l.project().value())
                    .getResultList().isEmpty()) {
                throw CommandCenterException.notFound("PREDICTION_NOT_FOUND", "no prediction " + l.predictionId()
                        + " in project " + l.project());
            }
            return insert(em, l);
        });
    }

    private static int insert(jakarta.persistence.EntityManager em, FeedbackLabel l) {
        return em.createNativeQuery("INSERT INTO feedback_label (label_id, project_id, prediction_id, "
                        + "target_kind, target_id, label, start_time, end_time, reason, labelled_by, labelled_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .setParameter(1, l.labelId()).setParameter(2, l.project().value()).setParameter(3, l.predictionId())
                .setParameter(4, l.targetKind()).setParameter(5, l.targetId()).setParameter(6, l.label().wireName())
                .setParameter(7, Jpa.ts(l.start())).setParameter(8, Jpa.ts(l.end())).setParameter(9, l.reason())
                .setParameter(10, l.labelledBy()).setParameter(11, Jpa.ts(l.labelledAt())).executeUpdate();
    }

    @Override
    public List<FeedbackLabel> labels(ProjectId project) {
        return jpa.read(em -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT label_id, prediction_id, target_kind, target_id, label, "
                    + "start_time, end_time, reason, labelled_by, labelled_at FROM feedback_label WHERE project_id = ? "
                    + "ORDER BY labelled_at, label_id").setParameter(1, project.value()).getResultList();
            return rows.stream().map(r -> new FeedbackLabel((String) r[0], project, (String) r[1], (String) r[2],
                    (String) r[3], FeedbackLabel.Label.of((String) r[4]).orElseThrow(), Jpa.instant(r[5]), Jpa.instant(r[6]),
                    (String) r[7], (String) r[8], Jpa.instant(r[9]))).toList();
        });
    }

    @Override
    public List<ScoredPrediction> predictions(ProjectId project, String model, Instant from, Instant to, After after,
                                              int limit) {
        return jpa.read(em -> {
            var query = em.createQuery("SELECT p.predictionId, p.targetEntity, p.targetId, p.modelName, p.modelVersion, "
                    + "p.risk, p.observedAt, r.runId, r.executedAt, r.inputJson FROM PredictionEntity p, "
                    + "ModelRunEntity r WHERE r.runId = p.modelRunId AND p.projectId = :p"
                    + (model == null ? "" : " AND p.modelName = :m")
                    + (from == null ? "" : " AND p.observedAt >= :f") + (to == null ? "" : " AND p.observedAt <= :u")
                    + (after == null ? "" : " AND (p.observedAt > :at OR (p.observedAt = :at AND r.runId > :id))")
                    + " ORDER BY p.observedAt, r.runId", Object[].class).setParameter("p", project.value())
                    .setMaxResults(limit);
            bindRange(query, model, from, to);
            if (after != null) {
                query.setParameter("at", Jpa.ts(after.time())).setParameter("id", after.runId());
            }
            return query.getResultList().stream().map(r -> new ScoredPrediction((String) r[0], (String) r[1],
                    (String) r[2], (String) r[3], (String) r[4], ((Number) r[5]).doubleValue(), Jpa.instant(r[6]),
                    (String) r[7], Jpa.instant(r[8]), (String) r[9])).toList();
        });
    }

    /** Binds what the query names of {@code :m} (the model), {@code :f} and {@code :u} (the time range): null ones are left out of its text. */
    private static void bindRange(jakarta.persistence.Query query, String model, Instant from, Instant to) {
        if (model != null) {
            query.setParameter("m", model);
        }
        if (from != null) {
            query.setParameter("f", Jpa.ts(from));
        }
        if (to != null) {
            query.setParameter("u", Jpa.ts(to));
        }
    }

    @Override
    public Map<String, String> predictionsOfRuns(ProjectId project, String model, Instant from, Instant to,
                                                 Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        return jpa.read(em -> {
            var query = em.createQuery("SELECT p.modelRunId, p.predictionId FROM PredictionEntity p "
                    + "WHERE p.projectId = :p AND p.modelRunId IN :runs"
                    + (model == null ? "" : " AND p.modelName = :m")
                    + (from == null ? "" : " AND p.observedAt >= :f") + (to == null ? "" : " AND p.observedAt <= :u"),
                    Object[].class).setParameter("p", project.value()).setParameter("runs", List.copyOf(runIds));
            bindRange(query, model, from, to);
            Map<String, String> out = new HashMap<>();
            query.getResultList().forEach(r -> out.put((String) r[0], (String) r[1]));
            return out;
        });
    }

    @Override
    public List<Decision> decisions(ProjectId project) {
        return jpa.read(em -> em.createQuery("SELECT a.predictionId, a.decision, a.outcome, a.reason, a.decidedAt "
                        + "FROM ActionEntity a WHERE a.projectId = :p AND a.predictionId IS NOT NULL "
                        + "ORDER BY a.decidedAt, a.actionId", Object[].class).setParameter("p", project.value())
                .getResultList().stream().map(r -> new Decision((String) r[0], (String) r[1], (String) r[2],
                        (String) r[3], Jpa.instant(r[4]))).toList());
    }

    @Override
    public List<StoredRun> runs(ProjectId project, String targetKind, String targetId, Instant from, Instant to,
                                String model, After after, int limit) {
        return jpa.read(em -> {
            var query = em.createQuery("SELECT r.runId, r.targetKind, r.targetId, m.name, m.version, r.executedAt, "
                    + "r.inputJson, r.outputJson FROM ModelRunEntity r, ModelEntity m WHERE m.modelId = r.modelId "
                    + "AND r.projectId = :p AND r.targetId = :t AND r.targetKind = :k AND r.executedAt >= :f "
                    + "AND r.executedAt <= :u" + (model == null ? "" : " AND m.name = :m")
                    + (after == null ? "" : " AND (r.executedAt > :at OR (r.executedAt = :at AND r.runId > :id))")
                    + " ORDER BY r.executedAt, r.runId", Object[].class)
                    .setParameter("p", project.value()).setParameter("t", targetId).setParameter("k", targetKind)
                    .setParameter("f", Jpa.ts(from)).setParameter("u", Jpa.ts(to)).setMaxResults(limit);
            if (model != null) {
                query.setParameter("m", model);
            }
            if (after != null) {
                query.setParameter("at", Jpa.ts(after.time())).setParameter("id", after.runId());
            }
            return query.getResultList().stream().map(r -> new StoredRun((String) r[0], (String) r[1], (String) r[2],
                    (String) r[3], (String) r[4], Jpa.instant(r[5]), (String) r[6], (String) r[7])).toList();
        });
    }

    @Override
    public List<StoredRun> runs(ProjectId project, Instant from, Instant to, String model) {
        return jpa.read(em -> em.createQuery("SELECT r.runId, r.targetKind, r.targetId, m.name, m.version, "
                        + "r.executedAt, r.inputJson, r.outputJson FROM ModelRunEntity r, ModelEntity m "
                        + "WHERE m.modelId = r.modelId AND r.projectId = :p AND r.executedAt >= :f "
                        + "AND r.executedAt <= :u AND m.name = :m "
                        + "ORDER BY r.targetKind, r.targetId, r.executedAt, r.runId", Object[].class)
                .setParameter("p", project.value()).setParameter("f", Jpa.ts(from)).setParameter("u", Jpa.ts(to))
                .setParameter("m", model).getResultList().stream().map(r -> new StoredRun((String) r[0],
                        (String) r[1], (String) r[2], (String) r[3], (String) r[4], Jpa.instant(r[5]), (String) r[6],
                        (String) r[7])).toList());
    }
}
