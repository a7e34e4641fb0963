package io.commandcenter.hub.predict;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the registry keeps model rows and champion history. Implementation: {@code JpaModelRepository}. */
public interface ModelRepository {

    /**
     * A model row: what the database knows of a registered version.
     *
     * @param sidecarSha256 SHA-256 of the version's sidecar as {@code SidecarJson} writes it; empty for a version
     *                      registered before the hub told sidecars apart (migration V13)
     */
    record Row(String modelId, ProjectId project, String name, String version, String type, String path,
               String onnxSha256, double threshold, String metricsJson, Instant createdAt, String sidecarSha256) {
        public Row {
            sidecarSha256 = sidecarSha256 == null ? "" : sidecarSha256;
        }

        /** The content the version is loaded and kept under: {@link ModelRegistry#content(String, String)}. */
        public String content() {
            return ModelRegistry.content(onnxSha256, sidecarSha256);
        }
    }

    /** A champion of some name in some project. */
    record Champion(ProjectId project, String name, String version, String modelId) {
    }

    /** A version's files, kept in the database so that every hub sharing it can load the version. */
    record StoredArtifact(String type, byte[] onnx, String sidecarJson) {
    }

    /** A promotion to make together with a registration. */
    record Promotion(Instant at, String promotedBy, String reason) {
    }

    /**
     * Inserts a model row and, when {@code promotion} is given, makes it the champion, in one
     * transaction: both happen or neither.
     */
    void insert(Row row, Promotion promotion);

    default void insert(Row row) {
        insert(row, null);
    }

    /**
     * Keeps a version's artifact unless one with the same content is kept already (another hub
     * storing it at the same moment is fine). Versions are per project, so a name and version may
     * be kept with several contents.
     */
    /**
     * Keeps a version's files under its content ({@link Row#content()}: the ONNX bytes' SHA-256, then
     * {@code :} and the sidecar's, or the ONNX bytes' alone for a version registered before V13).
     */
    void saveArtifact(String name, String version, String content, StoredArtifact artifact);

    /** A version's files kept under its content (as {@link #saveArtifact}). */
    Optional<StoredArtifact> findArtifact(String name, String version, String content);

    Optional<Row> find(ProjectId project, String name, String version);

    /** The project's versions, optionally of one name. */
    List<Row> list(ProjectId project, String name);

    /** Whether the project has any model. */
    boolean hasModels(ProjectId project);

    /** Current champions of every project (to restore the routing at start). */
    List<Champion> currentChampions();

    /** The champion periods of a name, newest first. */
    List<ChampionPeriod> championHistory(ProjectId project, String name);

    /**
     * Makes a version the champion, in one transaction: ends the current period (if any) and
     * starts a new one.
     */
    void promote(ProjectId project, Row model, Instant at, String promotedBy, String reason);

    /**
     * Like {@link #promote}, but only while {@code expected} is the name's open champion, checked in the
     * promotion's own transaction (a rollback chose its target from it).
     *
     * @throws CommandCenterException PRECONDITION (CHAMPION_CHANGED) when another version is the champion
     *         now (another hub promoted meanwhile): nothing is changed
     */
    default void promoteIfCurrent(ProjectId project, Row model, Instant at, String promotedBy, String reason,
                                  String expected) {
        // one hub's repository: the registry's lock makes this check and the promotion one step
        String current = championHistory(project, model.name()).stream().filter(p -> p.end() == null)
                .map(ChampionPeriod::version).findFirst().orElse(null);
        if (!expected.equals(current)) {
            throw championChanged(model.name(), expected, current);
        }
        promote(project, model, at, promotedBy, reason);
    }

    /** The refusal of {@link #promoteIfCurrent} when {@code current} is not {@code expected}. */
    static CommandCenterException championChanged(String name, String expected, String current) {
        return new CommandCenterException(ErrorKind.PRECONDITION, "CHAMPION_CHANGED", "the champion of model "
                + name + " is " + (current == null ? "none" : current) + " now, not " + expected
                + " (promoted meanwhile): nothing rolled back; look at its history and roll back again if meant");
    }
}
