package io.commandcenter.hub.project;

import io.commandcenter.common.error.CommandCenterException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A hub-wide number of slots (event subscriptions, ingest streams) of which one project holds at
 * most its share, so a project that opens as many as it can never shuts the others out. Refusals
 * are EXHAUSTED: {@code reason} when the hub is full, {@code reason + "_IN_PROJECT"} when the
 * caller's project holds its share; neither says anything about other projects.
 */
public final class ProjectShares {
    private final String what;
    private final String reason;
    private final int total;
    private final int perProject;
    private final Map<ProjectId, Integer> held = new HashMap<>();
    private int used;

    /**
     * @param what       what a slot is, plural, for messages ("event subscriptions")
     * @param reason     the reason of a refusal when the hub is full
     * @param total      slots of the whole hub
     * @param perProject slots one project may hold at once (at most {@code total})
     */
    public ProjectShares(String what, String reason, int total, int perProject) {
        if (total < 1 || perProject < 1 || perProject > total) {
            throw new IllegalArgumentException("need 1 <= perProject <= total, got " + perProject + " of " + total);
        }
        this.what = what;
        this.reason = reason;
        this.total = total;
        this.perProject = perProject;
    }

    /**
     * Takes a slot for {@code project}; run the answer (once is enough, more is harmless) to give it back.
     *
     * @throws CommandCenterException EXHAUSTED when the hub holds {@code total} slots or the project its share
     */
    public synchronized Runnable acquire(ProjectId project) {
        int mine = held.getOrDefault(project, 0);
        if (used >= total) {
            throw CommandCenterException.exhausted(reason, "the hub already serves " + total + " " + what
                    + "; retry later");
        }
        if (mine >= perProject) {
            throw CommandCenterException.exhausted(reason + "_IN_PROJECT", "project " + project.value()
                    + " already holds " + perProject + " " + what + ", its share of the hub; close one or retry later");
        }
        held.put(project, mine + 1);
        used++;
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(project);
            }
        };
    }

    private synchronized void release(ProjectId project) {
        held.computeIfPresent(project, (p, n) -> n <= 1 ? null : n - 1);
        used--;
    }

    /** Slots held by the whole hub. */
    public synchronized int used() {
        return used;
    }

    /** Slots {@code project} holds. */
    public synchronized int held(ProjectId project) {
        return held.getOrDefault(project, 0);
    }

    /** The share of one project. */
    public int perProject() {
        return perProject;
    }
}
