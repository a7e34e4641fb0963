package io.commandcenter.scheduler.targets;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Objects;

/**
 * One operation on a {@link TargetGate}, as a value a state store runs atomically where the gate
 * lives. An emptied gate is deleted.
 */
public record GateOp(Kind kind, String taskId, String agentType) {
    public enum Kind {
        ACQUIRE,
        RELEASE
    }

    public GateOp {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(agentType, "agentType");
    }

    /**
     * What the operation did.
     *
     * @param acquired   ACQUIRE: whether the task holds the gate
     * @param nextHolder RELEASE: the task that got the gate, or null
     */
    public record Result(boolean acquired, TargetGate.Holder nextHolder) {
        public static void write(WireOut out, Result r) {
            out.bool(r.acquired).optional(r.nextHolder, (o, h) -> o.str(h.taskId()).str(h.agentType()));
        }

        public static Result read(WireIn in) {
            return new Result(in.bool(), in.optional(i -> new TargetGate.Holder(i.str(), i.str())));
        }
    }

    /** Applies the operation to a gate (null: none yet). */
    public Result apply(TargetGate gate) {
        return switch (kind) {
            case ACQUIRE -> new Result(gate.acquire(taskId, agentType), null);
            case RELEASE -> new Result(false, gate.release(taskId));
        };
    }

    public static void write(WireOut out, GateOp op) {
        out.i32(op.kind.ordinal()).str(op.taskId).str(op.agentType);
    }

    public static GateOp read(WireIn in) {
        return new GateOp(Kind.values()[in.i32()], in.str(), in.str());
    }
}
