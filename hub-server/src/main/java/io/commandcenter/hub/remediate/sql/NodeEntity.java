package io.commandcenter.hub.remediate.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/** Row of {@code remediation_node}. */
@Entity
@Table(name = "remediation_node")
@IdClass(NodeEntity.Key.class)
public class NodeEntity {
    @Id
    @Column(name = "run_id")
    String runId;
    @Id
    @Column(name = "node_id")
    String nodeId;
    @Column(name = "node_order")
    int order;
    @Column(name = "agent")
    String agent;
    @Column(name = "action")
    String action;
    @Column(name = "state")
    String state;
    @Column(name = "attempts")
    int attempts;
    @Column(name = "task_id")
    String taskId;
    @Column(name = "inputs_json")
    String inputsJson;
    @Column(name = "output_json")
    String outputJson;
    @Column(name = "error")
    String error;
    @Column(name = "compensation")
    boolean compensation;
    @Column(name = "started_at")
    OffsetDateTime startedAt;
    @Column(name = "finished_at")
    OffsetDateTime finishedAt;
    @Column(name = "next_attempt_at")
    OffsetDateTime nextAttemptAt;

    /** Primary key. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        String runId;
        String nodeId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(runId, k.runId) && Objects.equals(nodeId, k.nodeId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(runId, nodeId);
        }
    }
}
