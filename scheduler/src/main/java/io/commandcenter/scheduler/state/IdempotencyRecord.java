package io.commandcenter.scheduler.state;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * What an idempotency key of a project stands for: the task it created, the pool it lives in, the
 * fingerprint of the request (to tell a resend from a reuse of the key), and whether the task is
 * known to be queued (false while the submitting hub is between reserving the key and queueing).
 */
public record IdempotencyRecord(String taskId, String agentType, String fingerprint, boolean enqueued) {

    public IdempotencyRecord asEnqueued() {
        return new IdempotencyRecord(taskId, agentType, fingerprint, true);
    }

    public static void write(WireOut out, IdempotencyRecord r) {
        out.str(r.taskId).str(r.agentType).str(r.fingerprint).bool(r.enqueued);
    }

    public static IdempotencyRecord read(WireIn in) {
        return new IdempotencyRecord(in.str(), in.str(), in.str(), in.bool());
    }
}
