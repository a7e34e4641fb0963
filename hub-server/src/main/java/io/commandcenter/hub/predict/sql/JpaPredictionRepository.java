package io.commandcenter.hub.predict.sql;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.PredictionRepository;
import io.commandcenter.hub.predict.RunJson;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import jakarta.persistence.TypedQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Predictions and model runs in SQL, through JPA. */
public final class JpaPredictionRepository implements PredictionRepository {

    private final Jpa jpa;

    public JpaPredictionRepository(Database database) {
        this.jpa = new Jpa(database.entityManagerFactory());
    }

    @Override
    public void save(PredictionRecord p, ModelRun run) {
        jpa.write(em -> {
            em.persist(entity(run));
            PredictionEntity row = new PredictionEntity(p.id(), p.project().value(), p.targetKind(), p.targetId(),
                    p.type(), p.risk(), p.confidence().value(), write(RunJson.confidence(p.confidence())),
                    p.recommendedAction(), write(RunJson.factors(p.factors())), p.modelName(), p.modelVersion(),
                    p.threshold(), p.traceId(), p.modelRunId(), Jpa.ts(p.observedAt()), Jpa.ts(p.createdAt()));
            row.setMemoryJson(MemoryJson.write(p.similar(), p.recommendationNote()));
            em.persist(row);
            return null;
        });
    }

    @Override
    public void saveRuns(List<ModelRun> runs) {
        jpa.write(em -> {
            runs.forEach(r -> em.persist(entity(r)));
            return null;
        });
    }

    @Override
    public List<PredictionRecord> list(ProjectId project, Query q) {
        StringBuilder jpql = new StringBuilder("SELECT p FROM PredictionEntity p WHERE p.projectId = :project");
        if (q.targetId() != null) {
            jpql.append(" AND p.targetId = :target");
        }
        if (q.targetKind() != null) {
            jpql.append(" AND p.targetEntity = :kind");
        }
        if (q.model() != null) {
            jpql.append(" AND p.modelName = :model");
        }
        if (q.start() != null) {
            jpql.append(" AND p.createdAt >= :start");
        }
        if (q.end() != null) {
            jpql.append(" AND p.createdAt < :end");
        }
        if (q.afterTime() != null) {
            jpql.append(" AND (p.createdAt < :afterTime OR (p.createdAt = :afterTime AND p.predictionId < :afterId))");
        }
        // the project leads the order (fixed by the filter): H2 then reads ix_prediction_time in order (see SqlTelemetryStore)
        jpql.append(" ORDER BY p.projectId DESC, p.createdAt DESC, p.predictionId DESC");
        return jpa.read(em -> {
            TypedQuery<PredictionEntity> query = em.createQuery(jpql.toString(), PredictionEntity.class)
                    .setParameter("project", project.value()).setMaxResults(q.limit() + 1);
            if (q.targetId() != null) {
                query.setParameter("target", q.targetId());
            }
            if (q.targetKind() != null) {
                query.setParameter("kind", q.targetKind());
            }
            if (q.model() != null) {
                query.setParameter("model", q.model());
            }
            if (q.start() != null) {
                query.setParameter("start", Jpa.ts(q.start()));
            }
            if (q.end() != null) {
                query.setParameter("end", Jpa.ts(q.end()));
            }
            if (q.afterTime() != null) {
                query.setParameter("afterTime", Jpa.ts(q.afterTime())).setParameter("afterId", q.afterId());
            }
            List<PredictionRecord> out = new ArrayList<>();
            query.getResultList().forEach(e -> out.add(record(e)));
            return out;
        });
    }

    @Override
    public Optional<PredictionRecord> get(ProjectId project, String predictionId) {
        return jpa.read(em -> Optional.ofNullable(em.find(PredictionEntity.class, predictionId))
                .filter(e -> e.getProjectId().equals(project.value()))
                .map(JpaPredictionRepository::record));
    }

