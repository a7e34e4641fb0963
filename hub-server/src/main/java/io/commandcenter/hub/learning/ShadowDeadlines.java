package io.commandcenter.hub.learning;

import io.commandcenter.hub.learning.ShadowGates.Gate;
import io.commandcenter.hub.remediate.Timers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a shadow wait is judged: at the end of its period, on a timer, rather than at the next minute
 * tick after it. One timer per pending wait, armed when the wait opens on this hub, or — after a
 * restart, or for a wait another hub opened — at the first tick that sees it, from the period stored
 * with it. When a timer fires it runs {@code due} (the gate's judgement of every wait whose period
 * ended); the minute tick stays as the fallback. Thread-safe.
 */
final class ShadowDeadlines {
    private final Timers timers;
    private final Runnable due;
    private final Map<String, Timers.Timer> armed = new ConcurrentHashMap<>();

    /**
     * @param timers when the timers fire (on the hub's clock)
     * @param due    judges the waits whose period ended; called on the timers' thread, so it should hand the
     *               work to the thread that judges
     */
    ShadowDeadlines(Timers timers, Runnable due) {
        this.timers = timers;
        this.due = due;
    }

    /** Arms the wait's timer at the end of its period, unless it is armed already. */
    void arm(Gate g) {
        String key = key(g);
        armed.computeIfAbsent(key, k -> timers.at(g.end(), () -> {
            armed.remove(k);
            due.run();
        }));
    }

    /** Cancels the wait's timer (it was decided). */
    void disarm(Gate g) {
        Timers.Timer t = armed.remove(key(g));
        if (t != null) {
            t.cancel();
        }
    }

    /** Timers armed and not fired yet. */
    int armed() {
        return armed.size();
    }

    private static String key(Gate g) {
        return g.project().value() + "/" + g.model() + "/" + g.version() + "/" + g.start();
    }
}
