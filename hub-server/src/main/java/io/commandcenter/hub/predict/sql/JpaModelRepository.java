package io.commandcenter.hub.predict.sql;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.predict.ChampionPeriod;
import io.commandcenter.hub.predict.ModelRepository;
import io.commandcenter.hub.project.ProjectId;

import jakarta.persistence.PersistenceException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The model registry's rows in SQL, through JPA.
 *
 * <p>A promotion ends its name's open champion period and opens the next one in one transaction that
 * first locks the name's row in {@code model_champion_lock} ({@code SELECT ... FOR UPDATE}, honoured by
 * H2 and PostgreSQL alike; migration V15). Two promotions of one (project, name) at once, on one hub or
 * on two hubs sharing the database, therefore take turns: the second reads the open period the first
 * committed and ends it, so a name has at most one open period.
 */
public final class JpaModelRepository implements ModelRepository {
    /** How long a promotion waits for another promotion of its name on PostgreSQL (H2: its LOCK_TIMEOUT). */
    static final String LOCK_TIMEOUT = "5s";
    /** A lock not had in time: H2 HYT00, PostgreSQL 55P03 (lock_not_available). */
    private static final Set<String> LOCK_NOT_HAD = Set.of("HYT00", "55P03");

    private final Jpa jpa;
    private final DatabaseSettings.Vendor vendor;

    public JpaModelRepository(Database database) {
        this.jpa = new Jpa(database.entityManagerFactory());
        this.vendor = database.vendor();
    }

    @Override
    public void insert(Row row, Promotion promotion) {
        if (promotion != null) {
            ensureChampionLock(row.project(), row.name());
        }
        jpa.write(em -> {
            em.persist(new ModelEntity(row.modelId(), row.project().value(), row.name(), row.version(), row.type(),
                    row.path(), row.onnxSha256(), row.threshold(), row.metricsJson(), Jpa.ts(row.createdAt()),
                    row.sidecarSha256()));
            if (promotion != null) {
                em.flush(); // the champion row refers to the model row
                promote(em, row.project(), row, promotion.at(), promotion.promotedBy(), promotion.reason(), null);
            }
            return null;
        });
    }

    @Override
    public Optional<Row> find(ProjectId project, String name, String version) {
        return jpa.read(em -> em.createQuery("SELECT m FROM ModelEntity m WHERE m.projectId = :p AND m.name = :n "
                        + "AND m.version = :v", ModelEntity.class)
                .setParameter("p", project.value()).setParameter("n", name).setParameter("v", version)
                .getResultStream().findFirst().map(JpaModelRepository::row));
    }

    @Override
    public List<Row> list(ProjectId project, String name) {
        return jpa.read(em -> (name == null || name.isEmpty()
                ? em.createQuery("SELECT m FROM ModelEntity m WHERE m.projectId = :p ORDER BY m.name, m.createdAt DESC",
                ModelEntity.class).setParameter("p", project.value())
                : em.createQuery("SELECT m FROM ModelEntity m WHERE m.projectId = :p AND m.name = :n "
                + "ORDER BY m.createdAt DESC", ModelEntity.class).setParameter("p", project.value()).setParameter("n", name))
                .getResultList().stream().map(JpaModelRepository::row).toList());
    }

