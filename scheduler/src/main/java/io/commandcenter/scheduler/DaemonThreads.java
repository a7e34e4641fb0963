package io.commandcenter.scheduler;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon threads of the scheduler and of the hub around it, named so that a thread dump tells them
 * apart. Daemon: a hub that was not closed does not keep its JVM alive.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** Threads all called {@code name}: for an executor of one thread, or one thread of its own. */
    public static ThreadFactory named(String name) {
        return body -> daemon(body, name);
    }

    /** Threads called {@code prefix} followed by 1, 2, 3, … in the order they are made. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger made = new AtomicInteger();
        return body -> daemon(body, prefix + made.incrementAndGet());
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
