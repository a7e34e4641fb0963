package io.commandcenter.benchmarks.predict;

import io.commandcenter.benchmarks.HubCredentials;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.InferenceSettings;
import io.commandcenter.proto.inference.GRPCInferenceServiceGrpc;
import io.commandcenter.proto.inference.InferParameter;
import io.commandcenter.proto.inference.InferTensorContents;
import io.commandcenter.proto.inference.ModelInferRequest;
import io.commandcenter.proto.inference.ModelInferResponse;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ModelInfer} (KServe v2) on the hub with {@code --clients} concurrent blocking clients, in one run:
 * <ul>
 *   <li><b>echo</b>: a bare grpc-java server answering the same request with a response of the same shape,
 *       no auth, no model (the transport's ceiling);</li>
 *   <li><b>batched</b> / <b>unbatched</b>: a hub with micro-batching on (256 rows) and off;</li>
 *   <li><b>remote</b>: a hub that routes the model to another hub's OIP server (hub → loopback OIP server →
 *       ONNX Runtime), against the same hub scoring locally.</li>
 * </ul>
 * Rounds alternate the configurations; each round warms up, then counts calls and keeps every latency.
 * {@code --explain true} asks for factors too (one call of features + 1 rows per request).
 * <pre>./mvnw -q -B -o -pl benchmarks exec:java -Dexec.mainClass=io.commandcenter.benchmarks.predict.ModelInferBenchmark \
 *     -Dexec.args="--clients 64 --seconds 10 --warmup 5 --rounds 2 --explain false"</pre>
 */
public final class ModelInferBenchmark {
    private static final String MODEL = "service_health";
    private static final String PROJECT = "bench";

    private ModelInferBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 64;
        int seconds = 10;
        int warmup = 5;
        int rounds = 2;
        boolean explain = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--explain" -> explain = Boolean.parseBoolean(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("cc-oip-bench");
        HubSettings base = HubSettings.defaults(dir.resolve("batched"), 0);
        base = base.withSecurity(base.security().withCallRate(0, 1));
        HubSettings unbatchedSettings = HubSettings.defaults(dir.resolve("unbatched"), 0);
        unbatchedSettings = unbatchedSettings.withSecurity(unbatchedSettings.security().withCallRate(0, 1));
        HubSettings remoteSettings = HubSettings.defaults(dir.resolve("remote"), 0);
        remoteSettings = remoteSettings.withSecurity(remoteSettings.security().withCallRate(0, 1));