    @Override
    public void saveArtifact(String name, String version, String content, StoredArtifact artifact) {
        String onnxSha256 = bytesOf(content);
        String sidecarSha256 = sidecarOf(content);
        long kept = jpa.read(em -> ((Number) em.createNativeQuery("SELECT COUNT(*) FROM model_artifact "
                + "WHERE name = ? AND version = ? AND onnx_sha256 = ? AND sidecar_sha256 = ?").setParameter(1, name)
                .setParameter(2, version).setParameter(3, onnxSha256).setParameter(4, sidecarSha256)
                .getSingleResult()).longValue());
        if (kept > 0) {
            return;
        }
        try {
            jpa.write(em -> em.createNativeQuery("INSERT INTO model_artifact (name, version, onnx_sha256, model_type, "
                            + "onnx, sidecar_json, sidecar_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .setParameter(1, name).setParameter(2, version).setParameter(3, onnxSha256)
                    .setParameter(4, artifact.type()).setParameter(5, artifact.onnx())
                    .setParameter(6, artifact.sidecarJson()).setParameter(7, sidecarSha256).executeUpdate());
        } catch (CommandCenterException e) {
            if (!Jpa.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    @Override
    public Optional<StoredArtifact> findArtifact(String name, String version, String content) {
        return jpa.read(em -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT model_type, onnx, sidecar_json FROM model_artifact "
                    + "WHERE name = ? AND version = ? AND onnx_sha256 = ? AND sidecar_sha256 = ?").setParameter(1, name)
                    .setParameter(2, version).setParameter(3, bytesOf(content)).setParameter(4, sidecarOf(content))
                    .getResultList();
            return rows.stream().findFirst().map(r -> new StoredArtifact((String) r[0], (byte[]) r[1], (String) r[2]));
        });
    }

    /** The ONNX bytes' hash of a content ({@code ModelRegistry.content}). */
    private static String bytesOf(String content) {
        int colon = content.indexOf(':');
        return colon < 0 ? content : content.substring(0, colon);
    }

    /** The sidecar's hash of a content; empty (as artifacts kept before V13) when it has none. */
    private static String sidecarOf(String content) {
        int colon = content.indexOf(':');
        return colon < 0 ? "" : content.substring(colon + 1);
    }

    @Override
    public boolean hasModels(ProjectId project) {
        return jpa.read(em -> em.createQuery("SELECT COUNT(m) FROM ModelEntity m WHERE m.projectId = :p", Long.class)
                .setParameter("p", project.value()).getSingleResult() > 0);
    }

    @Override
    public List<Champion> currentChampions() {
        return jpa.read(em -> em.createQuery("SELECT c FROM ModelChampionEntity c WHERE c.endTime IS NULL",
                        ModelChampionEntity.class).getResultList().stream()
                .map(c -> new Champion(ProjectId.of(c.getProjectId()), c.getName(), c.getVersion(), c.getModelId()))
                .toList());
    }

    @Override
    public List<ChampionPeriod> championHistory(ProjectId project, String name) {
        return jpa.read(em -> em.createQuery("SELECT c FROM ModelChampionEntity c WHERE c.projectId = :p AND c.name = :n "
                        + "ORDER BY c.startTime DESC", ModelChampionEntity.class)
                .setParameter("p", project.value()).setParameter("n", name).getResultList().stream()
                .map(c -> new ChampionPeriod(c.getVersion(), c.getModelId(), Jpa.instant(c.getStartTime()),
                        Jpa.instant(c.getEndTime()), c.getPromotedBy(), c.getReason()))
                .toList());
    }

    @Override
    public void promote(ProjectId project, Row model, Instant at, String promotedBy, String reason) {
        promoteIfCurrent(project, model, at, promotedBy, reason, null);
    }

    /**
     * {@inheritDoc} The check reads the open period under the name's lock, in the promotion's transaction;
     * {@code expected} null: no check ({@link #promote}).
     */
    @Override
    public void promoteIfCurrent(ProjectId project, Row model, Instant at, String promotedBy, String reason,
                                 String expected) {
        ensureChampionLock(project, model.name());
        jpa.write(em -> {
            promote(em, project, model, at, promotedBy, reason, expected);
            return null;
        });
    }

    /**
     * Makes sure the (project, name) row of {@code model_champion_lock} exists, in a transaction of its
     * own: rows are never deleted, so the promotion's transaction always finds one to lock. Two hubs
     * inserting it at once: the second's unique violation means it is there.
     */
    private void ensureChampionLock(ProjectId project, String name) {
        long present = jpa.read(em -> ((Number) em.createNativeQuery("SELECT COUNT(*) FROM model_champion_lock "
                + "WHERE project_id = ? AND name = ?").setParameter(1, project.value()).setParameter(2, name)
                .getSingleResult()).longValue());
        if (present > 0) {
            return;
        }
        try {
            jpa.write(em -> em.createNativeQuery("INSERT INTO model_champion_lock (project_id, name) VALUES (?, ?)")
                    .setParameter(1, project.value()).setParameter(2, name).executeUpdate());
        } catch (CommandCenterException e) {
            if (!Jpa.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    /**
     * Locks the name's {@code model_champion_lock} row until the transaction ends, on the transaction's own
     * connection (unwrapping it begins the database transaction, so the reads that follow use it too):
     * taken before the open period is read, so promotions of one name take turns. A promotion waits
     * {@link #LOCK_TIMEOUT} at most on PostgreSQL (H2: its LOCK_TIMEOUT), then fails CONTENTION
     * {@code PROMOTION_IN_PROGRESS} with nothing changed.
     */
    private void lockChampion(jakarta.persistence.EntityManager em, ProjectId project, String name) {
        Connection connection = em.unwrap(Connection.class);
        try {
            if (vendor == DatabaseSettings.Vendor.POSTGRESQL) {
                // PostgreSQL waits for a lock forever by default, here while the registry's monitor is held
                try (Statement s = connection.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                }
            }
            try (PreparedStatement s = connection.prepareStatement(
                    "SELECT name FROM model_champion_lock WHERE project_id = ? AND name = ? FOR UPDATE")) {
                s.setString(1, project.value());
                s.setString(2, name);
                try (ResultSet row = s.executeQuery()) {
                    if (!row.next()) {
                        throw new PersistenceException("no model_champion_lock row for " + project.value() + "/"
                                + name);
                    }
                }
            }
        } catch (SQLException e) {
            if (LOCK_NOT_HAD.contains(e.getSQLState())) {
                throw promotionInProgress(project, name, e);
            }
            throw new PersistenceException("cannot lock the champion of " + project.value() + "/" + name + ": "
                    + e.getMessage(), e);
        }
    }

    /** The refusal of a promotion that did not get its name's lock in time. */
    static CommandCenterException promotionInProgress(ProjectId project, String name, SQLException cause) {
        return new CommandCenterException(ErrorKind.CONTENTION, "PROMOTION_IN_PROGRESS", "a promotion of model "
                + name + " in project " + project.value() + " is in progress (its lock was not had in time): "
                + "nothing changed; retry", java.util.Map.of(), List.of(), cause);
    }

    private void promote(jakarta.persistence.EntityManager em, ProjectId project, Row model, Instant at,
                         String promotedBy, String reason, String expected) {
            lockChampion(em, project, model.name());
            List<ModelChampionEntity> open = em.createQuery("SELECT c FROM ModelChampionEntity c WHERE "
                            + "c.projectId = :p AND c.name = :n AND c.endTime IS NULL", ModelChampionEntity.class)
                    .setParameter("p", project.value()).setParameter("n", model.name()).getResultList();
            if (expected != null) {
                String current = open.isEmpty() ? null : open.get(0).getVersion();
                if (!expected.equals(current)) {
                    throw ModelRepository.championChanged(model.name(), expected, current);
                }
            }
            for (ModelChampionEntity current : open) {
                current.end(Jpa.ts(at));
            }
            em.persist(new ModelChampionEntity(UUID.randomUUID().toString(), project.value(), model.name(),
                    model.version(), model.modelId(), Jpa.ts(at), promotedBy, reason));
    }

    private static Row row(ModelEntity m) {
        return new Row(m.getModelId(), ProjectId.of(m.getProjectId()), m.getName(), m.getVersion(), m.getType(),
                m.getPath(), m.getOnnxSha256(), m.getThreshold(), m.getMetricsJson(), Jpa.instant(m.getCreatedAt()),
                m.getSidecarSha256());
    }
}
