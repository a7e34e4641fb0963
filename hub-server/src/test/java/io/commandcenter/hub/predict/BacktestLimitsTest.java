package io.commandcenter.hub.predict;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.commandcenter.hub.predict.grpc.PredictGrpcService;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.StreamLimits;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a hub backtest may hold: at most {@link PredictGrpcService#MAX_ROWS} rows, at most
 * {@link PredictGrpcService#MAX_CONCURRENT_BACKTESTS} replaying at once, its answer sent only as fast as the
 * client reads it, and no slot held by a client that sends or reads nothing for the idle timeout. An assembled
 * hub over a real port.
 */
class BacktestLimitsTest {
    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;

    @BeforeEach
    void start() {
        start(HubSettings.defaults(dir, 0));
    }

    void start(HubSettings settings) {
        hub = Hub.start(settings, Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        hub.close();
    }

    /** Starts the hub again with a backtest idle timeout of {@code idle}. */
    void restart(Duration idle) {
        stop();
        StreamLimits l = StreamLimits.defaults();
        start(HubSettings.defaults(dir, 0).withLimits(new StreamLimits(l.subscribersPerProject(),
                l.ingestStreamsPerProject(), l.ingestIdleTimeout(), l.sseHeartbeat(), l.ingestInFlight(), idle)));
    }

    /** A channel whose client takes at most 64 KiB of a stream's answers before the test reads them. */
    ManagedChannel smallWindow() {
        return NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().flowControlWindow(64 << 10)
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
    }

    /** A series of {@code rows} steps, one metric, every line ending in a bare CR. */
    static byte[] crCsv(int rows) {
        return new String(csv(rows, true), StandardCharsets.UTF_8).replace('\n', '\r').getBytes(StandardCharsets.UTF_8);
    }

    /** A client that reads the first answer, then none until the test asks ({@link #read}). */
    static final class SlowReader extends Answers<BacktestRequest, BacktestResponse> {
        final CompletableFuture<Void> first = new CompletableFuture<>();
        ClientCallStreamObserver<BacktestRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<BacktestRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(BacktestResponse value) {
            super.onNext(value);
            first.complete(null);
        }

        void read() {
            call.request(Integer.MAX_VALUE);
        }
    }

    /** Opens a backtest on {@code on} whose client reads one answer, and uploads {@code rows} rows. */
    SlowReader uploadAndReadOne(ManagedChannel on, int rows) throws Exception {
        SlowReader reader = new SlowReader();
        StreamObserver<BacktestRequest> stream = GrpcFixture.scoped(PredictServiceGrpc.newStub(on), "b").backtest(reader);
        stream.onNext(BacktestRequest.newBuilder().setStart(BacktestStart.getDefaultInstance()).build());
        send(stream, csv(rows, true));
        reader.first.get(60, TimeUnit.SECONDS); // replayed: it holds the replay slot until its answers are read
        return reader;
    }

    /** The timestamps of every row answered, in order. */
    static List<String> timestamps(List<BacktestResponse> answers) {
        return answers.stream().filter(BacktestResponse::hasRows)
                .flatMap(a -> a.getRows().getRowsList().stream()).map(io.commandcenter.proto.v1.BacktestRow::getTimestamp)
                .toList();
    }

    /** Expects {@code call} to end (within 10 s) UNAVAILABLE {@code BACKTEST_IDLE}, its message saying {@code why}. */
    static void assertIdle(CompletableFuture<Void> call, String why) throws Exception {
        call.handle((v, t) -> null).get(10, TimeUnit.SECONDS);
        StatusRuntimeException e = Ingest.failure(call);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(PredictiveHubTest.detail(e, ErrorInfo.class).getReason()).isEqualTo("BACKTEST_IDLE");
        assertThat(e.getStatus().getDescription()).contains(why);
    }

    /** How a backtest of {@code rows} rows ended: null if it completed, else its status. */
    Status attempt(int rows) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        send(open(PredictiveHubTest.collect(new ArrayList<>(), done)), csv(rows, true));
        return done.handle((v, t) -> t == null ? null : Status.fromThrowable(t)).get(60, TimeUnit.SECONDS);
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

    /** Bare-CR line ends count as rows, and a header ending in one is read as the header. */
    @Test
    void aCsvWithBareCrLineEnds_isCountedAsItsRows() throws Exception {
        assertRefused(crCsv(PredictGrpcService.MAX_ROWS + 1), "CSV_TOO_MANY_ROWS", "500,000 rows");
        List<BacktestResponse> answers = backtest(crCsv(20_000));
        assertThat(timestamps(answers)).hasSize(20_000);
        assertThat(answers.get(answers.size() - 1).getSummary().getRows()).isEqualTo(20_000);
    }

    /**
     * A backtest half-closed while another replays (the other's client has not read its answers) is
     * RESOURCE_EXHAUSTED with a retry delay; the other, read at last, gets every row once, in order, though
     * its client took at most 64 KiB at a time; then the slot is free.
     */
    @Test
    void aBacktestWhileAnotherReplays_isBusyWithARetryDelay_andTheOtherGetsEveryRowInOrder() throws Exception {
        ManagedChannel small = smallWindow();
        try {
            int rows = 100_000; // ~3 MB of answers: far more than the client's window and the hub's buffer
            SlowReader replaying = uploadAndReadOne(small, rows);

            CompletableFuture<Void> refused = new CompletableFuture<>();
            send(open(PredictiveHubTest.collect(new ArrayList<>(), refused)), csv(30, true));
            StatusRuntimeException busy = Ingest.failure(refused);
            assertThat(busy.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(PredictiveHubTest.detail(busy, ErrorInfo.class).getReason()).isEqualTo("BACKTEST_BUSY");
            assertThat(PredictiveHubTest.detail(busy, RetryInfo.class).getRetryDelay().getSeconds()).isPositive();

            replaying.read();
            replaying.done.get(60, TimeUnit.SECONDS);
            List<String> timestamps = timestamps(replaying.answers);
            assertThat(timestamps).hasSize(rows);
            for (int i = 0; i < rows; i++) {
                assertThat(timestamps.get(i)).isEqualTo(Integer.toString(i));
            }
            assertThat(replaying.last().getSummary().getRows()).isEqualTo(rows);
            // its slot came back before it was told the call ended
            assertThat(backtest(20).get(0).getRows().getRowsCount()).isEqualTo(20);
        } finally {
            small.shutdownNow();
        }
    }

    /** Calls that open and send nothing are ended BACKTEST_IDLE, and free their slots for the next. */
    @Test
    void callsThatSendNoChunk_areEndedIdle_andTheNextBacktestRuns() throws Exception {
        restart(Duration.ofMillis(300));
        List<CompletableFuture<Void>> idle = new ArrayList<>();
        for (int i = 0; i < PredictGrpcService.MAX_BACKTEST_UPLOADS; i++) {
            idle.add(new CompletableFuture<>());
            open(PredictiveHubTest.collect(new ArrayList<>(), idle.get(i)));
        }
        for (CompletableFuture<Void> call : idle) {
            assertIdle(call, "sent no CSV chunk");
        }
        assertThat(attempt(20)).isNull();
    }

    /** A call whose client never reads its answers is ended BACKTEST_IDLE, and frees the replay slot. */
    @Test
    void aCallWhoseClientReadsNoAnswers_isEndedIdle_andTheNextBacktestRuns() throws Exception {
        restart(Duration.ofMillis(300));
        ManagedChannel small = smallWindow();
        try {
            SlowReader stalled = uploadAndReadOne(small, 100_000);
            // the next backtest is BUSY until the hub ends the stalled one, then runs
            await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> attempt(20) == null);

            stalled.read(); // what the hub had sent, then the end
            assertIdle(stalled.done, "read no answer");
            assertThat(timestamps(stalled.answers)).hasSizeLessThan(100_000);
        } finally {
            small.shutdownNow();
        }
    }
}