        try (Hub batched = Hub.start(base, InferenceSettings.defaults(), Clock.systemUTC());
             Hub unbatched = Hub.start(unbatchedSettings, InferenceSettings.defaults().withBatching(1, Duration.ZERO),
                     Clock.systemUTC())) {
            Path token = dir.resolve("batched.token");
            Files.writeString(token, Files.readString(batched.settings().security().adminKeyFile()).strip());
            Map<String, String> route = new HashMap<>();
            route.put("cc.inference.endpoints", "hub-a");
            route.put("cc.inference.endpoint.hub-a.target", "localhost:" + batched.grpcPort());
            route.put("cc.inference.endpoint.hub-a.project", PROJECT);
            route.put("cc.inference.endpoint.hub-a.token-file", token.toString());
            route.put("cc.inference.routes", MODEL + "=hub-a");
            route.put("cc.inference.approved-endpoints", "localhost");
            try (Hub remote = Hub.start(remoteSettings, InferenceSettings.from(route::get), Clock.systemUTC());
                 Echo echo = new Echo()) {
                List<String> features = batched.registry().metadata(batched.registry().resolve(ProjectId.of(PROJECT),
                        MODEL, "")).features();
                ModelInferRequest request = request(features, explain);
                System.out.printf(Locale.ROOT, "ModelInfer %s, 1 row, explain=%s, %d clients, %d s per round after %d s"
                        + " warm-up, %d rounds (cores: %d)%n", MODEL, explain, clients, seconds, warmup, rounds,
                        Runtime.getRuntime().availableProcessors());
                Map<String, Target> targets = new java.util.LinkedHashMap<>();
                targets.put("echo (bare grpc-java, same payload)", new Target(echo.port(), null));
                targets.put("hub, micro-batching on", new Target(batched.grpcPort(), HubCredentials.admin(batched)));
                targets.put("hub, micro-batching off", new Target(unbatched.grpcPort(), HubCredentials.admin(unbatched)));
                targets.put("hub -> hub OIP (remote route)", new Target(remote.grpcPort(), HubCredentials.admin(remote)));
                Map<String, List<Result>> results = new java.util.LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (Map.Entry<String, Target> t : targets.entrySet()) {
                        Result result = run(t.getValue(), request, clients, warmup, seconds);
                        results.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(result);
                        System.out.printf(Locale.ROOT, "  round %d  %-36s %9.0f calls/s  p50 %6.2f ms  p99 %6.2f ms"
                                + "  errors %d%n", r + 1, t.getKey(), result.perSecond, result.p50, result.p99, result.errors);
                    }
                }
                System.out.println("best round of each (calls/s, p50, p99):");
                for (Map.Entry<String, List<Result>> e : results.entrySet()) {
                    Result best = e.getValue().stream().max((a, b) -> Double.compare(a.perSecond, b.perSecond))
                            .orElseThrow();
                    System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f ms | %.2f ms |%n", e.getKey(), best.perSecond,
                            best.p50, best.p99);
                }
            }
        }
    }

    record Target(int port, ClientInterceptor credentials) {
    }

    record Result(double perSecond, double p50, double p99, long errors) {
    }

    static ModelInferRequest request(List<String> features, boolean explain) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(MODEL);
        for (int j = 0; j < features.size(); j++) {
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(features.get(j)).setDatatype("FP32")
                    .addShape(1).setContents(InferTensorContents.newBuilder().addFp32Contents(0.1f * (j + 1))));
        }
        if (!explain) {
            b.putParameters("explain", InferParameter.newBuilder().setBoolParam(false).build());
        }
        return b.build();
    }

    static Result run(Target target, ModelInferRequest request, int clients, int warmup, int seconds)
            throws InterruptedException {
        Metadata project = new Metadata();
        project.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), PROJECT);
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            channels.add(NettyChannelBuilder.forAddress("localhost", target.port()).usePlaintext().build());
        }
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channels.get(c % channels.size()))
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(project));
            var called = target.credentials() == null ? stub : stub.withInterceptors(target.credentials());
            Thread thread = new Thread(() -> {
                long[] own = new long[1 << 16];
                int n = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        called.modelInfer(request);
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                    if (measuring.get()) {
                        if (n == own.length) {
                            own = Arrays.copyOf(own, n * 2);
                        }
                        own[n++] = System.nanoTime() - t0;
                    }
                }
                latencies[client] = own;
                counts[client] = n;
                done.countDown();
            }, "bench-client-" + c);
            thread.setDaemon(true);
            thread.start();
        }
        Thread.sleep(warmup * 1000L);
        errors.set(0);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        done.await(60, TimeUnit.SECONDS);
        channels.forEach(ManagedChannel::shutdownNow);
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        return new Result(total / (elapsed / 1e9), percentile(all, 0.50), percentile(all, 0.99), errors.get());
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /** A bare OIP server answering every ModelInfer with a fixed response of the hub's shape. */
    static final class Echo implements AutoCloseable {
        private final Server server;

        Echo() throws java.io.IOException {
            ModelInferResponse answer = ModelInferResponse.newBuilder().setModelName(MODEL).setModelVersion("x")
                    .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("risk").setDatatype("FP32")
                            .addShape(1).setContents(InferTensorContents.newBuilder().addFp32Contents(0.5f)))
                    .putParameters("backend", InferParameter.newBuilder().setStringParam("[\"onnx\"]").build())
                    .putParameters("threshold", InferParameter.newBuilder().setStringParam("0.8").build()).build();
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                        @Override
                        public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
                            observer.onNext(answer);
                            observer.onCompleted();
                        }
                    }).build().start();
        }

        int port() {
            return server.getPort();
        }

        @Override
        public void close() {
            server.shutdownNow();
        }
    }
}
