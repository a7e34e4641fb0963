package io.commandcenter.inference;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.scoring.AffineLogOdds;

import java.util.Optional;
import java.util.Set;

/**
 * A backend in front of another: every call goes to {@link #delegate} unless a subclass overrides it
 * (batching, attribution, a project's view). {@link #scoreAttributed} is left to the interface's
 * default, so it goes through this class's own {@link #score} and {@link #name}, whichever a subclass
 * changes. {@link #close} does nothing: a view does not own what it forwards to; a subclass that owns its
 * delegate closes it.
 */
public abstract class ForwardingBackend implements InferenceBackend {
    protected final InferenceBackend delegate;

    protected ForwardingBackend(InferenceBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void load(ModelKey key, ModelArtifact artifact) {
        delegate.load(key, artifact);
    }

    @Override
    public void unload(ModelKey key) {
        delegate.unload(key);
    }

    @Override
    public boolean isLoaded(ModelKey key) {
        return delegate.isLoaded(key);
    }

    @Override
    public Set<ModelKey> loaded() {
        return delegate.loaded();
    }

    @Override
    public ModelMetadata metadata(ModelKey key) {
        return delegate.metadata(key);
    }

    @Override
    public io.commandcenter.models.features.FeatureSchema schema(ModelKey key) {
        return delegate.schema(key);
    }

    @Override
    public Optional<AffineLogOdds> affineLogOdds(ModelKey key) {
        return delegate.affineLogOdds(key);
    }

    @Override
    public double[] score(ModelKey key, float[] rows, int rowCount) {
        return delegate.score(key, rows, rowCount);
    }

    @Override
    public void close() {
    }
}
