package io.commandcenter.hub.transport.grpc;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Timers that check long-lived calls for idleness. */
public final class IdleTimers {
    private IdleTimers() {
    }

    /** One daemon thread named {@code threadName}; a cancelled check leaves its queue at once. */
    public static ScheduledThreadPoolExecutor daemon(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
