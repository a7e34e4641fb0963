package io.commandcenter.memory;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One remembered execution (or any structured context an agent adds) of a project: what it was
 * about, when, what was done and what came of it, the vector it is found by, and free metadata.
 * Build one with {@link #builder()}; {@link MemoryRules#check} says what a store accepts.
 *
 * @param id       the memory's id within its project (an add with an existing id replaces it)
 * @param project  the project it belongs to; never visible to another project
 * @param entity   what it is about ({@code service/checkout-api})
 * @param kind     what sort of memory ({@code remediation}, {@code agent.note}, …)
 * @param at       when it happened (kept to the microsecond)
 * @param vector   what it is found by: similar vectors mean similar trouble (unit length once stored)
 * @param action   what was done ({@code restart}), {@code ""} when nothing
 * @param outcome  what came of it ({@code recovered}, {@code not_recovered}, …), {@code ""} when not known:
 *                 a memory with an outcome is a labelled incident
 * @param text     a one-line summary for people
 * @param metadata free string fields (prediction id, approver, reason, …)
 */
public record Memory(String id, String project, String entity, String kind, Instant at, float[] vector,
                     String action, String outcome, String text, Map<String, String> metadata) {
    public Memory {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(kind, "kind");
        // kept to the microsecond, as the hub keeps times, so every store filters and orders alike
        at = Objects.requireNonNull(at, "at").truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        vector = Objects.requireNonNull(vector, "vector").clone();
        action = action == null ? "" : action;
        outcome = outcome == null ? "" : outcome;
        text = text == null ? "" : text;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    @Override
    public float[] vector() {
        return vector.clone();
    }

    /** Whether it carries an outcome (a labelled incident, what the learning loop reads). */
    public boolean isLabelled() {
        return !outcome.isEmpty();
    }

    /** The same memory with another vector (a store keeps the unit-length copy). */
    public Memory withVector(float[] v) {
        return new Memory(id, project, entity, kind, at, v, action, outcome, text, metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Memory m && id.equals(m.id) && project.equals(m.project) && entity.equals(m.entity)
                && kind.equals(m.kind) && at.equals(m.at) && Arrays.equals(vector, m.vector)
                && action.equals(m.action) && outcome.equals(m.outcome) && text.equals(m.text)
                && metadata.equals(m.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, project, entity, kind, at, Arrays.hashCode(vector), action, outcome);
    }

    @Override
    public String toString() {
        return "Memory[" + project + "/" + id + " " + kind + " " + entity + " at " + at + " " + action + " -> "
                + outcome + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Memory}; every field but id, project, entity, kind, at and vector is optional. */
    public static final class Builder {
        private String id;
        private String project;
        private String entity;
        private String kind;
        private Instant at;
        private float[] vector;
        private String action = "";
        private String outcome = "";
        private String text = "";
        private Map<String, String> metadata = Map.of();

        public Builder id(String v) { id = v; return this; }
        public Builder project(String v) { project = v; return this; }
        public Builder entity(String v) { entity = v; return this; }
        public Builder kind(String v) { kind = v; return this; }
        public Builder at(Instant v) { at = v; return this; }
        public Builder vector(float[] v) { vector = v; return this; }
        public Builder action(String v) { action = v; return this; }
        public Builder outcome(String v) { outcome = v; return this; }
        public Builder text(String v) { text = v; return this; }
        public Builder metadata(Map<String, String> v) { metadata = v; return this; }

        public Memory build() {
            return new Memory(id, project, entity, kind, at, vector, action, outcome, text, metadata);
        }
    }
}
