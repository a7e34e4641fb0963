package io.commandcenter.inference.remote;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.inference.ForwardingBackend;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends each model's calls where the {@link InferencePolicy} routes it — a remote endpoint (Triton, Vertex)
 * or the local backend — and keeps every version loaded locally too, so a route with fallback scores on
 * the local champion when the remote fails (UNAVAILABLE: unreachable, circuit open, deadline). The
 * prediction says which: {@link #scoreAttributed} names the backend, {@code onnx (fallback from
 * triton:a: REMOTE_UNAVAILABLE)} after a fallback.
 *
 * <p>Refusals, each an error with its reason given to {@link Refusals} (the hub audits them):
 * <ul>
 *   <li>a route to an endpoint whose host is not approved: PERMISSION_DENIED {@code ENDPOINT_NOT_APPROVED}
 *       thrown by the constructor, so a hub so configured does not start;</li>
 *   <li>a sensitive project's call of a remotely routed model ({@link #forProject}): scored locally,
 *       never sent; PERMISSION_DENIED {@code PROJECT_SENSITIVE} recorded once per project, model version and
 *       endpoint.</li>
 * </ul>
 * A remote that cannot load a version when it is registered (unreachable) is asked again on the version's
 * next call; one that serves it with other features refuses the registration ({@code REMOTE_MODEL_MISMATCH}).
 */
public final class RoutingBackend implements InferenceBackend {
    private static final System.Logger LOG = System.getLogger(RoutingBackend.class.getName());

    private final InferenceBackend local;
    private final Map<String, InferenceBackend> remotes;
    private final InferencePolicy policy;
    private final Refusals refusals;
    private final Map<ModelKey, ModelArtifact> artifacts = new ConcurrentHashMap<>();
    private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
    private final InHub inHub = new InHub();

    /**
     * @param remotes endpoint name → backend (each also in {@code endpoints})
     * @throws CommandCenterException PERMISSION_DENIED {@code ENDPOINT_NOT_APPROVED} for a route to an endpoint not
     *         on the allow-list; INVALID {@code UNKNOWN_ENDPOINT} for a route to an endpoint not configured
     */
    public RoutingBackend(InferenceBackend local, Map<String, InferenceBackend> remotes,
                          Map<String, RemoteEndpoint> endpoints, InferencePolicy policy, Refusals refusals) {
        this.local = local;
        this.remotes = Map.copyOf(remotes);
        this.policy = policy;
        this.refusals = refusals;
        for (Map.Entry<String, InferencePolicy.Route> e : policy.routes().entrySet()) {
            RemoteEndpoint endpoint = endpoints.get(e.getValue().endpoint());
            if (endpoint == null || !remotes.containsKey(endpoint.name())) {
                throw CommandCenterException.invalid("UNKNOWN_ENDPOINT", "cc.inference.routes",
                        "model " + e.getKey() + " is routed to endpoint '" + e.getValue().endpoint()
                                + "', which is not configured; endpoints: " + endpoints.keySet());
            }
            if (!policy.approved(endpoint)) {
                CommandCenterException refusal = new CommandCenterException(ErrorKind.PERMISSION_DENIED,
                        "ENDPOINT_NOT_APPROVED", "model " + e.getKey() + " is routed to endpoint " + endpoint.name()
                        + " on host " + endpoint.host() + ", which is not in cc.inference.approved-endpoints "
                        + policy.approvedHosts(), Map.of("endpoint", endpoint.name(), "host", String.valueOf(endpoint.host())),
                        List.of(), null);
                refusals.refused("", e.getKey(), refusal);
                throw refusal;
            }
        }
    }

    @Override
    public String name() {
        return local.name();
    }

    /**
     * Loads the version here, then on its route's endpoint. A remote that cannot be asked now (UNAVAILABLE) is
     * asked again on the version's next call; one that refuses the version ({@code REMOTE_MODEL_MISMATCH}) fails
     * the load, and the version is unloaded here again (unless it was loaded before), so a refused
     * registration leaves no session behind.
     */
    @Override
    public void load(ModelKey key, ModelArtifact artifact) {
        boolean wasLoaded = local.isLoaded(key);
        local.load(key, artifact);
        InferencePolicy.Route route = policy.routes().get(key.name());
        if (route != null) {
            InferenceBackend remote = remotes.get(route.endpoint());
            try {
                remote.load(key, artifact);
            } catch (CommandCenterException e) {
                if (e.kind() != ErrorKind.UNAVAILABLE) {
                    unloadRefused(key, wasLoaded);
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "{0} cannot check {1} now ({2}); it is asked again on the next call",
                        remote.name(), key, e.getMessage());
            } catch (RuntimeException e) {
                unloadRefused(key, wasLoaded);
                throw e;
            }
        }
        artifacts.put(key, artifact);
    }

    private void unloadRefused(ModelKey key, boolean wasLoaded) {
        if (!wasLoaded) {
            local.unload(key);
        }
    }

    @Override
    public void unload(ModelKey key) {
        artifacts.remove(key);
        remotes.values().forEach(r -> r.unload(key));
        local.unload(key);
    }

    @Override
    public boolean isLoaded(ModelKey key) {
        return local.isLoaded(key);
    }