    @Override
    public List<ModelRun> listRuns(ProjectId project, RunQuery q) {
        StringBuilder jpql = new StringBuilder("SELECT r FROM ModelRunEntity r WHERE r.projectId = :project");
        Map<String, Object> parameters = new java.util.LinkedHashMap<>();
        parameters.put("project", project.value());
        if (q.targetId() != null) {
            jpql.append(" AND r.targetId = :target");
            parameters.put("target", q.targetId());
        }
        if (q.kind() != null) {
            jpql.append(" AND r.runKind = :kind");
            parameters.put("kind", q.kind().name());
        }
        if (q.start() != null) {
            jpql.append(" AND r.executedAt >= :start");
            parameters.put("start", Jpa.ts(q.start()));
        }
        if (q.end() != null) {
            jpql.append(" AND r.executedAt < :end");
            parameters.put("end", Jpa.ts(q.end()));
        }
        if (q.afterTime() != null) {
            // the first term bounds the index range where the page starts; the second picks the rows after the cursor
            jpql.append(" AND r.executedAt <= :afterTime"
                    + " AND (r.executedAt < :afterTime OR (r.executedAt = :afterTime AND r.runId < :afterId))");
            parameters.put("afterTime", Jpa.ts(q.afterTime()));
            parameters.put("afterId", q.afterId());
        }
        // the columns the filter fixes lead the order, so H2 reads ix_model_run_page (project, time, id) or, for
        // one target, ix_model_run_target_page (project, target, time, id) in order and stops after the page,
        // instead of sorting every row of the project (as listPredictions)
        jpql.append(q.targetId() != null ? " ORDER BY r.projectId DESC, r.targetId DESC, r.executedAt DESC, r.runId DESC"
                : " ORDER BY r.projectId DESC, r.executedAt DESC, r.runId DESC");
        return jpa.read(em -> {
            TypedQuery<ModelRunEntity> query = em.createQuery(jpql.toString(), ModelRunEntity.class)
                    .setMaxResults(q.limit() + 1);
            parameters.forEach(query::setParameter);
            return query.getResultList().stream().map(JpaPredictionRepository::run).toList();
        });
    }

    @Override
    public Optional<ModelRun> getRun(ProjectId project, String runId) {
        return jpa.read(em -> Optional.ofNullable(em.find(ModelRunEntity.class, runId))
                .filter(e -> e.getProjectId().equals(project.value()))
                .map(JpaPredictionRepository::run));
    }

    private static ModelRun run(ModelRunEntity e) {
        return new ModelRun(e.getRunId(), ProjectId.of(e.getProjectId()), e.getModelId(), e.getTargetKind(),
                e.getTargetId(), ModelRun.Kind.valueOf(e.getRunKind()), e.getRuns(), e.getInputJson(), e.getOutputJson(),
                e.getConfidence(), Jpa.instant(e.getExecutedAt()));
    }

    private static ModelRunEntity entity(ModelRun r) {
        return new ModelRunEntity(r.runId(), r.project().value(), r.modelId(), r.targetKind(), r.targetId(),
                r.kind().name(), r.runs(), r.inputJson(), r.outputJson(), r.confidence(), Jpa.ts(r.executedAt()));
    }

    private static PredictionRecord record(PredictionEntity e) {
        List<Factor> parsed = new ArrayList<>();
        Confidence confidence;
        try {
            Map<String, Object> terms = Json.parseObject(e.getConfidenceTermsJson());
            for (Object item : (List<?>) Json.parse(e.getFactorsJson())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> f = (Map<String, Object>) item;
                parsed.add(new Factor(Json.string(f, "feature"), Json.string(f, "metric"),
                        Json.number(f, "value").floatValue(), Json.number(f, "reference").floatValue(),
                        Json.number(f, "contribution").doubleValue()));
            }
            confidence = new Confidence(e.getConfidence(), Json.number(terms, "calibration").doubleValue(),
                    Json.number(terms, "amount").doubleValue(), Json.number(terms, "freshness").doubleValue(),
                    Json.number(terms, "agreement").doubleValue());
        } catch (JsonException | ClassCastException bad) {
            throw new IllegalStateException("unreadable stored prediction " + e.getPredictionId() + ": "
                    + bad.getMessage(), bad);
        }
        MemoryJson.Advice advice = MemoryJson.read(e.getMemoryJson());
        return new PredictionRecord(e.getPredictionId(), ProjectId.of(e.getProjectId()), e.getTargetEntity(),
                e.getTargetId(), e.getPredictionType(), e.getRisk(), confidence, e.getRecommendedAction(), parsed,
                e.getModelName(), e.getModelVersion(), e.getThreshold(), e.getTraceId(), e.getModelRunId(),
                Jpa.instant(e.getObservedAt()), Jpa.instant(e.getCreatedAt()), advice.similar(), advice.note());
    }

    private static String write(Object value) {
        return Json.write(value);
    }
}
