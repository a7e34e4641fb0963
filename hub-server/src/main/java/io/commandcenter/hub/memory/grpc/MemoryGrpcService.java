package io.commandcenter.hub.memory.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.common.error.grpc.Unary;
import io.commandcenter.hub.memory.IncidentVectors;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.telemetry.PageToken;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.memory.Memory;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryHit;
import io.commandcenter.memory.MemoryStore;
import io.commandcenter.models.explain.Factor;
import io.commandcenter.proto.v1.AddMemoryRequest;
import io.commandcenter.proto.v1.AddMemoryResponse;
import io.commandcenter.proto.v1.DeleteMemoryRequest;
import io.commandcenter.proto.v1.DeleteMemoryResponse;
import io.commandcenter.proto.v1.GetMemoryRequest;
import io.commandcenter.proto.v1.GetMemoryResponse;
import io.commandcenter.proto.v1.ListMemoriesRequest;
import io.commandcenter.proto.v1.ListMemoriesResponse;
import io.commandcenter.proto.v1.MemoryMatch;
import io.commandcenter.proto.v1.MemoryServiceGrpc;
import io.commandcenter.proto.v1.SearchMemoryRequest;
import io.commandcenter.proto.v1.SearchMemoryResponse;
import io.grpc.stub.StreamObserver;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code MemoryService}: validate every field (naming the one at fault), call the project's
 * {@link MemoryStore}, map. The project is always the caller's, so no call reaches another
 * project's memories. Each RPC has a twin taking the caller explicitly, shared with the REST mirror
 * ({@code /api/memories}).
 */
public final class MemoryGrpcService extends MemoryServiceGrpc.MemoryServiceImplBase {
    static final int DEFAULT_K = 3;
    static final int DEFAULT_PAGE = 100;
    /** The largest page, and the most rows the store lists at once. */
    static final int MAX_PAGE = 1000;
    static final int MAX_FEATURES = 256;

    private final MemoryStore store;
    private final Clock clock;

