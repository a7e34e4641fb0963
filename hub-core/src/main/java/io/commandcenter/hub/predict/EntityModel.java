package io.commandcenter.hub.predict;

import java.util.Objects;

/**
 * An entity scored by one model (a name or a model id): the key of the engine's per-entity, per-model
 * state ({@link IncidentTracker}, {@link RunAggregator}).
 */
record EntityModel(EntityKey entity, String model) {
    // written out: the record's own go through method handles, and these keys are looked up once a scored record
    @Override
    public boolean equals(Object o) {
        return o instanceof EntityModel k && Objects.equals(entity, k.entity) && Objects.equals(model, k.model);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(entity) * 31 + Objects.hashCode(model);
    }
}
