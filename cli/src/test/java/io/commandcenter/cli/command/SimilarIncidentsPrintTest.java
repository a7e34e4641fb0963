package io.commandcenter.cli.command;

import com.google.protobuf.Timestamp;
import io.commandcenter.proto.v1.Approval;
import io.commandcenter.proto.v1.Prediction;
import io.commandcenter.proto.v1.SimilarIncident;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code cc predictions get} and the approval prompt show of the similar past incidents. */
class SimilarIncidentsPrintTest {
    static final Prediction PREDICTION = Prediction.newBuilder().setPredictionId("p-2").setRecommendedAction("scale")
            .setRecommendationNote("restart did not recover 1 similar incident (service/checkout-api 2026-12-01 09:14);"
                    + " scale recovered 1: scale first")
            .addSimilar(SimilarIncident.newBuilder().setMemoryId("run-a").setEntity("service/checkout-api")
                    .setTime(Timestamp.newBuilder().setSeconds(Instant.parse("2026-12-01T09:14:00Z").getEpochSecond()))
                    .setSimilarity(0.94).setAction("restart").setOutcome("not_recovered"))
            .addSimilar(SimilarIncident.newBuilder().setMemoryId("run-b").setEntity("service/checkout-api")
                    .setTime(Timestamp.newBuilder().setSeconds(Instant.parse("2026-11-20T08:00:00Z").getEpochSecond()))
                    .setSimilarity(0.81).setAction("scale").setOutcome("recovered"))
            .build();

    @Test
    void predictionsGet_listsEachSimilarIncident_andWhyTheActionIsWhatItIs() {
        StringWriter text = new StringWriter();
        PredictionsCommand.similar(new PrintWriter(text, true), PREDICTION, "");

        assertThat(text.toString()).contains(
                "service/checkout-api         2026-12-01 09:14  0.94  restart -> not_recovered",
                "service/checkout-api         2026-11-20 08:00  0.81  scale -> recovered",
                "why action   restart did not recover 1 similar incident");
    }

    @Test
    void predictionsGet_saysSoWhenMemoryHasNothing() {
        StringWriter text = new StringWriter();
        PredictionsCommand.similar(new PrintWriter(text, true), Prediction.getDefaultInstance(), "");

        assertThat(text.toString()).contains("similar      none in this project's memory");
    }

    @Test
    void theApprovalPrompt_showsWhatWorkedBefore() {
        StringWriter text = new StringWriter();
        ApprovalsCommand.card(new PrintWriter(text, true), Approval.newBuilder().setApprovalId("ap-1")
                .setPrediction(PREDICTION).build(), Instant.parse("2026-12-06T08:00:00Z"));

        assertThat(text.toString()).contains("similar past incidents", "restart -> not_recovered", "0.94 alike",
                "scale -> recovered", "why scale", "scale first");
    }
}
