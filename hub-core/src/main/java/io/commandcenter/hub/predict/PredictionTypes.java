package io.commandcenter.hub.predict;

/**
 * The prediction type of a model, the last token of {@code prediction.created.<type>}: the
 * service-health model predicts a {@code risk}, compliance_risk a failing audit ({@code compliance}),
 * workflow_failure a failing run ({@code failure}); other models predict a {@code risk}.
 */
public final class PredictionTypes {
    private PredictionTypes() {
    }

    public static String of(String modelName) {
        return switch (modelName) {
            case FeatureBook.COMPLIANCE_RISK -> "compliance";
            case FeatureBook.WORKFLOW_FAILURE -> "failure";
            default -> "risk";
        };
    }
}
