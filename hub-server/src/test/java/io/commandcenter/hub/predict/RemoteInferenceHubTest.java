package io.commandcenter.hub.predict;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.InferenceSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.proto.v1.AuditEntry;
import io.commandcenter.proto.v1.AuditServiceGrpc;
import io.commandcenter.proto.v1.FeatureInput;
import io.commandcenter.proto.v1.ListAuditEntriesRequest;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictResponse;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A hub scoring through a remote Open Inference Protocol endpoint — another hub's own OIP server — and falling
 * back to its local champion when that goes away; a sensitive project never calls out; a route to a host
 * not approved stops the hub, audited.
 */
class RemoteInferenceHubTest {
    static final String MODEL = "workflow_failure";

    @TempDir
    Path dir;
    Hub remote;
    Hub hub;
    ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (hub != null) {
            hub.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    /** Settings routing {@link #MODEL} to the remote hub's OIP server as project {@code scoring}. */
    Map<String, String> routeToRemote(String host) throws Exception {
        Path token = dir.resolve("remote.token");
        Files.writeString(token, Credentials.adminToken(remote));
        Map<String, String> p = new HashMap<>();
        p.put("cc.inference.endpoints", "hub-a");
        p.put("cc.inference.endpoint.hub-a.target", host + ":" + remote.grpcPort());
        p.put("cc.inference.endpoint.hub-a.project", "scoring");
        p.put("cc.inference.endpoint.hub-a.token-file", token.toString());
        p.put("cc.inference.endpoint.hub-a.attempts", "2");
        p.put("cc.inference.endpoint.hub-a.backoff", "PT0S");
        p.put("cc.inference.routes", MODEL + "=hub-a");
        p.put("cc.inference.approved-endpoints", "localhost");
        p.put("cc.inference.sensitive-projects", "secret");
        return p;
    }

    Hub start(Path data, Map<String, String> properties) {
        return Hub.start(HubSettings.defaults(data, 0), InferenceSettings.from(properties::get), Clock.systemUTC());
    }

    PredictResponse predict(Hub on, String project) {
        FeatureInput.Builder features = FeatureInput.newBuilder();
        List<String> names = on.registry().metadata(on.registry().resolve(ProjectId.of(project), MODEL, "")).features();
        for (int i = 0; i < names.size(); i++) {
            features.putValues(names.get(i), 0.2 * (i + 1));
        }
        ManagedChannel c = NettyChannelBuilder.forAddress("localhost", on.grpcPort()).usePlaintext()
                .intercept(Credentials.admin(on)).build();
        try {
            return GrpcFixture.scoped(PredictServiceGrpc.newBlockingStub(c), project).predict(PredictRequest.newBuilder()
                    .setModel(MODEL).setFeatures(features).build());
        } finally {
            c.shutdownNow();
        }
    }

    @Test
    void aRoutedModel_isScoredOnTheRemote_thenOnTheLocalChampionWhenTheRemoteGoesAway() throws Exception {
        remote = Hub.start(HubSettings.defaults(dir.resolve("a"), 0), Clock.systemUTC());
        hub = start(dir.resolve("b"), routeToRemote("localhost"));
        PredictResponse onRemote = predict(remote, "scoring");

        PredictResponse through = predict(hub, "shop");

        assertThat(through.getBackend()).isEqualTo("triton:hub-a");
        assertThat(through.getRisk()).as("the remote's answer").isCloseTo(onRemote.getRisk(), within(1e-6));
        assertThat(through.getFactorsCount()).isEqualTo(3);
        assertThat(predict(hub, "shop").getModel()).isEqualTo(MODEL);

        remote.close();
        remote = null;
        PredictResponse fallback = predict(hub, "shop");

        assertThat(fallback.getBackend()).isEqualTo("onnx (fallback from triton:hub-a: REMOTE_UNAVAILABLE)");
        assertThat(fallback.getRisk()).isCloseTo(through.getRisk(), within(1e-6));
    }

    @Test
    void aSensitiveProject_neverCallsOut_andTheRefusalIsAudited() throws Exception {
        remote = Hub.start(HubSettings.defaults(dir.resolve("a"), 0), Clock.systemUTC());
        hub = start(dir.resolve("b"), routeToRemote("localhost"));

        PredictResponse secret = predict(hub, "secret");

        // scored here, not on the remote (where it would say triton:hub-a) nor after trying it (a fallback would say so)
        assertThat(secret.getBackend()).isEqualTo("onnx");
        assertThat(predict(hub, "open").getBackend()).isEqualTo("triton:hub-a");
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(Credentials.admin(hub)).build();
        List<AuditEntry> refused = AuditServiceGrpc.newBlockingStub(channel).listAuditEntries(
                ListAuditEntriesRequest.newBuilder().setAllProjects(true).addActions("INFERENCE_REFUSED").build())
                .getEntriesList();
        assertThat(refused).singleElement().satisfies(e -> {
            assertThat(e.getProject()).isEqualTo("secret");
            assertThat(e.getSubject()).startsWith("model:" + MODEL + "@");
            assertThat(e.getDetailJson()).contains("PROJECT_SENSITIVE").contains("hub-a");
        });
    }

    @Test
    void aRouteToAHostNotApproved_stopsTheHub_withItsReason_andIsAudited() throws Exception {
        remote = Hub.start(HubSettings.defaults(dir.resolve("a"), 0), Clock.systemUTC());
        Map<String, String> settings = routeToRemote("127.0.0.1");

        assertThatThrownBy(() -> start(dir.resolve("b"), settings)).isInstanceOfSatisfying(CommandCenterException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                    assertThat(e.reason()).isEqualTo("ENDPOINT_NOT_APPROVED");
                    assertThat(e.getMessage()).contains("127.0.0.1");
                });

        hub = Hub.start(HubSettings.defaults(dir.resolve("b"), 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(Credentials.admin(hub)).build();
        List<AuditEntry> refused = AuditServiceGrpc.newBlockingStub(channel).listAuditEntries(
                ListAuditEntriesRequest.newBuilder().setAllProjects(true).addActions("INFERENCE_REFUSED").build())
                .getEntriesList();
        assertThat(refused).singleElement().satisfies(e -> {
            assertThat(e.getProject()).isEqualTo("global");
            assertThat(e.getDetailJson()).contains("ENDPOINT_NOT_APPROVED");
        });
    }
}
