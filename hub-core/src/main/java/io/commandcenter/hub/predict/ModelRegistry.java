package io.commandcenter.hub.predict;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.inference.ChampionRouter;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.explain.ExplainabilityValidator;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.artifact.ModelType;
import io.commandcenter.models.artifact.SidecarJson;
import io.commandcenter.models.bootstrap.BootstrapModels;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The model registry of every project: versions (per project and immutable: in a project a name and
 * version always mean the same ONNX bytes; another project's same version may be another model, and
 * is loaded beside it under its content hash), one champion per name and project with its history,
 * the artifacts under the models directory ({@code <dir>/<type>/<name>-<version>.onnx} + sidecar,
 * another content of the same version under {@code <dir>/by-content/<sha prefix>/}),
 * and the routing that live scoring uses. A project gets the bootstrap models (service_health,
 * compliance_risk, workflow_failure) the first time it needs a model.
 *
 * <p>Registration validates before anything is stored: the ONNX must load against its declared
 * features, and explain (some feature must move its score). Every registration and promotion is an
 * entry of the audit ledger ({@code MODEL_REGISTERED}, {@code MODEL_PROMOTED}).
 */
public final class ModelRegistry {
    private static final SidecarJson SIDECAR = new SidecarJson();
    private static final System.Logger LOG = System.getLogger(ModelRegistry.class.getName());

    private final ModelRepository repository;
    private final InferenceBackend backend;
    private final ModelStore store;
    private final BootstrapModels bootstrap;
    private final AuditTrail audit;
    private final Clock clock;
    private final ExplainabilityValidator validator;
    private final Map<ProjectId, ChampionRouter> routers = new ConcurrentHashMap<>();
    private final Map<ModelKey, ModelMetadata> metadata = new ConcurrentHashMap<>();
    private final Map<ProjectId, Boolean> bootstrapped = new ConcurrentHashMap<>();
    private final java.util.Set<String> unrestorable = ConcurrentHashMap.newKeySet();
    private final Map<String, String> modelIds = new ConcurrentHashMap<>();

    /** What a registration did. */
    public record Registration(RegisteredModel model, List<String> warnings) {
    }

    /** What a promotion did. */
    public record Promotion(RegisteredModel model, Optional<String> previousVersion) {
    }

    public ModelRegistry(ModelRepository repository, InferenceBackend backend, ModelStore store,
                         BootstrapModels bootstrap, AuditTrail audit, Clock clock) {
        this.repository = repository;
        this.backend = backend;
        this.store = store;
        this.bootstrap = bootstrap;
        this.audit = audit;
        this.clock = clock;
        // the model itself is checked, in the hub: a remote endpoint that is down does not refuse a registration
        this.validator = new ExplainabilityValidator(backend.inHub());
    }

    /** Restores the champions of every project from the database: loads their artifacts and routes to them. */
    public synchronized void start() {
        restore(c -> true);
    }

    /**
     * Routes every project to the champions the database names now: promotions made by other hubs
     * sharing it (the predictive engine calls this every {@code cc.predict.champion-refresh}).
     */
    public synchronized void refresh() {
        restore(c -> router(c.project()).champion(c.name()).map(k -> !k.version().equals(c.version())).orElse(true));
    }

