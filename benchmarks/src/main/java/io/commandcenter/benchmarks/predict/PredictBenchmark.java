package io.commandcenter.benchmarks.predict;

import io.commandcenter.benchmarks.ThreadCpu;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.proto.v1.FeatureInput;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code Predict} over gRPC with 16 concurrent clients — scoring with the champion, explaining
 * (occlusion through ONNX Runtime) and computing confidence on every call — side by side with a
 * bare grpc-java unary echo of the same request bytes on the same machine, in the same run (on
 * grpc-java's default executor, the baseline, and on a fixed pool of one thread per core: the
 * transport's own ceiling). {@code Predict} is measured as the hub runs it (on the transport's event loop
 * once its key is cached) and again with that turned off (on the quick pool), in the same process and
 * round. All over loopback with one channel each
 * and blocking stubs; warm-up first. Each path's process CPU a call is printed beside it, and how
 * much CPU the process spends idle before the measured round (the hub's background work, which every
 * path pays); {@code --threads} adds where each path's CPU went by thread group.
 *
 * <pre>./mvnw -q -pl benchmarks exec:java -Dexec.mainClass=io.commandcenter.benchmarks.predict.PredictBenchmark \
 *     -Dexec.args="--clients 16 --warmup 10 --seconds 20"</pre>
 */
public final class PredictBenchmark {

    public record Result(String path, long calls, double seconds, long p50Nanos, long p99Nanos) {
        public double rate() {
            return calls / seconds;
        }
    }

    /** A measured path with the process CPU it cost and, by thread group, where that went. */
    private record Measured(Result result, long cpuNanos, String threads) {
        double cpuMicrosPerCall() {
            return cpuNanos / 1e3 / result.calls();
        }
    }

