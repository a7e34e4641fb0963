package io.commandcenter.models.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.commandcenter.models.ModelsException;
import java.nio.charset.StandardCharsets;

/** Reads and writes {@link ModelMetadata} sidecars (stable key order, pretty-printed, UTF-8). */
public final class SidecarJson {

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public byte[] write(ModelMetadata metadata) {
        try {
            return (mapper.writeValueAsString(metadata) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise metadata", e);
        }
    }

    /** Parses a sidecar; fails INVALID / SIDECAR_INVALID on malformed JSON or values. */
    public ModelMetadata read(byte[] json) {
        try {
            return mapper.readValue(json, ModelMetadata.class);
        } catch (java.io.IOException e) {
            if (e.getCause() instanceof ModelsException me) {
                throw me;
            }
            throw new ModelsException(ModelsException.Kind.INVALID, "SIDECAR_INVALID", "invalid model sidecar: " + e.getMessage(), java.util.Map.of(), e);
        }
    }
}
