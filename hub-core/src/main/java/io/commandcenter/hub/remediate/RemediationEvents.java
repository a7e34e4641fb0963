package io.commandcenter.hub.remediate;

import io.commandcenter.hub.predict.PredictionRecord;

import java.util.Optional;

/**
 * What the engine tells the world, as events: the transport layer renders them (protobuf payloads
 * on the bus) so this package stays plain Java.
 * <ul>
 *   <li>{@code workflow.run.<state>}: a run was created or changed state;</li>
 *   <li>{@code approval.requested}: a person must decide, with the whole prediction;</li>
 *   <li>{@code approval.<approved|rejected|expired>}: the decision;</li>
 *   <li>{@code remediation.outcome.<recovered|not_recovered|worse>}: what came of a decision.</li>
 * </ul>
 */
public interface RemediationEvents {

    void runChanged(RunRecord run, Optional<PredictionRecord> prediction);

    void approvalRequested(ApprovalRecord approval, Optional<PredictionRecord> prediction, RunRecord run);

    void approvalDecided(ApprovalRecord approval, Optional<PredictionRecord> prediction, RunRecord run);

    void outcomeObserved(ActionRecord action);

    /** Tells nobody (tests of the engine alone). */
    static RemediationEvents none() {
        return new RemediationEvents() {
            @Override
            public void runChanged(RunRecord run, Optional<PredictionRecord> prediction) {
            }

            @Override
            public void approvalRequested(ApprovalRecord approval, Optional<PredictionRecord> prediction,
                                          RunRecord run) {
            }

            @Override
            public void approvalDecided(ApprovalRecord approval, Optional<PredictionRecord> prediction,
                                        RunRecord run) {
            }

            @Override
            public void outcomeObserved(ActionRecord action) {
            }
        };
    }
}
