/**
 * Workflow definitions: what starts a remediation, what it does, and the guard rails around it.
 * Plain Java (no frameworks); the engine, storage and transports build on it.
 *
 * <p>How an engine uses it:
 * <ol>
 *   <li><b>Load</b>: {@link io.commandcenter.hub.workflow.WorkflowParser#parse} turns YAML into an
 *       immutable {@link io.commandcenter.hub.workflow.Workflow}, or throws INVALID
 *       {@code WORKFLOW_INVALID} with one field violation per problem, each naming its line and
 *       column. {@link io.commandcenter.hub.workflow.Workflow#sha256()} identifies the revision a
 *       run is pinned to.</li>
 *   <li><b>Match</b>: for each event, {@link io.commandcenter.hub.workflow.Trigger#matches} with the
 *       event's subject and {@link io.commandcenter.hub.workflow.PredictionFields#of} of its
 *       prediction; for schedules, {@link io.commandcenter.hub.workflow.Trigger#nextFire}.</li>
 *   <li><b>Decide</b>: {@link io.commandcenter.hub.workflow.Approval#needsHuman},
 *       {@link io.commandcenter.hub.workflow.Concurrency}, {@link io.commandcenter.hub.workflow.BlastRadius},
 *       and the rendered {@link io.commandcenter.hub.workflow.Workflow#idempotencyKey()}.</li>
 *   <li><b>Run</b>: start {@link io.commandcenter.hub.workflow.Workflow#roots()}; when a node succeeds,
 *       start each of its {@link io.commandcenter.hub.workflow.Workflow#dependents} whose
 *       {@link io.commandcenter.hub.workflow.Workflow#dependenciesOf dependencies} have all succeeded;
 *       render a node's inputs with {@link io.commandcenter.hub.workflow.WorkflowNode#renderInputs}
 *       over {@link io.commandcenter.hub.workflow.RunBindings}. Inputs are data for the agent: nothing
 *       in them is evaluated or passed through a shell.</li>
 *   <li><b>Fail</b>: retry while {@link io.commandcenter.hub.workflow.RetryPolicy#retries}, waiting
 *       {@link io.commandcenter.hub.workflow.RetryPolicy#delay}; a node that fails for good runs
 *       {@link io.commandcenter.hub.workflow.Workflow#compensationFor} if any, and its dependents
 *       do not run.</li>
 * </ol>
 */
package io.commandcenter.hub.workflow;
