package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.state.IdempotencyRecord;
import io.commandcenter.scheduler.state.SchedulerState;
import io.commandcenter.scheduler.targets.GateOp;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduler state whose idempotency-key look-ups fail with UNAVAILABLE the first {@code failures}
 * times they are made (as Hazelcast's do while partitions migrate), and answer from the real state
 * after that; everything else is the real state's.
 */
final class FailingKeysState implements SchedulerState {
    private final SchedulerState real;
    private final AtomicInteger failuresLeft;
    final AtomicInteger lookUps = new AtomicInteger();

    FailingKeysState(SchedulerState real, int failures) {
        this.real = real;
        this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public IdempotencyRecord key(String key) {
        lookUps.incrementAndGet();
        if (failuresLeft.getAndDecrement() > 0) {
            throw new CommandCenterException(ErrorKind.UNAVAILABLE, "STATE_UNAVAILABLE", "partitions are migrating (test)");
        }
        return real.key(key);
    }

    @Override
    public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
        return real.pool(agentType, config, op);
    }

    @Override
    public <R> Map<String, R> pools(PoolConfig config, PoolOp<R> op) {
        return real.pools(config, op);
    }

    @Override
    public Set<String> agentTypes() {
        return real.agentTypes();
    }

    @Override
    public GateOp.Result gate(String gateKey, GateOp op) {
        return real.gate(gateKey, op);
    }

    @Override
    public IdempotencyRecord reserveKey(String key, IdempotencyRecord record, long ttlMillis) {
        return real.reserveKey(key, record, ttlMillis);
    }

    @Override
    public void recordKey(String key, IdempotencyRecord record, long ttlMillis) {
        real.recordKey(key, record, ttlMillis);
    }

    @Override
    public double weight(String project, double fallback) {
        return real.weight(project, fallback);
    }

    @Override
    public void setWeight(String project, double weight) {
        real.setWeight(project, weight);
    }

    @Override
    public String peerId() {
        return real.peerId();
    }

    @Override
    public void close() {
        real.close();
    }
}
