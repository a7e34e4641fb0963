package io.commandcenter.benchmarks.predict;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.proto.v1.FeatureInput;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictResponse;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Where one {@code Predict} call's own CPU goes, stage by stage, outside the transport: the caller's key check, a
 * root trace context, parsing the request, the service's {@code predict} (validation, model, ONNX Runtime, factors,
 * confidence, response), serialising the response, and resolving the champion. Each stage runs {@code n} times
 * warm, then {@code n} times timed by the thread's CPU clock, in two rounds on one thread of an embedded hub.
 * Usage: {@code PredictStages [n]} (default 200000).
 */
public final class PredictStages {
    private static long sink;

    private PredictStages() {
    }

    static void time(String name, int n, Runnable r) {
        var mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < n; i++) r.run();
        long c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) r.run();
        long c1 = mx.getCurrentThreadCpuTime();
        System.out.printf("%-40s %8.2f us cpu/op%n", name, (c1 - c0) / 1e3 / n);
    }
    public static void main(String[] a) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        HubSettings d = HubSettings.defaults(Files.createTempDirectory("cc-stages"), 0);
        Hub hub = Hub.start(d.withSecurity(d.security().withCallRate(0, 1)), Clock.systemUTC());
        try {
            ModelKey key = hub.registry().resolve(ProjectId.of("default"), "service_health", "");
            ModelMetadata meta = hub.registry().metadata(key);
            FeatureInput.Builder f = FeatureInput.newBuilder().setObservations(200);
            SplittableRandom rnd = new SplittableRandom(1);
            for (int i = 0; i < meta.features().size(); i++) f.putValues(meta.features().get(i), meta.reference().get(i) + rnd.nextDouble(0, 3));
            PredictRequest req = PredictRequest.newBuilder().setModel("service_health").setFeatures(f).build();
            byte[] bytes = req.toByteArray();
            String token = "Bearer " + Files.readString(hub.settings().security().adminKeyFile()).strip();
            Function<String, String> headers = h -> h.equals("authorization") ? token : null;
            var resolver = hub.endpoints().callers();
            var api = hub.endpoints().predict();
            ProjectId p = ProjectId.of("default");
            PredictResponse resp = api.predict(p, req);
            System.out.println("request bytes " + bytes.length + ", response bytes " + resp.getSerializedSize());
            int n = Integer.parseInt(a.length > 0 ? a[0] : "200000");
            SecureRandom sr = new SecureRandom();
            for (int round = 0; round < 2; round++) {
                time("resolver.resolve (auth)", n, () -> sink += resolver.resolve("commandcenter.v1.PredictService/Predict", Permission.READ, headers).hashCode());
                time("TraceContext.newRoot(SecureRandom)", n, () -> sink += TraceContext.newRoot(sr).hashCode());
                time("parse request", n, () -> { try { sink += PredictRequest.parseFrom(bytes).getSerializedSize(); } catch (Exception e) { throw new RuntimeException(e); } });
                time("predictApi.predict (validate+score+map)", n, () -> sink += api.predict(p, req).getSerializedSize());
                time("response toByteArray", n, () -> sink += resp.toByteArray().length);
                time("registry resolve+metadata", n, () -> sink += hub.registry().metadata(hub.registry().resolve(p, "service_health", "")).hashCode());
            }
        } finally {
            hub.close();
        }
        System.exit(0);
    }
}
