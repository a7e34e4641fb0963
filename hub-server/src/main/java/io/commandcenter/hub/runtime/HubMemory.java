package io.commandcenter.hub.runtime;

import io.commandcenter.common.concurrent.Shutdowns;
import io.commandcenter.hub.memory.IncidentVectors;
import io.commandcenter.memory.MemoryStore;
import io.commandcenter.memory.lucene.LuceneMemoryStore;
import io.commandcenter.memory.mem0.Mem0MemoryStore;
import io.commandcenter.scheduler.DaemonThreads;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The hub's memory store, chosen by configuration, and the one thread that writes run memories off
 * the runs' path (a bounded queue: past it, memories are dropped and logged, never a run delayed).
 */
record HubMemory(MemoryStore store, ExecutorService writer) implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HubMemory.class.getName());

    static HubMemory start(MemorySettings settings) {
        long started = System.nanoTime();
        MemoryStore store = switch (settings.backend()) {
            case "mem0" -> new Mem0MemoryStore(settings.mem0Url().orElseThrow(), settings.mem0ApiKey(),
                    IncidentVectors.DIMENSIONS, settings.mem0Timeout(), settings.mem0Budget(), Clock.systemUTC());
            default -> LuceneMemoryStore.open(settings.dir(), IncidentVectors.DIMENSIONS).openAll();
        };
        ExecutorService writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.writerQueue()), DaemonThreads.numbered("cc-memory-"),
                new ThreadPoolExecutor.AbortPolicy());
        LOG.log(Level.INFO, "memory: {0} ({1}) open in {2} ms", settings.backend(),
                settings.backend().equals("mem0") ? settings.mem0Url().orElseThrow() : settings.dir(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return new HubMemory(store, writer);
    }

    /**
     * Lets the writer finish what it was handed, waited up to 10 s; never interrupts it (Lucene, like H2,
     * closes its files under a thread interrupted inside them). Memories still queued after that are
     * dropped and counted in the log; the one being written is left to end against the closed store.
     */
    @Override
    public void close() {
        if (!Shutdowns.closeWithoutInterrupt(writer, Duration.ofSeconds(10), "the memory writer")
                && writer instanceof ThreadPoolExecutor pool) {
            List<Runnable> dropped = new ArrayList<>();
            pool.getQueue().drainTo(dropped);
            LOG.log(Level.WARNING, "memory writer still busy after 10 s; {0} memories not written", dropped.size());
        }
        store.close();
    }
}
