package io.commandcenter.hub.learning.sql;

import io.commandcenter.hub.learning.ShadowGates;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.ShadowScoring;
import io.commandcenter.hub.project.ProjectId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The shadow gate's tables ({@code shadow_gate}, {@code shadow_prediction}: migration V12). */
public final class JpaShadowGates implements ShadowGates {
    private static final int MAX_TEXT = 1024;
    private static final String GATE_COLUMNS = "project_id, model_name, model_version, state, start_time, end_time, "
            + "holdout_reason, verdict, decided_at";
    private final Jpa jpa;

    public JpaShadowGates(Database database) {
        this.jpa = new Jpa(database.entityManagerFactory());
    }

    @Override
    public void open(Gate g) {
        try {
            jpa.write(em -> em.createNativeQuery("INSERT INTO shadow_gate (" + GATE_COLUMNS
                            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .setParameter(1, g.project().value()).setParameter(2, g.model()).setParameter(3, g.version())
                    .setParameter(4, g.state().wireName()).setParameter(5, Jpa.ts(g.start()))
                    .setParameter(6, Jpa.ts(g.end())).setParameter(7, cut(g.holdoutReason()))
                    .setParameter(8, cut(g.verdict())).setParameter(9, g.decidedAt() == null ? null : Jpa.ts(g.decidedAt()))
                    .executeUpdate());
        } catch (RuntimeException e) {
            if (!Jpa.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    @Override
    public List<Gate> pending() {
        return jpa.read(em -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT " + GATE_COLUMNS + " FROM shadow_gate WHERE state = ? "
                    + "ORDER BY end_time, project_id, model_name, model_version")
                    .setParameter(1, State.PENDING.wireName()).getResultList();
            return rows.stream().map(JpaShadowGates::gate).toList();
        });
    }

    @Override
    public List<Gate> gates(ProjectId project, String model) {
        return jpa.read(em -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT " + GATE_COLUMNS + " FROM shadow_gate "
                    + "WHERE project_id = ? AND model_name = ? ORDER BY start_time DESC, model_version DESC")
                    .setParameter(1, project.value()).setParameter(2, model).getResultList();
            return rows.stream().map(JpaShadowGates::gate).toList();
        });
    }

    @Override
    public boolean decide(ProjectId project, String model, String version, State state, String verdict, Instant at) {
        int changed = jpa.write(em -> em.createNativeQuery("UPDATE shadow_gate SET state = ?, verdict = ?, "
                        + "decided_at = ? WHERE project_id = ? AND model_name = ? AND model_version = ? AND state = ?")
                .setParameter(1, state.wireName()).setParameter(2, cut(verdict)).setParameter(3, Jpa.ts(at))
                .setParameter(4, project.value()).setParameter(5, model).setParameter(6, version)
                .setParameter(7, State.PENDING.wireName()).executeUpdate());
        return changed == 1;
    }

    @Override
    public boolean overturn(ProjectId project, String model, String version, String verdict, Instant at) {
        int changed = jpa.write(em -> em.createNativeQuery("UPDATE shadow_gate SET state = ?, verdict = ?, "
                        + "decided_at = ? WHERE project_id = ? AND model_name = ? AND model_version = ? AND state = ?")
                .setParameter(1, State.REFUSED.wireName()).setParameter(2, cut(verdict)).setParameter(3, Jpa.ts(at))
                .setParameter(4, project.value()).setParameter(5, model).setParameter(6, version)
                .setParameter(7, State.PROMOTED.wireName()).executeUpdate());
        return changed == 1;
    }

    @Override
    public void saveWouldBe(ProjectId project, List<ShadowScoring.WouldBe> rows) {
        // the batch in one transaction; a row another hub stored first (same id) is skipped. One it stores at the same
        // instant is refused by the key: the batch is then written again one row a transaction, so that row alone
        // is refused and the batch's other rows are kept
        try {
            jpa.write(em -> {
                rows.forEach(w -> insert(em, project, w));
                return null;
            });
        } catch (RuntimeException e) {
            if (!Jpa.isUniqueViolation(e)) {
                throw e;
            }
            for (ShadowScoring.WouldBe w : rows) {
                try {
                    jpa.write(em -> insert(em, project, w));
                } catch (RuntimeException one) {
                    if (!Jpa.isUniqueViolation(one)) {
                        throw one;
                    }
                }
            }
        }
    }

    private static int insert(jakarta.persistence.EntityManager em, ProjectId project, ShadowScoring.WouldBe w) {
        String id = id(project, w);
        return em.createNativeQuery("INSERT INTO shadow_prediction (shadow_prediction_id, project_id, "
                        + "model_name, model_version, target_kind, target_id, risk, threshold, observed_at) "
                        + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS "
                        + "(SELECT 1 FROM shadow_prediction WHERE shadow_prediction_id = ?)")
                .setParameter(1, id).setParameter(10, id).setParameter(2, project.value())
                .setParameter(3, w.model()).setParameter(4, w.version()).setParameter(5, w.entity().kind())
                .setParameter(6, w.entity().id()).setParameter(7, w.risk()).setParameter(8, w.threshold())
                .setParameter(9, Jpa.ts(w.observedAt())).executeUpdate();
    }

    /**
     * A would-be prediction's id: a name-based UUID of what it is (project, model, version, entity, time), so
     * every hub that scored the same sample makes the same id and the row is stored once.
     */
    static String id(ProjectId project, ShadowScoring.WouldBe w) {
        String name = String.join("\u0000", project.value(), w.model(), w.version(), w.entity().kind(),
                w.entity().id(), Long.toString(w.observedAt().getEpochSecond()), Integer.toString(w.observedAt().getNano()));
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Override
    public int deleteWouldBe(Instant before) {
        return jpa.write(em -> em.createNativeQuery("DELETE FROM shadow_prediction WHERE observed_at < ?")
                .setParameter(1, Jpa.ts(before)).executeUpdate());
    }

    @Override
    public List<ShadowScoring.WouldBe> wouldBe(ProjectId project, String model, String version, Instant from,
                                              Instant to) {
        return jpa.read(em -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT target_kind, target_id, risk, threshold, observed_at "
                    + "FROM shadow_prediction WHERE project_id = ? AND model_name = ? AND model_version = ? "
                    + "AND observed_at >= ? AND observed_at <= ? ORDER BY observed_at, shadow_prediction_id")
                    .setParameter(1, project.value()).setParameter(2, model).setParameter(3, version)
                    .setParameter(4, Jpa.ts(from)).setParameter(5, Jpa.ts(to)).getResultList();
            return rows.stream().map(r -> new ShadowScoring.WouldBe(new EntityKey(project, (String) r[0], (String) r[1]),
                    model, version, ((Number) r[2]).doubleValue(), ((Number) r[3]).doubleValue(), Jpa.instant(r[4])))
                    .toList();
        });
    }

    private static Gate gate(Object[] r) {
        return new Gate(ProjectId.of((String) r[0]), (String) r[1], (String) r[2], State.of((String) r[3]),
                Jpa.instant(r[4]), Jpa.instant(r[5]), (String) r[6], (String) r[7], r[8] == null ? null : Jpa.instant(r[8]));
    }

    private static String cut(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }
}
