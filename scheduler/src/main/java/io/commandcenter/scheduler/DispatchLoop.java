package io.commandcenter.scheduler;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Coalesces "this pool may have work to assign" signals and runs one dispatch per signalled pool:
 * on a thread of its own in background mode, or when {@link #runPending()} is called. A pool
 * signalled while it is being dispatched is dispatched again.
 */
final class DispatchLoop implements AutoCloseable {
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Consumer<String> dispatcher;
    private final Object wake = new Object();
    private final Thread thread;
    private final QuietLog quiet;
    private volatile boolean running = true;

    DispatchLoop(Consumer<String> dispatcher, boolean background, String name, QuietLog quiet) {
        this.dispatcher = dispatcher;
        this.quiet = quiet;
        if (background) {
            thread = DaemonThreads.named(name).newThread(this::loop);
            thread.start();
        } else {
            thread = null;
        }
    }

    void signal(String agentType) {
        if (dirty.add(agentType) && thread != null) {
            synchronized (wake) {
                wake.notifyAll();
            }
        }
    }

    /** Dispatches every signalled pool until none is left (manual mode; harmless in background mode). */
    void runPending() {
        while (!dirty.isEmpty()) {
            for (String type : Set.copyOf(dirty)) {
                dirty.remove(type);
                dispatchSafely(type);
            }
        }
    }

    private void loop() {
        while (running) {
            synchronized (wake) {
                while (running && dirty.isEmpty()) {
                    try {
                        wake.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            runPending();
        }
    }

    private void dispatchSafely(String type) {
        try {
            dispatcher.accept(type);
        } catch (RuntimeException e) {
            if (running) {
                quiet.warn("dispatch of pool " + type, e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            synchronized (wake) {
                wake.notifyAll();
            }
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
