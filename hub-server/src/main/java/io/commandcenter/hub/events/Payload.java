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
}
