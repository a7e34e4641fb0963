package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.project.ProjectId;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Records refused requests in the audit ledger ({@link AuditAction#REQUEST_DENIED}) without letting
 * a flood flood the ledger: one entry per caller, operation and reason a {@link #WINDOW}, the
 * refusals in between counted into the next entry ({@code repeated}), and at most
 * {@link #MAX_PER_WINDOW} entries a window in all (the rest counted as {@code unrecorded} on the
 * next entry). A refusal for want of credentials is recorded as {@code anonymous} in the global
 * scope; one for want of permission under the caller's name, in the project asked for (when it is
 * a valid project id). Nothing of the credentials sent is recorded. The append runs where the
 * hub says a write may wait ({@code mayWait}): off the transport's event loop for a call answered there.
 */
public final class DeniedRequests {
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final int MAX_PER_WINDOW = 120;

    private final AuditTrail audit;
    private final Authenticator authenticator;
    private final Clock clock;
    private final java.util.function.Consumer<Runnable> mayWait;
    private final Map<String, long[]> seen = new ConcurrentHashMap<>();
    private long windowStart;
    private int recordedInWindow;
    private long unrecorded;

    /** Appends on the refusing thread. */
    public DeniedRequests(AuditTrail audit, Authenticator authenticator, Clock clock) {
        this(audit, authenticator, clock, Runnable::run);
    }

    /**
     * @param mayWait runs the ledger append where waiting for the database is allowed (the hub's
     *                {@code CallExecutors.runMayWait}: the calling thread unless it must not wait)
     */
    public DeniedRequests(AuditTrail audit, Authenticator authenticator, Clock clock,
                          java.util.function.Consumer<Runnable> mayWait) {
        this.audit = audit;
        this.authenticator = authenticator;
        this.clock = clock;
        this.mayWait = mayWait;
    }

    /** Notes that {@code operation} was refused with {@code e}. */
    public void record(String operation, Function<String, String> header, CommandCenterException e) {
        String actor = "anonymous";
        String project = AuditRecord.GLOBAL;
        if (e.kind() == ErrorKind.PERMISSION_DENIED) {
            ProjectId own = null;
            try {
                Principal who = authenticator.authenticate(header.apply(Authenticator.HEADER));
                actor = who.name();
                own = who.project();
            } catch (CommandCenterException notAuthenticated) {
                // refused before credentials were looked at (an unknown operation): anonymous
            }
            String asked = header.apply(CallerResolver.PROJECT_HEADER);
            if (asked != null && ProjectId.isValid(asked.strip())) {
                project = asked.strip();
            } else if (own != null) {
                // no project asked: the key's own, where its project's people look — not the hub-wide scope,
                // which every project's viewers read
                project = own.value();
            }
        }
        String op = printable(operation);
        long now = clock.millis();
        String key = actor + "|" + op + "|" + e.reason() + "|" + project;
        long repeated;
        long missed;
        synchronized (this) {
            if (now - windowStart >= WINDOW.toMillis()) {
                windowStart = now;
                recordedInWindow = 0;
                seen.entrySet().removeIf(x -> now - x.getValue()[0] >= WINDOW.toMillis()
                        && (x.getValue()[1] == 0 || now - x.getValue()[0] >= 60 * WINDOW.toMillis()));
            }
            long[] last = seen.get(key);
            if (last != null && now - last[0] < WINDOW.toMillis()) {
                last[1]++;
                return;
            }
            if (recordedInWindow >= MAX_PER_WINDOW) {
                unrecorded++;
                return;
            }
            recordedInWindow++;
            repeated = last == null ? 0 : last[1];
            missed = unrecorded;
            unrecorded = 0;
            seen.put(key, new long[]{now, 0});
        }
        String recordedActor = actor;
        String recordedProject = project;
        mayWait.accept(() -> audit.record(AuditAction.REQUEST_DENIED, recordedProject, recordedActor, "rpc:" + op,
                AuditRecord.detail("status", e.kind() == ErrorKind.UNAUTHENTICATED ? "UNAUTHENTICATED"
                                : "PERMISSION_DENIED", "reason", e.reason(), "repeated", repeated == 0 ? null : repeated,
                        "unrecorded", missed == 0 ? null : missed)));
    }

    /** An operation name as sent (a client may send anything): printable ASCII, at most 128 characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 128; i++) {
            char c = s.charAt(i);
            b.append(c > 0x20 && c < 0x7f ? c : '_');
        }
        return b.isEmpty() ? "_" : b.toString();
    }
}