    @Override
    public Set<ModelKey> loaded() {
        return local.loaded();
    }

    @Override
    public ModelMetadata metadata(ModelKey key) {
        return local.metadata(key);
    }

    @Override
    public io.commandcenter.models.features.FeatureSchema schema(ModelKey key) {
        return local.schema(key);
    }

    @Override
    public double[] score(ModelKey key, float[] rows, int rowCount) {
        return scoreAttributed(key, rows, rowCount).risk();
    }

    @Override
    public Scored scoreAttributed(ModelKey key, float[] rows, int rowCount) {
        return route(null, key, rows, rowCount);
    }

    /** The local form for a model scored here; none for a model routed out (its explanations ask the remote). */
    @Override
    public java.util.Optional<io.commandcenter.models.scoring.AffineLogOdds> affineLogOdds(ModelKey key) {
        return policy.routes().containsKey(key.name()) ? java.util.Optional.empty() : local.affineLogOdds(key);
    }

    @Override
    public InferenceBackend forProject(String project) {
        return policy.sensitive(project) ? new View(project) : this;
    }

    /** The local backend's scoring, loading and unloading through this one (so the remotes are checked too). */
    @Override
    public InferenceBackend inHub() {
        return inHub;
    }

    private Scored route(String project, ModelKey key, float[] rows, int rowCount) {
        InferencePolicy.Route route = policy.routes().get(key.name());
        if (route == null) {
            return local.scoreAttributed(key, rows, rowCount);
        }
        InferenceBackend remote = remotes.get(route.endpoint());
        if (policy.sensitive(project)) {
            if (refusedOnce.add(project + "\n" + key + "\n" + route.endpoint())) {
                refusals.refused(project, key.name() + "@" + key.version(), new CommandCenterException(
                        ErrorKind.PERMISSION_DENIED, "PROJECT_SENSITIVE", "project " + project + " is sensitive: "
                        + key + " is scored in the hub, not on " + remote.name(),
                        Map.of("endpoint", route.endpoint()), List.of(), null));
            }
            return local.scoreAttributed(key, rows, rowCount);
        }
        try {
            if (!remote.isLoaded(key)) {
                ModelArtifact artifact = artifacts.get(key);
                if (artifact == null) {
                    return local.scoreAttributed(key, rows, rowCount); // not loaded here either: local says so
                }
                loadOnFirstCall(remote, key, artifact);
            }
            return remote.scoreAttributed(key, rows, rowCount);
        } catch (CommandCenterException e) {
            if (e.kind() != ErrorKind.UNAVAILABLE || !route.fallback()) {
                throw e;
            }
            Scored s = local.scoreAttributed(key, rows, rowCount);
            return new Scored(s.risk(), s.backend() + " (fallback from " + remote.name() + ": " + e.reason() + ")");
        }
    }

    /**
     * The remote check of a version registered while its endpoint could not be asked. The registration stands,
     * so a remote that now refuses the version ({@code REMOTE_MODEL_MISMATCH}) is not the caller's fault: it is
     * UNAVAILABLE with the remote's reason (the route falls back, or the caller is told what is wrong with the
     * endpoint), never INVALID as if the caller's rows were bad.
     */
    private static void loadOnFirstCall(InferenceBackend remote, ModelKey key, ModelArtifact artifact) {
        try {
            remote.load(key, artifact);
        } catch (CommandCenterException e) {
            if (e.kind() == ErrorKind.UNAVAILABLE) {
                throw e;
            }
            throw new CommandCenterException(ErrorKind.UNAVAILABLE, e.reason(), remote.name() + " cannot score " + key
                    + ": " + e.getMessage(), e.metadata(), List.of(), e);
        }
    }

    @Override
    public void close() {
        remotes.values().forEach(InferenceBackend::close);
        local.close();
    }

    /** Every call scored here; loading and unloading go to the routing backend. */
    private final class InHub extends ForwardingBackend {
        InHub() {
            super(RoutingBackend.this);
        }

        @Override
        public String name() {
            return local.name();
        }

        @Override
        public double[] score(ModelKey key, float[] rows, int rowCount) {
            return local.score(key, rows, rowCount);
        }

        @Override
        public java.util.Optional<io.commandcenter.models.scoring.AffineLogOdds> affineLogOdds(ModelKey key) {
            return local.affineLogOdds(key);
        }

        @Override
        public InferenceBackend inHub() {
            return this;
        }
    }

    /** A sensitive project's view: the same models, scored in the hub only, the refusal recorded. */
    private final class View extends ForwardingBackend {
        private final String project;

        View(String project) {
            super(RoutingBackend.this);
            this.project = project;
        }

        @Override
        public double[] score(ModelKey key, float[] rows, int rowCount) {
            return scoreAttributed(key, rows, rowCount).risk();
        }

        /** A sensitive project's calls are all scored here. */
        @Override
        public java.util.Optional<io.commandcenter.models.scoring.AffineLogOdds> affineLogOdds(ModelKey key) {
            return local.affineLogOdds(key);
        }

        @Override
        public Scored scoreAttributed(ModelKey key, float[] rows, int rowCount) {
            return route(project, key, rows, rowCount);
        }
    }
}