    private void restore(Predicate<ModelRepository.Champion> which) {
        for (ModelRepository.Champion c : repository.currentChampions()) {
            if (!which.test(c)) {
                continue;
            }
            try {
                ModelRepository.Row row = repository.find(c.project(), c.name(), c.version()).orElseThrow();
                ModelKey key = ensureLoaded(row);
                route(c.project(), key).filter(old -> !old.equals(key)).ifPresent(old -> LOG.log(Level.INFO,
                        "project {0}: {1} is the champion of {2} (was {3}), promoted on another hub", c.project(),
                        key.version(), key.name(), old.version()));
            } catch (RuntimeException e) {
                // the refresh retries every few seconds: say it once
                if (unrestorable.add(c.project() + "/" + c.name() + "/" + c.version())) {
                    LOG.log(Level.ERROR, "cannot restore champion " + c + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** Registers and promotes the bootstrap models in a project that has no model yet. Idempotent. */
    public void ensureBootstrap(ProjectId project) {
        if (bootstrapped.containsKey(project)) {
            return;
        }
        synchronized (this) {
            if (bootstrapped.containsKey(project)) {
                return;
            }
            if (!repository.hasModels(project)) {
                for (ModelArtifact artifact : bootstrap.load()) {
                    register(project, artifact, true, "bootstrap", "shipped with the hub");
                }
                LOG.log(Level.INFO, "project {0}: bootstrap models registered and promoted", project);
            } else {
                // champions promoted since this hub started (by another hub sharing the database)
                restore(c -> c.project().equals(project) && router(project).champion(c.name()).isEmpty());
            }
            bootstrapped.put(project, Boolean.TRUE);
        }
    }

    /**
     * Registers a version in a project, optionally promoting it. Versions are per project: another
     * project's version of the same name and version is another model, and is never mentioned. With
     * {@code promote} the registration and the promotion are one unit: everything is validated
     * first, the model row and its champion period are stored in one transaction, and scoring
     * switches only after it committed — a failure leaves neither.
     *
     * @throws CommandCenterException INVALID (MODEL_INPUT_MISMATCH, MODEL_OUTPUT_MISMATCH, MODEL_UNREADABLE,
     *         TOO_LONG of {@code reason} or {@code by}), PRECONDITION (MODEL_NOT_EXPLAINABLE),
     *         CONFLICT (MODEL_VERSION_CONFLICT: this project has the version with other bytes)
     */
    public synchronized Registration register(ProjectId project, ModelArtifact artifact, boolean promote,
                                              String by, String reason) {
        String why = checkPromotion(by, reason);
        ModelMetadata m = artifact.metadata();
        String sha = artifact.onnxSha256();
        String sidecarSha = sidecarSha256(m);
        ModelKey key = ModelKey.of(m, content(sha, sidecarSha));
        Optional<ModelRepository.Row> existing = repository.find(project, m.name(), m.version());
        if (existing.isPresent()) {
            // the same version again: the same bytes and sidecar (or a version kept before sidecars were told apart)
            if (!existing.get().onnxSha256().equals(sha) || !(existing.get().sidecarSha256().isEmpty()
                    || existing.get().sidecarSha256().equals(sidecarSha))) {
                throw conflict(key);
            }
            RegisteredModel model = toModel(existing.get(), m);
            return new Registration(promote ? promote(project, m.name(), m.version(), by, why).model() : model,
                    List.of());
        }
        ExplainabilityValidator.Report report = validator.validate(key, artifact);
        if (!report.explainable()) {
            throw refusal(key, report.problems());
        }
        metadata.put(key, m);
        ModelStore files = write(artifact);
        keep(artifact);
        ModelRepository.Row row = new ModelRepository.Row(UUID.randomUUID().toString(), project, m.name(),
                m.version(), m.type().name(), files.onnxPath(m.type(), m.name(), m.version()).toString(), sha,
                m.threshold(), RunJson.metrics(m.metrics()), clock.instant(), sidecarSha);
        repository.insert(row, promote ? new ModelRepository.Promotion(row.createdAt(), by, why) : null);
        LOG.log(Level.INFO, "project {0}: model {1} registered", project, key);
        audit.record(AuditAction.MODEL_REGISTERED, project.value(), by, "model:" + m.name() + "@" + m.version(),
                AuditRecord.detail("type", m.type().name(), "onnxSha256", sha, "threshold", m.threshold(),
                        "promote", promote, "reason", why));
        RegisteredModel model = toModel(row, m);
        if (promote) {
            Optional<ModelKey> previous = route(project, key);
            promoted(project, key, previous, by, why);
            model = model.withChampion(true);
        }
        return new Registration(model, report.warnings());
    }

    /**
     * Makes a registered version its name's champion in the project; live scoring switches without
     * a failed call, once the champion period is stored.
     *
     * @throws CommandCenterException NOT_FOUND (MODEL_NOT_FOUND) when the version is not registered there,
     *         INVALID (TOO_LONG) for a reason over 512 characters
     */
    public synchronized Promotion promote(ProjectId project, String name, String version, String by, String reason) {
        return promote(project, name, version, by, checkPromotion(by, reason), null);
    }

    /**
     * Promotes a version only while {@code expected} is its name's champion, checked under the promotion's lock (the
     * learning loop's shadow gate: its verdict was reached against {@code expected}).
     *
     * @throws CommandCenterException NOT_FOUND (MODEL_NOT_FOUND), PRECONDITION (CHAMPION_CHANGED when another version
     *         became the champion), INVALID (TOO_LONG) for a reason over 512 characters
     */
    public synchronized Promotion promoteIfChampion(ProjectId project, String name, String version, String expected,
                                                    String by, String reason) {
        return promote(project, name, version, by, checkPromotion(by, reason), expected);
    }

    /** Promotes a version; with {@code expected}, only while that version is the champion (a rollback). */
    private Promotion promote(ProjectId project, String name, String version, String by, String why,
                              String expected) {
        ModelRepository.Row row = repository.find(project, name, version)
                .orElseThrow(() -> notFound(project, name, version));
        ModelKey key = ensureLoaded(row);
        if (expected == null) {
            repository.promote(project, row, clock.instant(), by, why);
        } else {
            repository.promoteIfCurrent(project, row, clock.instant(), by, why, expected);
        }
        Optional<ModelKey> previous = route(project, key);
        promoted(project, key, previous, by, why);
        return new Promotion(toModel(row, metadata(key)).withChampion(true),
                previous.filter(old -> !old.equals(key)).map(ModelKey::version));
    }

    /**
     * Restores the champion before the current one of a name in the project (a new champion period
     * whose reason starts with {@code rollback}).
     *
     * @throws CommandCenterException NOT_FOUND (MODEL_NOT_FOUND), PRECONDITION (NO_PREVIOUS_CHAMPION;
     *         CHAMPION_CHANGED when another hub promoted a version after the history was read)
     */
    public synchronized Promotion rollback(ProjectId project, String name, String by, String reason) {
        String why = checkPromotion(by, reason);
        ensureBootstrap(project);
        List<ChampionPeriod> periods = repository.championHistory(project, name);
        if (periods.isEmpty()) {
            throw notFound(project, name, "champion");
        }
        String current = periods.get(0).version();
        String previous = periods.stream().skip(1).map(ChampionPeriod::version).filter(v -> !v.equals(current))
                .findFirst().orElseThrow(() -> new CommandCenterException(ErrorKind.PRECONDITION,
                        "NO_PREVIOUS_CHAMPION", "model " + name + " has had one champion only (" + current
                        + "): nothing to roll back to"));
        String text = "rollback from " + current + (why.isEmpty() ? "" : ": " + why);
        String stored = text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
        // the history was read before the promotion's lock: the promotion checks, under it, that current is
        // still the champion (another hub may have promoted since), or fails CHAMPION_CHANGED
        return promote(project, name, previous, by, stored, current);
    }

    private void promoted(ProjectId project, ModelKey key, Optional<ModelKey> previous, String by, String reason) {
        LOG.log(Level.INFO, "project {0}: {1} is the champion of {2} (was {3}), by {4}", project, key.version(),
                key.name(), previous.map(ModelKey::version).orElse("none"), by);
        audit.record(AuditAction.MODEL_PROMOTED, project.value(), by, "model:" + key.name() + "@" + key.version(),
                AuditRecord.detail("previous", previous.filter(old -> !old.equals(key)).map(ModelKey::version)
                        .orElse(null), "reason", reason));
    }

    /** The longest reason a champion period keeps. */
    public static final int MAX_REASON = 512;
    /** The longest principal a champion period keeps. */
    public static final int MAX_BY = 128;

    private static String checkPromotion(String by, String reason) {
        String why = reason == null ? "" : reason;
        if (why.length() > MAX_REASON) {
            throw CommandCenterException.invalid("TOO_LONG", "reason", "reason is longer than " + MAX_REASON
                    + " characters (" + why.length() + ")");
        }
        if (io.commandcenter.hub.telemetry.RecordRules.hasNul(why)) {
            throw CommandCenterException.invalid(io.commandcenter.hub.telemetry.RecordRules.NUL, "reason",
                    io.commandcenter.hub.telemetry.RecordRules.nulMessage("reason"));
        }
        if (by == null || by.isEmpty() || by.length() > MAX_BY) {
            throw CommandCenterException.invalid("TOO_LONG", "by", "the promoting principal must have 1 to "
                    + MAX_BY + " characters");
        }
        return why;
    }

    /** The champion of a name in a project, bootstrapping the project's models if it has none. */
    public Optional<ModelKey> champion(ProjectId project, String name) {
        ensureBootstrap(project);
        return router(project).champion(name);
    }

    /**
     * The version to score with: the champion, or a given registered version (loaded on demand).
     *
     * @throws CommandCenterException NOT_FOUND (MODEL_NOT_FOUND)
     */
    public ModelKey resolve(ProjectId project, String name, String version) {
        if (version == null || version.isEmpty()) {
            return champion(project, name).orElseThrow(() -> notFound(project, name, "champion"));
        }
        ensureBootstrap(project);
        ModelRepository.Row row = repository.find(project, name, version)
                .orElseThrow(() -> notFound(project, name, version));
        return ensureLoaded(row);
    }

    /**
     * Whether {@link #resolve} of these arguments and {@link #metadata} of its answer return without
     * reading the database or the disk and without taking this registry's lock: the champion of a
     * project already bootstrapped here, loaded. A given version (read from the database each call)
     * says no. Never waits.
     */
    public boolean resolvesAtOnce(ProjectId project, String name, String version) {
        if (version != null && !version.isEmpty() || !bootstrapped.containsKey(project)) {
            return false;
        }
        ChampionRouter router = routers.get(project);
        Optional<ModelKey> key = router == null ? Optional.empty() : router.champion(name);
        return key.isPresent() && backend.isLoaded(key.get());
    }

    /** The sidecar of a loaded or stored version. */
    public ModelMetadata metadata(ModelKey key) {
        ModelMetadata known = metadata.get(key); // no bin lock when known: a stored version read under one blocks
        if (known != null) {
            return known;
        }
        return metadata.computeIfAbsent(key, k -> backend.isLoaded(k) ? backend.metadata(k)
                : readStored(k).metadata());
    }

    /** The project's models (optionally of one name): champions first, then by name and newest first. */
    public List<RegisteredModel> list(ProjectId project, String name) {
        ensureBootstrap(project);
        List<RegisteredModel> models = new ArrayList<>();
        for (ModelRepository.Row row : repository.list(project, name)) {
            ModelKey key = key(row);
            boolean champion = router(project).champion(row.name()).filter(key::equals).isPresent();
            models.add(toModel(row, metadata(key)).withChampion(champion));
        }
        models.sort(Comparator.comparing((RegisteredModel m) -> !m.champion()).thenComparing(RegisteredModel::name)
                .thenComparing(RegisteredModel::createdAt, Comparator.reverseOrder()));
        return models;
    }

    /** One version (the champion when {@code version} is empty). */
    public RegisteredModel get(ProjectId project, String name, String version) {
        ModelKey key = resolve(project, name, version);
        ModelRepository.Row row = repository.find(project, key.name(), key.version())
                .orElseThrow(() -> notFound(project, name, version));
        boolean champion = router(project).champion(name).filter(key::equals).isPresent();
        return toModel(row, metadata(key)).withChampion(champion);
    }

    /** Champion periods of a name, newest first. */
    public List<ChampionPeriod> history(ProjectId project, String name) {
        return repository.championHistory(project, name);
    }

    /**
     * The artifact (ONNX bytes and sidecar) of a registered version: from the models directory, or
     * from the database when another hub registered it.
     *
     * @throws CommandCenterException UNAVAILABLE (MODEL_ARTIFACT_MISSING)
     */
    public ModelArtifact artifact(ModelKey key) {
        return readStored(key);
    }

    /** The model id of a registered version in a project (ids never change: cached). */
    public String modelId(ProjectId project, ModelKey key) {
        return modelIds.computeIfAbsent(project.value() + "/" + key, k -> repository.find(project, key.name(),
                        key.version()).map(ModelRepository.Row::modelId)
                .orElseThrow(() -> notFound(project, key.name(), key.version())));
    }

    /** Routes a project's scoring to {@code key}; the previous champion, unloaded if no project routes to it. */
    private Optional<ModelKey> route(ProjectId project, ModelKey key) {
        Optional<ModelKey> previous = router(project).promote(key);
        previous.filter(old -> !old.equals(key) && routers.values().stream()
                        .noneMatch(r -> r.champion(old.name()).filter(old::equals).isPresent()))
                .ifPresent(backend::unload);
        return previous;
    }

    private ChampionRouter router(ProjectId project) {
        return routers.computeIfAbsent(project, p -> new ChampionRouter(backend));
    }

    /** The key a registered version is loaded under: its name, version and content. */
    private static ModelKey key(ModelRepository.Row row) {
        return new ModelKey(row.name(), row.version(), row.content());
    }

    /**
     * The content a version is loaded and kept under: the ONNX bytes' SHA-256 and, after a {@code :}, the
     * sidecar's — two projects' versions of one name and version with equal bytes but other sidecars (another
     * threshold, calibration or lineage) are two models; equal bytes and sidecars are one. A version registered
     * before sidecars were told apart has an empty {@code sidecarSha256}: its content is its bytes' hash alone.
     */
    public static String content(String onnxSha256, String sidecarSha256) {
        return sidecarSha256 == null || sidecarSha256.isEmpty() ? onnxSha256 : onnxSha256 + ":" + sidecarSha256;
    }

    /** The content of an artifact ({@link #content(String, String)}). */
    public static String content(ModelArtifact artifact) {
        return content(artifact.onnxSha256(), sidecarSha256(artifact.metadata()));
    }

    /** SHA-256 of a sidecar as {@link SidecarJson} writes it (sorted keys: the same on every hub). */
    public static String sidecarSha256(ModelMetadata m) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(SIDECAR.write(m)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a stored artifact is the content a key names (a key of bytes alone matches any sidecar). */
    private static boolean isContent(ModelKey key, ModelArtifact a) {
        return key.content().isEmpty() || key.content().equals(a.onnxSha256()) || key.content().equals(content(a));
    }

    private ModelKey ensureLoaded(ModelRepository.Row row) {
        ModelKey key = key(row);
        if (!backend.isLoaded(key)) {
            ModelArtifact artifact = readStored(key);
            backend.load(key, artifact);
            metadata.put(key, artifact.metadata());
        }
        return key;
    }

    /** Keeps a version's artifact in the database, for the other hubs sharing it. */
    private void keep(ModelArtifact artifact) {
        ModelMetadata m = artifact.metadata();
        repository.saveArtifact(m.name(), m.version(), content(artifact), new ModelRepository.StoredArtifact(
                m.type().name(), artifact.onnx(), new String(SIDECAR.write(m), StandardCharsets.UTF_8)));
    }

    /**
     * Where a version's files live under the models directory: {@code <dir>/<type>/<name>-<version>.onnx}
     * for the first content of a name and version, {@code <dir>/by-content/<sha256 prefix>/...} for
     * another project's other content.
     */
    private ModelStore filesOf(ModelArtifact artifact) {
        ModelMetadata m = artifact.metadata();
        Optional<ModelArtifact> primary = storedArtifact(store, m.type(), m.name(), m.version());
        return primary.isEmpty() || content(primary.get()).equals(content(artifact)) ? store
                : variantStore(content(artifact));
    }

    /**
     * The directory of a content other than the primary's: {@code by-content/<16 of the bytes' hash>}, then
     * {@code -<16 of the sidecar's>} when the content has one.
     */
    private ModelStore variantStore(String content) {
        int colon = content.indexOf(':');
        String bytes = colon < 0 ? content : content.substring(0, colon);
        String dir = bytes.substring(0, Math.min(16, bytes.length()));
        if (colon >= 0) {
            String sidecar = content.substring(colon + 1);
            dir += "-" + sidecar.substring(0, Math.min(16, sidecar.length()));
        }
        return new ModelStore(store.root().resolve("by-content").resolve(dir));
    }

    /** Writes the artifact's files unless they are there already; the store they are in. */
    private ModelStore write(ModelArtifact artifact) {
        ModelStore files = filesOf(artifact);
        ModelMetadata m = artifact.metadata();
        if (storedArtifact(files, m.type(), m.name(), m.version()).isEmpty()) {
            files.write(artifact);
        }
        return files;
    }

    private ModelArtifact readStored(ModelKey key) {
        for (ModelType type : ModelType.values()) {
            for (ModelStore files : key.content().isEmpty() ? List.of(store) : List.of(store, variantStore(key.content()))) {
                Optional<ModelArtifact> artifact = storedArtifact(files, type, key.name(), key.version())
                        .filter(a -> isContent(key, a));
                if (artifact.isPresent()) {
                    keep(artifact.get()); // registered before the database kept artifacts: keep it now
                    return artifact.get();
                }
            }
        }
        // another hub registered it (hubs share the database, not the models directory): this hub
        // writes its own copy, from the database — or, for a bootstrap model registered before the
        // database kept artifacts, from the models shipped in every hub
        Optional<ModelRepository.StoredArtifact> kept = key.content().isEmpty() ? Optional.empty()
                : repository.findArtifact(key.name(), key.version(), key.content());
        if (kept.isPresent()) {
            ModelArtifact artifact = new ModelArtifact(
                    SIDECAR.read(kept.get().sidecarJson().getBytes(StandardCharsets.UTF_8)), kept.get().onnx());
            ModelStore files = write(artifact);
            LOG.log(Level.INFO, "model {0} written under {1} from the database", key, files.root());
            return artifact;
        }
        for (ModelArtifact shipped : bootstrap.load()) {
            if (shipped.metadata().name().equals(key.name()) && shipped.metadata().version().equals(key.version())
                    && isContent(key, shipped)) {
                ModelStore files = write(shipped);
                LOG.log(Level.INFO, "bootstrap model {0} written under {1} (registered by another hub)", key,
                        files.root());
                return shipped;
            }
        }
        throw new CommandCenterException(ErrorKind.UNAVAILABLE, "MODEL_ARTIFACT_MISSING",
                "the artifact of " + key + " is missing under " + store.root() + " and in the database");
    }

    private static Optional<ModelArtifact> storedArtifact(ModelStore files, ModelType type, String name, String version) {
        if (!Files.exists(files.onnxPath(type, name, version))) {
            return Optional.empty();
        }
        return Optional.of(files.read(type, name, version));
    }

    private RegisteredModel toModel(ModelRepository.Row row, ModelMetadata m) {
        return new RegisteredModel(row.modelId(), row.project(), m, row.path(), row.onnxSha256(), row.createdAt(),
                false);
    }

    /**
     * Why a model was refused: a model that does not even load against its declared signature is
     * bad input (INVALID, or CONFLICT for a version clash, with the backend's reason); one that loads
     * but cannot be explained fails the precondition of registration.
     */
    private static CommandCenterException refusal(ModelKey key, List<String> problems) {
        String first = problems.get(0);
        String reason = first.contains(":") ? first.substring(0, first.indexOf(':')) : first;
        String all = String.join("; ", problems);
        return switch (reason) {
            case "MODEL_INPUT_MISMATCH", "MODEL_OUTPUT_MISMATCH", "MODEL_UNREADABLE" -> new CommandCenterException(
                    ErrorKind.INVALID, reason, "model " + key + " was refused: " + all, Map.of("problems", all),
                    List.of(new io.commandcenter.common.error.FieldViolation("onnx", reason, all)), null);
            case "MODEL_VERSION_CONFLICT" -> conflict(key);
            default -> new CommandCenterException(ErrorKind.PRECONDITION, "MODEL_NOT_EXPLAINABLE",
                    "model " + key + " cannot be explained: " + all, Map.of("problems", all), List.of(), null);
        };
    }

    private static CommandCenterException conflict(ModelKey key) {
        return new CommandCenterException(ErrorKind.CONFLICT, "MODEL_VERSION_CONFLICT", "model " + key
                + " is already registered with other ONNX bytes: versions are immutable, register a new version");
    }

    private static CommandCenterException notFound(ProjectId project, String name, String version) {
        return CommandCenterException.notFound("MODEL_NOT_FOUND", ("champion".equals(version) ? "no champion of model " + name
                : "no model " + name + " " + version) + " in project " + project);
    }
}
