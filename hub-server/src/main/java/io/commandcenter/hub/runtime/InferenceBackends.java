package io.commandcenter.hub.runtime;

import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.MicroBatchingBackend;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.inference.remote.RemoteEndpoint;
import io.commandcenter.inference.remote.RoutingBackend;
import io.commandcenter.inference.triton.TritonBackend;
import io.commandcenter.inference.vertex.VertexBackend;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Builds the hub's {@link InferenceBackend} from its {@link InferenceSettings}: local ONNX Runtime, remote endpoints, routing. */
final class InferenceBackends {
    private InferenceBackends() {
    }

    /**
     * ONNX Runtime, behind micro-batching unless {@code cc.inference.batch.max-rows} is 1; alone when nothing is
     * routed out; else a {@link RoutingBackend} whose refusals go to
     * the audit trail ({@code INFERENCE_REFUSED}). On failure everything opened is closed again.
     */
    static InferenceBackend start(InferenceSettings inference, AuditTrail audit, String hubId, Clock clock) {
        OnnxBackend onnx = new OnnxBackend();
        InferenceBackend local = inference.batchMaxRows() > 1
                ? new MicroBatchingBackend(onnx, inference.batchMaxRows(), inference.batchMaxDelay()) : onnx;
        if (inference.endpoints().isEmpty() && inference.policy().routes().isEmpty()) {
            return local;
        }
        Map<String, InferenceBackend> remotes = new HashMap<>();
        try {
            for (RemoteEndpoint e : inference.endpoints().values()) {
                remotes.put(e.name(), switch (e.kind()) {
                    case "triton" -> new TritonBackend(e, clock);
                    case "vertex" -> new VertexBackend(e, clock);
                    default -> throw new IllegalArgumentException("cc.inference.endpoint." + e.name()
                            + ".kind: " + e.kind() + " is not supported");
                });
            }
            return new RoutingBackend(local, remotes, inference.endpoints(), inference.policy(),
                    (project, model, refusal) -> audit.record(AuditAction.INFERENCE_REFUSED,
                            project.isEmpty() ? AuditRecord.GLOBAL : project, "hub:" + hubId, "model:" + model,
                            AuditRecord.detail("reason", refusal.reason(), "message", refusal.getMessage(),
                                    "endpoint", refusal.metadata().get("endpoint"))));
        } catch (RuntimeException e) {
            remotes.values().forEach(InferenceBackend::close);
            local.close();
            throw e;
        }
    }
}
