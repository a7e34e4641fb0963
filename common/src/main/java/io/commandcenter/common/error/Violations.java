package io.commandcenter.common.error;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collects the field violations of one request or record, so a client hears of all of them at once. */
public final class Violations {
    private final List<FieldViolation> list = new ArrayList<>(2);

    public void add(String field, String reason, String message) {
        list.add(new FieldViolation(field, reason, message));
    }

    public void addAll(List<FieldViolation> violations) {
        list.addAll(violations);
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<FieldViolation> list() {
        return List.copyOf(list);
    }

    /**
     * Throws INVALID with reason {@code reason} and every violation collected, if any; the message
     * names the first field at fault and how many more there are.
     */
    public void throwIfAny(String reason, String message) {
        if (!list.isEmpty()) {
            throw failure(reason, message);
        }
    }

    /**
     * Throws INVALID with every violation collected, if any. The error's reason is the violations'
     * own when they all share one (a client then branches on {@code REQUIRED} or {@code OUT_OF_RANGE}
     * directly), else {@code fallbackReason}.
     */
    public void throwIfAnyWithSharedReason(String fallbackReason, String message) {
        if (list.isEmpty()) {
            return;
        }
        String first = list.get(0).reason();
        boolean same = list.stream().allMatch(v -> v.reason().equals(first));
        throw failure(same ? first : fallbackReason, message);
    }

    private CommandCenterException failure(String reason, String message) {
        FieldViolation first = list.get(0);
        return new CommandCenterException(ErrorKind.INVALID, reason,
                message + ": " + first.field() + ": " + first.message()
                        + (list.size() > 1 ? " (and " + (list.size() - 1) + " more)" : ""),
                Map.of(), list, null);
    }
}
