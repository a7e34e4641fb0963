package io.commandcenter.scheduler.state;

import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.targets.GateOp;

import java.util.Map;
import java.util.Set;

/**
 * The scheduler's shared state: one pool per agent type, the target gates, the idempotency keys
 * and the project weights. Implementations: {@code InMemorySchedulerState} (one process) and
 * {@code HazelcastSchedulerState} (shared by every hub of a cluster, with backups).
 *
 * <p>Contract, for every implementation (held by {@code AbstractSchedulerStateContractTest}):
 * <ul>
 *   <li>{@link #pool} runs the operation atomically: no other operation on the same pool
 *       interleaves, from this process or another; the state is changed only by operations;</li>
 *   <li>an operation's effect survives the loss of any single cluster member once it returned;</li>
 *   <li>{@link #gate} and {@link #reserveKey} are atomic on their key;</li>
 *   <li>failures of the store surface as {@code CommandCenterException} UNAVAILABLE
 *       ({@code STATE_UNAVAILABLE}); an operation that failed so may or may not have been applied,
 *       and every operation is safe to repeat.</li>
 * </ul>
 * Thread-safe.
 */
public interface SchedulerState extends AutoCloseable {

    /**
     * Runs an operation on a pool, creating the pool with {@code config}'s policy first when the
     * operation {@link PoolOp#creates() creates} and there is none.
     */
    <R> R pool(String agentType, PoolConfig config, PoolOp<R> op);

    /** Runs an operation on every pool that exists; results by agent type. */
    <R> Map<String, R> pools(PoolConfig config, PoolOp<R> op);

    /** The agent types that have a pool. */
    Set<String> agentTypes();

    /** Runs an operation on a target gate; an emptied gate is deleted. */
    GateOp.Result gate(String gateKey, GateOp op);

    /**
     * Stores the record under the key unless the key exists.
     *
     * @return the record already stored, or null when this one was stored
     */
    IdempotencyRecord reserveKey(String key, IdempotencyRecord record, long ttlMillis);

    /** Stores (replaces) the record under the key. */
    void recordKey(String key, IdempotencyRecord record, long ttlMillis);

    /** The record under the key, or null when there is none (or it expired). */
    IdempotencyRecord key(String key);

    /**
     * The project's weight as this hub last heard of it, or {@code fallback} when none was set.
     * May lag a {@link #setWeight} on another hub by the replication delay: it only seeds a pool
     * that has never seen the project.
     */
    double weight(String project, double fallback);

    /** Sets the project's weight; every hub reads it within the replication delay. */
    void setWeight(String project, double weight);

    /** This process's identity in the cluster (what {@code PoolOps.PeerLost} names when it leaves). */
    String peerId();

    @Override
    void close();
}