    public MemoryGrpcService(MemoryStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void addMemory(AddMemoryRequest request, StreamObserver<AddMemoryResponse> observer) {
        Unary.answer(observer, () -> addMemory(CallContext.caller(), request));
    }

    @Override
    public void searchMemory(SearchMemoryRequest request, StreamObserver<SearchMemoryResponse> observer) {
        Unary.answer(observer, () -> searchMemory(CallContext.caller(), request));
    }

    @Override
    public void getMemory(GetMemoryRequest request, StreamObserver<GetMemoryResponse> observer) {
        Unary.answer(observer, () -> getMemory(CallContext.caller(), request));
    }

    @Override
    public void deleteMemory(DeleteMemoryRequest request, StreamObserver<DeleteMemoryResponse> observer) {
        Unary.answer(observer, () -> deleteMemory(CallContext.caller(), request));
    }

    @Override
    public void listMemories(ListMemoriesRequest request, StreamObserver<ListMemoriesResponse> observer) {
        Unary.answer(observer, () -> listMemories(CallContext.caller(), request));
    }

    /** {@code AddMemory} for a caller. */
    public AddMemoryResponse addMemory(Caller caller, AddMemoryRequest request) {
        Violations v = new Violations();
        if (!request.hasMemory()) {
            v.add("memory", "REQUIRED", "memory is required");
            v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        }
        io.commandcenter.proto.v1.Memory m = request.getMemory();
        float[] vector = vector(v, "memory.vector", m.getVectorList(), request.getFeaturesMap(),
                request.getFactorsList());
        Instant at = m.hasTime() ? time(v, "memory.time", m.getTime()) : clock.instant();
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        Memory memory = Memory.builder().id(m.getMemoryId()).project(caller.project().value()).entity(m.getEntity())
                .kind(m.getKind()).at(at).vector(vector).action(m.getAction()).outcome(m.getOutcome())
                .text(m.getText()).metadata(m.getMetadataMap()).build();
        if (!caller.who().role().allows(Permission.DECIDE) && store.get(memory.project(), memory.id()).isPresent()) {
            // adding needs INGEST (agents note what they did); replacing what is remembered — the hub's own
            // run-<id> memories approvers read among them — needs what deleting needs
            throw CommandCenterException.permissionDenied("MEMORY_EXISTS", "memory " + memory.id() + " exists;"
                    + " replacing a memory needs an operator or an administrator (role "
                    + caller.who().role().wireName() + " may add new ones only)");
        }
        store.add(memory);
        return AddMemoryResponse.newBuilder().setMemory(toProto(store.get(memory.project(), memory.id())
                .orElse(memory))).build();
    }

    /** {@code SearchMemory} for a caller. */
    public SearchMemoryResponse searchMemory(Caller caller, SearchMemoryRequest request) {
        Violations v = new Violations();
        float[] vector = vector(v, "vector", request.getVectorList(), request.getFeaturesMap(),
                request.getFactorsList());
        if (request.getK() < 0 || request.getK() > MemoryStore.MAX_K) {
            v.add("k", "OUT_OF_RANGE", "k is 1 to " + MemoryStore.MAX_K + " (0: " + DEFAULT_K + ")");
        }
        MemoryFilter filter = filter(v, request.hasFilter() ? request.getFilter()
                : io.commandcenter.proto.v1.MemoryFilter.getDefaultInstance());
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        int k = request.getK() == 0 ? DEFAULT_K : request.getK();
        SearchMemoryResponse.Builder b = SearchMemoryResponse.newBuilder();
        for (MemoryHit hit : store.search(caller.project().value(), vector, k, filter)) {
            b.addMatches(MemoryMatch.newBuilder().setMemory(toProto(hit.memory())).setSimilarity(hit.similarity()));
        }
        return b.build();
    }

    /** {@code GetMemory} for a caller. */
    public GetMemoryResponse getMemory(Caller caller, GetMemoryRequest request) {
        requireId(request.getMemoryId());
        Memory m = store.get(caller.project().value(), request.getMemoryId()).orElseThrow(() -> notFound(request.getMemoryId()));
        return GetMemoryResponse.newBuilder().setMemory(toProto(m)).build();
    }

    /** {@code DeleteMemory} for a caller. */
    public DeleteMemoryResponse deleteMemory(Caller caller, DeleteMemoryRequest request) {
        requireId(request.getMemoryId());
        if (!store.delete(caller.project().value(), request.getMemoryId())) {
            throw notFound(request.getMemoryId());
        }
        return DeleteMemoryResponse.getDefaultInstance();
    }

    /** {@code ListMemories} for a caller. */
    public ListMemoriesResponse listMemories(Caller caller, ListMemoriesRequest request) {
        Violations v = new Violations();
        if (request.getPageSize() < 0 || request.getPageSize() > MAX_PAGE) {
            v.add("page_size", "OUT_OF_RANGE", "page_size is 0 to " + MAX_PAGE + " (0: " + DEFAULT_PAGE + ")");
        }
        MemoryFilter filter = filter(v, request.hasFilter() ? request.getFilter()
                : io.commandcenter.proto.v1.MemoryFilter.getDefaultInstance());
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
        int fingerprint = fingerprint(filter);
        Optional<MemoryStore.Cursor> after = PageToken.decode(request.getPageToken(), fingerprint, "page_token")
                .map(p -> new MemoryStore.Cursor(p.time(), p.id()));
        String project = caller.project().value();
        List<Memory> rows = store.list(project, filter, Math.min(size + 1, MAX_PAGE), after);
        ListMemoriesResponse.Builder b = ListMemoriesResponse.newBuilder().setTotalSize(store.count(project, filter));
        rows.stream().limit(size).forEach(m -> b.addMemories(toProto(m)));
        boolean more = rows.size() > size;
        if (!more && rows.size() == MAX_PAGE) {
            // a full page of the largest size: the store lists at most MAX_PAGE, so ask past its last row
            Memory last = rows.get(size - 1);
            more = !store.list(project, filter, 1, Optional.of(new MemoryStore.Cursor(last.at(), last.id()))).isEmpty();
        }
        if (more) {
            Memory last = rows.get(size - 1);
            b.setNextPageToken(PageToken.encode(fingerprint, last.at(), last.id()));
        }
        return b.build();
    }

    /**
     * What a page token is bound to: the filter's values, hashed the same in every JVM (a generated message's own
     * hash includes its descriptor's identity, so a token would not survive a restart or reach another hub).
     */
    static int fingerprint(MemoryFilter filter) {
        return Objects.hash("memories", filter.entity().orElse(""), filter.kind().orElse(""),
                filter.action().orElse(""), filter.outcome().orElse(""),
                filter.from().map(Instant::toString).orElse(""), filter.until().map(Instant::toString).orElse(""),
                filter.labelledOnly());
    }

    public static io.commandcenter.proto.v1.Memory toProto(Memory m) {
        io.commandcenter.proto.v1.Memory.Builder b = io.commandcenter.proto.v1.Memory.newBuilder()
                .setMemoryId(m.id()).setProjectId(m.project()).setEntity(m.entity()).setKind(m.kind())
                .setTime(TelemetryProtoMapper.timestamp(m.at())).setAction(m.action()).setOutcome(m.outcome())
                .setText(m.text()).putAllMetadata(m.metadata());
        for (float x : m.vector()) {
            b.addVector(x);
        }
        return b.build();
    }

    private float[] vector(Violations v, String field, List<Float> given, Map<String, Double> features,
                           List<io.commandcenter.proto.v1.Factor> factors) {
        String featuresField = "features";
        if (!given.isEmpty() && (!features.isEmpty() || !factors.isEmpty())) {
            v.add(field, "ONE_OF", "give either " + field + " or features (and factors), not both");
            return null;
        }
        if (!given.isEmpty()) {
            float[] out = new float[given.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = given.get(i);
            }
            if (out.length != store.dimensions()) {
                v.add(field, "WRONG_DIMENSIONS", "the vector has " + out.length + " numbers; this memory takes "
                        + store.dimensions());
            }
            return out;
        }
        if (features.isEmpty() && factors.isEmpty()) {
            v.add(field, "REQUIRED", "a vector of " + store.dimensions() + " numbers, or features, is required");
            return null;
        }
        if (features.size() > MAX_FEATURES) {
            v.add(featuresField, "TOO_MANY", "at most " + MAX_FEATURES + " features");
        }
        Map<String, Double> named = new LinkedHashMap<>();
        features.forEach((name, value) -> {
            if (name.isEmpty() || name.length() > 128) {
                v.add(featuresField, "BAD_FORMAT", "a feature name is 1 to 128 characters");
            } else if (!Double.isFinite(value)) {
                v.add(featuresField + "." + name, "NOT_FINITE", "feature values must be finite");
            } else {
                named.put(name, value);
            }
        });
        if (factors.size() > MAX_FEATURES) {
            v.add("factors", "TOO_MANY", "at most " + MAX_FEATURES + " factors");
        }
        List<Factor> fs = new ArrayList<>();
        for (int i = 0; i < Math.min(factors.size(), MAX_FEATURES); i++) {
            io.commandcenter.proto.v1.Factor f = factors.get(i);
            if (f.getFeature().isEmpty()) {
                v.add("factors[" + i + "].feature", "REQUIRED", "a factor names its feature");
            } else if (!Double.isFinite(f.getContribution()) || !Double.isFinite(f.getValue())) {
                v.add("factors[" + i + "].contribution", "NOT_FINITE", "a factor's value and contribution are finite");
            } else {
                fs.add(new Factor(f.getFeature(), f.getMetric(), (float) f.getValue(), 0f, f.getContribution()));
            }
        }
        return IncidentVectors.vector(named, fs);
    }

    private static MemoryFilter filter(Violations v, io.commandcenter.proto.v1.MemoryFilter f) {
        Instant since = f.hasSince() ? time(v, "filter.since", f.getSince()) : null;
        Instant until = f.hasUntil() ? time(v, "filter.until", f.getUntil()) : null;
        if (since != null && until != null && !until.isAfter(since)) {
            v.add("filter.until", "INVALID_RANGE", "filter.until must be after filter.since");
        }
        MemoryFilter out = MemoryFilter.ALL.withEntity(f.getEntity()).withKind(f.getKind()).withAction(f.getAction())
                .withOutcome(f.getOutcome()).withFrom(since).withUntil(until);
        return f.getLabelledOnly() ? out.labelled() : out;
    }

    private static Instant time(Violations v, String field, com.google.protobuf.Timestamp ts) {
        try {
            return TelemetryProtoMapper.instant(true, ts, field);
        } catch (CommandCenterException e) {
            v.addAll(e.violations());
            return null;
        }
    }

    private static void requireId(String id) {
        if (id.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", "memory_id", "memory_id is required");
        }
    }

    private static CommandCenterException notFound(String id) {
        return CommandCenterException.notFound("MEMORY_NOT_FOUND", "no memory '"
                + (id.length() > 80 ? id.substring(0, 77) + "..." : id) + "' in this project");
    }
}
