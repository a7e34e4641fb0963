package io.commandcenter.scheduler.error;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collects the field violations of one request, so a client hears of all of them at once. */
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
     * Throws INVALID with every violation collected, if any. The error's reason is the first
     * violation's reason when all share it, else {@code fallbackReason}.
     */
    public void throwIfAny(String fallbackReason, String message) {
        if (list.isEmpty()) {
            return;
        }
        String first = list.get(0).reason();
        boolean same = list.stream().allMatch(v -> v.reason().equals(first));
        throw new SchedulerException(ErrorKind.INVALID, same ? first : fallbackReason,
                message + ": " + list.get(0).field() + ": " + list.get(0).message()
                        + (list.size() > 1 ? " (and " + (list.size() - 1) + " more)" : ""),
                Map.of(), list, null);
    }
}
