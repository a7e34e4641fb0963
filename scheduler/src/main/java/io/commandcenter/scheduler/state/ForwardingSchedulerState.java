package io.commandcenter.scheduler.state;

import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.targets.GateOp;

import java.util.Map;
import java.util.Set;

/**
 * A state that hands every call to another one: the base of a decorator that changes a few calls
 * (tests use it to fail or observe one kind of operation on a real state).
 */
public abstract class ForwardingSchedulerState implements SchedulerState {
    protected final SchedulerState real;

    protected ForwardingSchedulerState(SchedulerState real) {
        this.real = real;
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
    public IdempotencyRecord key(String key) {
        return real.key(key);
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
