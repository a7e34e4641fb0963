package io.commandcenter.hub.telemetry.sql;

import java.io.Serializable;
import java.util.Objects;

/** Primary key of every telemetry table: the project and the record id within it. */
public class RecordKey implements Serializable {
    private static final long serialVersionUID = 1L;

    private String projectId;
    private String recordId;

    protected RecordKey() {
    }

    public RecordKey(String projectId, String recordId) {
        this.projectId = projectId;
        this.recordId = recordId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordKey k && Objects.equals(projectId, k.projectId) && Objects.equals(recordId, k.recordId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(projectId, recordId);
    }
}
