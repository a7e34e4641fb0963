package io.commandcenter.hub.telemetry;

import io.commandcenter.hub.project.ProjectId;

import java.util.HashMap;
import java.util.Map;

/**
 * How many records each open ingest stream may have inside the hub, so that all of them together
 * stay within one hub-wide bound ({@code cc.ingest.max-in-flight}) however many streams are open.
 *
 * <p>The bound is shared per project first, then per stream: with {@code P} projects streaming, a
 * stream of a project with {@code S} open streams may hold {@code max(1, bound / P / S)} records,
 * and never more than its own window. One or two streams keep their whole window (2 x 2,048 is
 * within the default bound of 4,096); eight streams flat out hold 512 each instead of 2,048.
 *
 * <p>Why: every record inside the hub is live heap (the parsed request, its mapped record, the
 * writer's bookkeeping) that each young collection copies; with eight streams of 2,048 that was
 * 16,384 records, while the writer needs only a batch being written and one forming
 * ({@code cc.ingest.batch-size} 1,000). Shares change as streams open and close: a stream asks for
 * more only up to its current share, so a shrinking share takes effect as its records settle, and
 * nothing it was allowed to send is refused (the rest waits in the client, held by HTTP/2 flow
 * control).
 *
 * <p>Thread-safe.
 */
public final class InFlightShares {
    private final int bound;
    private final Map<ProjectId, Integer> streams = new HashMap<>();

    /** @param bound most records of all streams together inside the hub (at least 1) */
    public InFlightShares(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be >= 1");
        }
        this.bound = bound;
    }

    /** No hub-wide bound: each stream has its own window. */
    public static InFlightShares unbounded() {
        return new InFlightShares(Integer.MAX_VALUE);
    }

    /** The hub-wide bound. */
    public int bound() {
        return bound;
    }

    /** A stream of {@code project} opened. */
    public synchronized void open(ProjectId project) {
        streams.merge(project, 1, Integer::sum);
    }

    /** A stream of {@code project} ended (once per {@link #open}). */
    public synchronized void close(ProjectId project) {
        streams.computeIfPresent(project, (p, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * The records one open stream of {@code project} may have inside the hub now: its share of the
     * bound, at least 1 (a stream always makes progress), at most {@code window}.
     */
    public synchronized int share(ProjectId project, int window) {
        int projects = Math.max(1, streams.size());
        int ofProject = Math.max(1, streams.getOrDefault(project, 0));
        long share = (long) bound / projects / ofProject;
        return (int) Math.max(1, Math.min(window, share));
    }

    /** Open streams of {@code project}. */
    public synchronized int openStreams(ProjectId project) {
        return streams.getOrDefault(project, 0);
    }
}
