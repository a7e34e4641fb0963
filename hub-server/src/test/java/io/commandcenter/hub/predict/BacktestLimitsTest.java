package io.commandcenter.hub.predict;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.commandcenter.hub.predict.grpc.PredictGrpcService;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Answers;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.proto.v1.BacktestRequest;
import io.commandcenter.proto.v1.BacktestResponse;
import io.commandcenter.proto.v1.BacktestStart;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hub backtest may hold: at most {@link PredictGrpcService#MAX_ROWS} rows, at most
 * {@link PredictGrpcService#MAX_CONCURRENT_BACKTESTS} at once, and its answer sent only as fast as the
 * client reads it. An assembled hub over a real port.
 */
class BacktestLimitsTest {
    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;

    @BeforeEach
    void start() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        hub.close();
    }

    /** A series of {@code rows} steps, one metric; the last line ends with a newline or not. */
    static byte[] csv(int rows, boolean lastNewline) {
        return csv(rows, 1, lastNewline);
    }

    /** A series of {@code rows} steps and {@code metrics} metric columns. */
    static byte[] csv(int rows, int metrics, boolean lastNewline) {
        StringBuilder csv = new StringBuilder(rows * (8 + 4 * metrics)).append("t");
        for (int j = 0; j < metrics; j++) {
            csv.append(",m").append(j);
        }
        csv.append('\n');
        for (int t = 0; t < rows; t++) {
            csv.append(t);
            for (int j = 0; j < metrics; j++) {
                csv.append(',').append(100 + (t + j) % 7);
            }
            csv.append('\n');
        }
        if (!lastNewline) {
            csv.setLength(csv.length() - 1);
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    StreamObserver<BacktestRequest> open(StreamObserver<BacktestResponse> answers) {
        StreamObserver<BacktestRequest> stream = GrpcFixture.scoped(PredictServiceGrpc.newStub(channel), "b")
                .backtest(answers);
        stream.onNext(BacktestRequest.newBuilder().setStart(BacktestStart.getDefaultInstance()).build());
        return stream;
    }

    static void send(StreamObserver<BacktestRequest> stream, byte[] csv) {
        for (int i = 0; i < csv.length; i += 1 << 20) {
            stream.onNext(BacktestRequest.newBuilder()
                    .setCsvChunk(ByteString.copyFrom(csv, i, Math.min(1 << 20, csv.length - i))).build());
        }
        stream.onCompleted();
    }

    /** Runs a backtest of {@code rows} rows; the answers, the summary last. */
    List<BacktestResponse> backtest(int rows) throws Exception {
        return backtest(csv(rows, true));
    }

    List<BacktestResponse> backtest(byte[] csv) throws Exception {
        List<BacktestResponse> answers = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        send(open(PredictiveHubTest.collect(answers, done)), csv);
        done.get(60, TimeUnit.SECONDS);
        return answers;
    }

    /** Sends {@code csv} and expects INVALID_ARGUMENT with {@code reason}, its message naming {@code limit}. */
    void assertRefused(byte[] csv, String reason, String limit) {
        CompletableFuture<Void> refused = new CompletableFuture<>();
        send(open(PredictiveHubTest.collect(new ArrayList<>(), refused)), csv);
        StatusRuntimeException e = Ingest.failure(refused);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(PredictiveHubTest.detail(e, ErrorInfo.class).getReason()).isEqualTo(reason);
        assertThat(e.getStatus().getDescription()).contains(limit);
    }

    @Test
    void aCsvOverALimit_isInvalidArgumentNamingIt_andTheNextBacktestRuns() throws Exception {
        int rows = PredictGrpcService.MAX_ROWS;
        assertRefused(csv(rows + 1, true), "CSV_TOO_MANY_ROWS", "500,000 rows");
        assertRefused(csv(rows + 1, false), "CSV_TOO_MANY_ROWS", "500,000 rows"); // its last row has no newline
        long values = PredictGrpcService.MAX_VALUES;
        assertRefused(csv((int) (values / 5) + 1, 5, true), "CSV_TOO_MANY_VALUES", "2,000,000 values");
        assertRefused(csv(3, PredictGrpcService.MAX_COLUMNS + 1, true), "CSV_TOO_MANY_COLUMNS", "1,000 metric columns");

        // exactly at the limit (the last row without a newline) is replayed whole
        List<BacktestResponse> answers = backtest(csv(rows, false));
        assertThat(answers.stream().mapToInt(a -> a.getRows().getRowsCount()).sum()).isEqualTo(rows);
        assertThat(answers.get(answers.size() - 1).getSummary().getRows()).isEqualTo(rows);
    }

    @Test
    void oneBacktestMoreThanTheHubRunsAtOnce_isResourceExhaustedWithARetryDelay_andTheOthersRun() throws Exception {
        int calls = PredictGrpcService.MAX_CONCURRENT_BACKTESTS + 1;
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        List<List<BacktestResponse>> answers = new ArrayList<>();
        List<StreamObserver<BacktestRequest>> streams = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            answers.add(new CopyOnWriteArrayList<>());
            outcomes.add(new CompletableFuture<>());
            streams.add(open(PredictiveHubTest.collect(answers.get(i), outcomes.get(i))));
        }
        // none has sent its CSV: whichever the hub saw last is refused, the others wait for their rows
        CompletableFuture.anyOf(outcomes.toArray(CompletableFuture[]::new)).handle((v, t) -> null)
                .get(10, TimeUnit.SECONDS);
        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            if (outcomes.get(i).isDone()) {
                refused.add(i);
            }
        }
        assertThat(refused).hasSize(1);
        StatusRuntimeException busy = Ingest.failure(outcomes.get(refused.get(0)));
        assertThat(busy.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(PredictiveHubTest.detail(busy, ErrorInfo.class).getReason()).isEqualTo("BACKTEST_BUSY");
        assertThat(PredictiveHubTest.detail(busy, RetryInfo.class).getRetryDelay().getSeconds()).isPositive();

        for (int i = 0; i < calls; i++) {
            if (i != refused.get(0)) {
                send(streams.get(i), csv(30, true));
                outcomes.get(i).get(60, TimeUnit.SECONDS);
                assertThat(answers.get(i).get(answers.get(i).size() - 1).getSummary().getRows()).isEqualTo(30);
            }
        }
        // their slots came back
        assertThat(backtest(20).get(0).getRows().getRowsCount()).isEqualTo(20);
    }

    /**
     * A client that asks for one answer at a time gets every row once, in order, then the summary: the hub
     * sends while the transport takes it and goes on when the client reads (12,000 rows: six messages).
     */
    @Test
    void aClientThatReadsOneAnswerAtATime_getsEveryRowInOrder_thenTheSummary() throws Exception {
        int rows = 12_000;
        Answers<BacktestRequest, BacktestResponse> reader = new Answers<>() {
            ClientCallStreamObserver<BacktestRequest> call;

            @Override
            public void beforeStart(ClientCallStreamObserver<BacktestRequest> requestStream) {
                call = requestStream;
                requestStream.disableAutoRequestWithInitial(1);
            }

            @Override
            public void onNext(BacktestResponse value) {
                super.onNext(value);
                call.request(1);
            }
        };
        StreamObserver<BacktestRequest> stream = GrpcFixture.scoped(PredictServiceGrpc.newStub(channel), "b")
                .backtest(reader);
        stream.onNext(BacktestRequest.newBuilder().setStart(BacktestStart.getDefaultInstance()).build());
        send(stream, csv(rows, true));
        reader.done.get(60, TimeUnit.SECONDS);
        List<BacktestResponse> answers = reader.answers;

        List<String> timestamps = answers.stream().filter(BacktestResponse::hasRows)
                .flatMap(a -> a.getRows().getRowsList().stream()).map(io.commandcenter.proto.v1.BacktestRow::getTimestamp)
                .toList();
        assertThat(timestamps).hasSize(rows);
        for (int i = 0; i < rows; i++) {
            assertThat(timestamps.get(i)).isEqualTo(Integer.toString(i));
        }
        assertThat(answers.get(answers.size() - 1).hasSummary()).isTrue();
        assertThat(answers.get(answers.size() - 1).getSummary().getRows()).isEqualTo(rows);
    }
}
