package io.commandcenter.hub.predict;

import io.commandcenter.hub.error.ErrorKind;
import io.commandcenter.hub.error.HubException;
import io.commandcenter.models.ModelsException;

import java.util.List;

/** Translates the model libraries' errors into the hub's, keeping their reason and metadata. */
final class ModelErrors {
    private ModelErrors() {
    }

    static HubException toHub(ModelsException e) {
        ErrorKind kind = switch (e.kind()) {
            case INVALID -> ErrorKind.INVALID;
            case NOT_FOUND -> ErrorKind.NOT_FOUND;
            case CONFLICT -> ErrorKind.CONFLICT;
            case PRECONDITION -> ErrorKind.PRECONDITION;
            case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
        };
        return new HubException(kind, e.reason(), e.getMessage(), e.metadata(), List.of(), e);
    }
}
