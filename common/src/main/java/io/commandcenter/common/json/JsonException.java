package io.commandcenter.common.json;

/** A document that is not the JSON expected: malformed, too deep, or of the wrong shape. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