    private static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("bench.Echo/Echo")
            .setRequestMarshaller(new Bytes())
            .setResponseMarshaller(new Bytes())
            .build();

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        for (var h : java.util.logging.Logger.getLogger("").getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
        int clients = Integer.parseInt(option(args, "--clients", "16"));
        int warmup = Integer.parseInt(option(args, "--warmup", "10"));
        int seconds = Integer.parseInt(option(args, "--seconds", "20"));
        idle = Integer.parseInt(option(args, "--idle", "5"));
        threads = Arrays.asList(args).contains("--threads");

        HubSettings defaults = HubSettings.defaults(Files.createTempDirectory("cc-predict-bench"), 0);
        // the path is measured, not the per-credential call limit (cc.limits.*), which would cap it
        Hub hub = Hub.start(defaults.withSecurity(defaults.security().withCallRate(0, 1)), Clock.systemUTC());
        Server echo = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(echoService())
                .build().start();
        // the same echo on a fixed pool of one thread per core (as the hub runs Predict): the transport's own ceiling
        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
        java.util.concurrent.ExecutorService fixed = java.util.concurrent.Executors.newFixedThreadPool(cores);
        Server fixedEcho = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .executor(fixed).addService(echoService()).build().start();
        ManagedChannel hubChannel = NettyChannelBuilder.forAddress("127.0.0.1", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.benchmarks.HubCredentials.admin(hub)).build();
        ManagedChannel echoChannel = NettyChannelBuilder.forAddress("127.0.0.1", echo.getPort()).usePlaintext().build();
        ManagedChannel fixedChannel = NettyChannelBuilder.forAddress("127.0.0.1", fixedEcho.getPort()).usePlaintext().build();
        try {
            ModelKey key = hub.registry().resolve(ProjectId.of("default"), "service_health", "");
            ModelMetadata meta = hub.registry().metadata(key);
            List<PredictRequest> requests = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(1);
            for (int i = 0; i < 1024; i++) {
                FeatureInput.Builder features = FeatureInput.newBuilder().setObservations(200);
                for (int f = 0; f < meta.features().size(); f++) {
                    features.putValues(meta.features().get(f), meta.reference().get(f) + random.nextDouble(0, 3));
                }
                requests.add(PredictRequest.newBuilder().setModel("service_health").setFeatures(features).build());
            }
            byte[] echoPayload = requests.get(0).toByteArray();
            var predict = PredictServiceGrpc.newBlockingStub(hubChannel);

            List<Measured> results = new ArrayList<>();
            long idleCpu = 0;
            for (int round = 0; round < 2; round++) {
                boolean measured = round == 1;
                int s = measured ? seconds : warmup;
                if (measured) {
                    // what the process spends with no call in flight (the hub's own background work), which
                    // every path below pays as well
                    long c0 = processCpuNanos();
                    Thread.sleep(TimeUnit.SECONDS.toMillis(idle));
                    idleCpu = processCpuNanos() - c0;
                }
                Measured e = measure("bare grpc-java unary echo (same request bytes)", clients, s,
                        i -> () -> ClientCalls.blockingUnaryCall(echoChannel, ECHO, CallOptions.DEFAULT, echoPayload));
                Measured f = measure("the same echo on a fixed pool of " + cores + " threads", clients, s,
                        i -> () -> ClientCalls.blockingUnaryCall(fixedChannel, ECHO, CallOptions.DEFAULT, echoPayload));
                // Predict on the event loop (cc.grpc.predict-on-event-loop=true), then on the quick pool (the default)
                hub.callExecutors().answerAtOnce(true);
                Measured p = measure("Predict: score + explain + confidence", clients, s,
                        i -> () -> predict.predict(requests.get(i & 1023)));
                hub.callExecutors().answerAtOnce(false);
                Measured q = measure("the same Predict on the quick pool (event loop off)", clients, s,
                        i -> () -> predict.predict(requests.get(i & 1023)));
                if (measured) {
                    results.add(e);
                    results.add(f);
                    results.add(p);
                    results.add(q);
                }
            }
            System.out.printf(Locale.ROOT, "%n%d clients, %d s measured after %d s warm-up, %d cores, %s%n", clients,
                    seconds, warmup, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
            System.out.printf(Locale.ROOT, "hub idle before the measured round: %.1f ms of process CPU a second%n%n",
                    idleCpu / 1e6 / Math.max(1, idle));
            System.out.println("| path | calls/s | vs echo | p50 | p99 | process CPU a call |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            double echoRate = results.get(0).result().rate();
            for (Measured m : results) {
                Result r = m.result();
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f ms | %.2f ms | %.0f µs |%n", r.path(),
                        r.rate(), r.rate() / echoRate, r.p50Nanos() / 1e6, r.p99Nanos() / 1e6, m.cpuMicrosPerCall());
            }
            var calls = hub.callExecutors();
            System.out.printf(Locale.ROOT, "%nhub Predict calls: %,d on the event loop, %,d on the quick pool, %,d overflowed,"
                    + " %,d handed off to the general pool%n", calls.atOnceCalls(), calls.quickCalls(), calls.overflowed(),
                    calls.handedOff());
            if (threads) {
                System.out.println();
                for (Measured m : results) {
                    System.out.printf(Locale.ROOT, "%s, µs a call by thread group: %s%n", m.result().path(), m.threads());
                }
            }
        } finally {
            hubChannel.shutdownNow();
            echoChannel.shutdownNow();
            echo.shutdownNow();
            fixedChannel.shutdownNow();
            fixedEcho.shutdownNow();
            fixed.shutdownNow();
            hub.close();
        }
        System.exit(0);
    }

    private static int idle;
    private static boolean threads;

    private static Measured measure(String path, int clients, int seconds, CallFactory factory)
            throws InterruptedException {
        ThreadCpu before = threads ? ThreadCpu.now() : null;
        long c0 = processCpuNanos();
        Result r = load(path, clients, seconds, factory);
        long cpu = processCpuNanos() - c0;
        return new Measured(r, cpu, threads ? ThreadCpu.now().since(before, cpu, r.calls(), "call") : "");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static ServerServiceDefinition echoService() {
        return ServerServiceDefinition.builder("bench.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, observer) -> {
                    observer.onNext(request);
                    observer.onCompleted();
                })).build();
    }

    public interface CallFactory {
        Runnable call(int i);
    }

    public static Result load(String path, int clients, int seconds, CallFactory factory) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                long[] mine = new long[1 << 20];
                int n = 0;
                int i = client * 7919;
                while (!stop.get()) {
                    Runnable call = factory.call(i++);
                    long t0 = System.nanoTime();
                    call.run();
                    if (n < mine.length) {
                        mine[n] = System.nanoTime() - t0;
                    }
                    n++;
                }
                latencies[client] = mine;
                counts[client] = n;
                done.countDown();
            }, "bench-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long total = 0;
        int kept = 0;
        for (int c = 0; c < clients; c++) {
            total += counts[c];
            kept += Math.min(counts[c], latencies[c].length);
        }
        long[] all = new long[kept];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            int n = Math.min(counts[c], latencies[c].length);
            System.arraycopy(latencies[c], 0, all, k, n);
            k += n;
        }
        Arrays.sort(all);
        return new Result(path, total, elapsed, all[(int) (0.50 * (all.length - 1))], all[(int) (0.99 * (all.length - 1))]);
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** Raw bytes on the wire. */
    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
