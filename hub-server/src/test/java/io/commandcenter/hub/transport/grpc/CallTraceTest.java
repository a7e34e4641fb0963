package io.commandcenter.hub.transport.grpc;

import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.security.Principal;
import io.commandcenter.hub.security.Role;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictResponse;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call's trace context, made when a service first asks for it: the client's {@code traceparent}
 * when it sent a valid one, otherwise a new root; the same value however often the service asks.
 */
class CallTraceTest {
    private GrpcServerHost host;
    private ManagedChannel channel;

    /** Answers with the call's trace, asked for twice (model_version) and whether both were equal (model). */
    private static final class Traces extends PredictServiceGrpc.PredictServiceImplBase {
        @Override
        public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
            TraceContext first = CallContext.trace();
            TraceContext again = CallContext.trace();
            observer.onNext(PredictResponse.newBuilder().setModelVersion(first.traceparent())
                    .setModel(Boolean.toString(first.equals(again))).build());
            observer.onCompleted();
        }
    }

    @BeforeEach
    void start() {
        Caller caller = new Caller(ProjectId.of("default"), new Principal("t", Role.ADMIN, null, "k"));
        host = GrpcServerHost.start("127.0.0.1", 0, 1 << 20, 1 << 16, InsecureServerCredentials.create(),
                new CallerInterceptor((operation, required, header) -> caller, new SplittableRandom(3)),
                List.of(new Traces()), Clock.systemUTC(),
                new CallExecutors(CallExecutors.LOCAL_QUICK_METHODS, 2, Duration.ofSeconds(1)));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", host.port()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        host.close();
    }

    private PredictResponse call(String traceparent) {
        var stub = PredictServiceGrpc.newBlockingStub(channel);
        if (traceparent != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return stub.predict(PredictRequest.getDefaultInstance());
    }

    @Test
    void theClientsTraceparentIsContinued() {
        String sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        PredictResponse r = call(sent);
        assertThat(r.getModelVersion()).isEqualTo(sent);
        assertThat(r.getModel()).isEqualTo("true");
    }

    @Test
    void withoutOne_orWithAnInvalidOne_eachCallGetsItsOwnStableRoot() {
        PredictResponse a = call(null);
        PredictResponse b = call("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
        assertThat(TraceContext.isValid(a.getModelVersion())).isTrue();
        assertThat(TraceContext.isValid(b.getModelVersion())).isTrue();
        assertThat(a.getModelVersion()).isNotEqualTo(b.getModelVersion());
        assertThat(a.getModel()).isEqualTo("true");
        assertThat(b.getModel()).isEqualTo("true");
    }
}
