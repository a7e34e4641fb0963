package io.commandcenter.hub.events;

/**
 * What an event carries. Implementations render lazily: an event nobody subscribed to is never
 * serialised.
 */
public interface Payload {

    /** Fully qualified type name of the payload, e.g. {@code commandcenter.v1.HealthSample}. */
    String type();

    /** The payload as a JSON object (protobuf JSON mapping: lowerCamelCase field names). */
    String toJson();

    /**
     * The domain object the payload was made from, when it is of the given type: in-process
     * consumers (the predictive engine) read records without going through JSON.
     */
    default <T> java.util.Optional<T> as(Class<T> type) {
        return java.util.Optional.empty();
    }
}
