package io.commandcenter.hub.remediate;

/**
 * Everything remediation keeps, in one database: each part of the engine is handed only the store
 * it uses ({@link WorkflowStore}, {@link RunStore}, {@link ApprovalStore}, {@link ActionStore},
 * {@link AutonomyStore}). A run, its approval and its first decision are created in one transaction
 * ({@link RunStore#create}), which is why one implementation serves them all: {@code
 * JpaRemediationStore} (H2, PostgreSQL); the tests' in-memory one is the oracle of the same contract.
 */
public interface RemediationStore extends WorkflowStore, RunStore, ApprovalStore, ActionStore, AutonomyStore {
}
