package io.commandcenter.hub.error;

import java.util.ArrayList;
import java.util.List;

/** Collects the field violations of one request or record, so a client hears of all at once. */
public final class Violations {
    private final List<FieldViolation> list = new ArrayList<>(2);

    public void add(String field, String reason, String message) {
        list.add(new FieldViolation(field, reason, message));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<FieldViolation> list() {
        return List.copyOf(list);
    }

    /** Throws INVALID with every violation collected, if any. */
    public void throwIfAny(String reason, String message) {
        if (!list.isEmpty()) {
            throw new HubException(ErrorKind.INVALID, reason, message + ": " + list.get(0).field() + ": "
                    + list.get(0).message(), java.util.Map.of(), list, null);
        }
    }
}
