package io.commandcenter.hub.metrics.grpc;

import com.google.protobuf.Timestamp;
import io.commandcenter.common.error.grpc.Unary;
import io.commandcenter.hub.metrics.HubStats;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.proto.v1.GetStatsRequest;
import io.commandcenter.proto.v1.GetStatsResponse;
import io.commandcenter.proto.v1.StatsServiceGrpc;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.time.Instant;

/** {@code StatsService}: the headline figures of the caller's project ({@code cc stats}, guide section 21). */
public final class StatsGrpcService extends StatsServiceGrpc.StatsServiceImplBase {
    private final HubStats stats;
    private final RemediationEngine remediation;
    private final String hubId;

    public StatsGrpcService(HubStats stats, RemediationEngine remediation, String hubId) {
        this.stats = stats;
        this.remediation = remediation;
        this.hubId = hubId;
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> observer) {
        Unary.answer(observer, () -> answer(CallContext.caller().project(), request));
    }

    /** The answer for {@code project} (the REST mirror calls this too). */
    public GetStatsResponse answer(ProjectId project, GetStatsRequest request) {
        Duration window = null;
        if (request.hasWindow()) {
            com.google.protobuf.Duration w = request.getWindow();
            // checked before building a java.time.Duration: hostile values overflow it
            if (w.getSeconds() < 0 || w.getNanos() < 0 || w.getNanos() > 999_999_999
                    || w.getSeconds() > HubStats.MAX_WINDOW.getSeconds()) {
                throw io.commandcenter.common.error.CommandCenterException.invalid("OUT_OF_RANGE", "window",
                        "window must be a duration from 0 to 24h");
            }
            window = Duration.ofSeconds(w.getSeconds(), w.getNanos());
        }
        HubStats.Figures f = stats.figures(project, window);
        HubStats.Totals c = f.counts();
        GetStatsResponse.Builder b = GetStatsResponse.newBuilder().setHubId(hubId).setSince(ts(f.since()))
                .setUntil(ts(f.until())).setPredictions(Math.round(c.predictions()))
                .setTruePositives(Math.round(c.truePositives())).setFalsePositives(Math.round(c.falsePositives()))
                .setMissedIncidents(Math.round(c.missed())).setDecisionsAutomatic(Math.round(c.automatic()))
                .setDecisionsApproval(Math.round(c.approval())).setDecisionsRefused(Math.round(c.refused()))
                .setAutomaticOutcomes(Math.round(c.automaticOutcomes()))
                .setAutomaticRecovered(Math.round(c.automaticRecovered()))
                .setApprovalsPending(remediation.pendingApprovals(project));
        f.averageConfidence().ifPresent(b::setAverageConfidence);
        f.precision().ifPresent(b::setPrecision);
        f.recall().ifPresent(b::setRecall);
        f.f1().ifPresent(b::setF1);
        f.falsePositiveRate().ifPresent(b::setFalsePositiveRate);
        f.successRatio().ifPresent(b::setSuccessRatio);
        return b.build();
    }

    private static Timestamp ts(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
