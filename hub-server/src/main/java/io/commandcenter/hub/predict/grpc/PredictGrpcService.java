package io.commandcenter.hub.predict.grpc;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.hub.feedback.Feedback;
import io.commandcenter.hub.feedback.FeedbackLabel;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.proto.v1.DeclareIncidentRequest;
import io.commandcenter.proto.v1.DeclareIncidentResponse;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.ExportFeedbackRequest;
import io.commandcenter.proto.v1.FeedbackRow;
import io.commandcenter.proto.v1.LabelPredictionRequest;
import io.commandcenter.proto.v1.LabelPredictionResponse;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.PredictionService;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.proto.v1.BacktestRequest;
import io.commandcenter.proto.v1.BacktestResponse;
import io.commandcenter.proto.v1.BacktestStart;
import io.commandcenter.proto.v1.BacktestSummary;
import io.commandcenter.proto.v1.GetPredictionRequest;
import io.commandcenter.proto.v1.GetModelRunRequest;
import io.commandcenter.proto.v1.GetModelRunResponse;
import io.commandcenter.proto.v1.ListModelRunsRequest;
import io.commandcenter.proto.v1.ListModelRunsResponse;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.proto.v1.GetPredictionResponse;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.ListPredictionsRequest;
import io.commandcenter.proto.v1.ListPredictionsResponse;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictResponse;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code PredictService}: validate, call {@link PredictionService}, map. */
public final class PredictGrpcService extends PredictServiceGrpc.PredictServiceImplBase {
    /** Largest CSV a backtest accepts. */
    public static final int MAX_CSV_BYTES = 64 << 20;
    /*
     * What a replay holds grows with its rows and values (timestamps, features, scores, answers) and with
     * the CSV's bytes: at these limits one backtest needed at most 288-352 MiB of heap in the worst case tried
     * (docs/benchmarks.md, "Heap of one hub backtest at its limits"); longer series replay offline.
     */
    /** Most rows (lines after the header) a backtest on the hub accepts. */
    public static final int MAX_ROWS = 500_000;
    /** Most values (rows × metric columns) a backtest on the hub accepts. */
    public static final long MAX_VALUES = 2_000_000;
    /** Most metric columns a backtest on the hub accepts. */
    public static final int MAX_COLUMNS = 1_000;
    /** Longest header line a backtest accepts. */
    public static final int MAX_HEADER_BYTES = 64 << 10;
    /**
     * Most backtests a hub replays at once, from the client's half-close (the CSV is whole) to the last answer
     * sent: with the hub's 1 GiB heap, one at its limits at a time.
     */
    public static final int MAX_CONCURRENT_BACKTESTS = 1;
    /**
     * Most backtest calls that hold a CSV at once (each at most {@link #MAX_CSV_BYTES}), from their first
     * message to their end, the one replaying included.
     */
    public static final int MAX_BACKTEST_UPLOADS = 2;
    /** The retry delay a refused backtest is told. */
    static final long BACKTEST_RETRY_MILLIS = 5_000;
    private static final Pattern MODEL_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Pattern MODEL_VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.]{0,63}");

    private final PredictionService service;
    private final TelemetryProtoMapper mapper;
    private final RecordRules rules;
    private final Feedback feedback;
    private final java.util.function.Consumer<Runnable> mayWait;
    /** Replays (from the client's half-close to the last answer sent). */
    private final java.util.concurrent.Semaphore backtestSlots = new java.util.concurrent.Semaphore(MAX_CONCURRENT_BACKTESTS);
    /** Calls holding a CSV (from their first message to their end). */
    private final java.util.concurrent.Semaphore uploadSlots = new java.util.concurrent.Semaphore(MAX_BACKTEST_UPLOADS);
    private final java.time.Duration backtestIdle;

    public PredictGrpcService(PredictionService service, RecordRules rules, Feedback feedback) {
        this(service, rules, feedback, Runnable::run);
    }

    /**
     * @param mayWait runs a {@code Predict} whose answer may wait or take long (by entity: the engine's
     *                thread; a version not loaded or given by number: the database or the disk; a window:
     *                up to 10,000 samples replayed) where that holds neither the event loop nor a thread
     *                of the small pool {@code Predict} runs on
     *                ({@link io.commandcenter.hub.transport.grpc.CallExecutors#runMayWait}); only
     *                features scored by the loaded champion are answered where the call runs
     */
    public PredictGrpcService(PredictionService service, RecordRules rules, Feedback feedback,
                              java.util.function.Consumer<Runnable> mayWait) {
        this(service, rules, feedback, mayWait, io.commandcenter.hub.runtime.StreamLimits.DEFAULT_BACKTEST_IDLE_TIMEOUT);
    }

    /**
     * @param backtestIdle a {@code Backtest} that sent no chunk, or read no answer, for this long is ended with
     *                     UNAVAILABLE {@code BACKTEST_IDLE} ({@code cc.backtest.idle-timeout})
     */
    public PredictGrpcService(PredictionService service, RecordRules rules, Feedback feedback,
                              java.util.function.Consumer<Runnable> mayWait, java.time.Duration backtestIdle) {
        this.backtestIdle = backtestIdle;
        this.service = service;
        this.rules = rules;
        this.feedback = feedback;
        this.mayWait = mayWait;
        this.mapper = new TelemetryProtoMapper(rules);
    }

    @Override
    public void labelPrediction(LabelPredictionRequest request, StreamObserver<LabelPredictionResponse> observer) {
        try {
            observer.onNext(labelPrediction(CallContext.caller().project(), CallContext.caller().principal(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** {@code LabelPrediction} for a project: shared by gRPC and {@code POST /api/predictions/{id}/label}. */
    public LabelPredictionResponse labelPrediction(ProjectId project, String by, LabelPredictionRequest request) {
        if (request.getPredictionId().length() > 64) {
            throw CommandCenterException.invalid("TOO_LONG", "prediction_id", "prediction_id is longer than 64 characters");
        }
        FeedbackLabel label = feedback.label(project, request.getPredictionId(), request.getLabel(),
                request.getReason(), by);
        return LabelPredictionResponse.newBuilder().setLabel(toProto(label)).build();
    }

    @Override
    public void declareIncident(DeclareIncidentRequest request, StreamObserver<DeclareIncidentResponse> observer) {
        try {
            observer.onNext(declareIncident(CallContext.caller().project(), CallContext.caller().principal(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** {@code DeclareIncident} for a project: shared by gRPC and {@code POST /api/incidents}. */
    public DeclareIncidentResponse declareIncident(ProjectId project, String by, DeclareIncidentRequest request) {
        Violations v = new Violations();
        rules.entityKind(v, "entity.kind", request.getEntity().getKind());
        rules.requiredId(v, "entity.id", request.getEntity().getId(), 128);
        v.throwIfAny("INVALID_ARGUMENT", "invalid entity");
        Feedback.Declared declared = feedback.declare(project, request.getEntity().getKind(),
                request.getEntity().getId(),
                TelemetryProtoMapper.instant(request.hasStartTime(), request.getStartTime(), "start_time"),
                TelemetryProtoMapper.instant(request.hasEndTime(), request.getEndTime(), "end_time"),
                request.getReason(), by);
        return DeclareIncidentResponse.newBuilder().setLabel(toProto(declared.label()))
                .setRowsLabelled(declared.rowsLabelled()).build();
    }

    @Override
    public void exportFeedback(ExportFeedbackRequest request, StreamObserver<FeedbackRow> observer) {
        Iterator<FeedbackRow> rows;
        try {
            rows = exportFeedback(CallContext.caller().project(), request);
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        new FeedbackExport((ServerCallStreamObserver<FeedbackRow>) observer, rows).start();
    }

    /**
     * {@code ExportFeedback} for a project: shared by gRPC and {@code GET /api/feedback}. The rows are read from the
     * store as they are taken ({@link Feedback#rows}), at most {@code limit} (0: all), pages no larger than it; the
     * labels, the decisions and the first page are read before it returns.
     */
    public Iterator<FeedbackRow> exportFeedback(ProjectId project, ExportFeedbackRequest request) {
        checkModel(request.getModel(), "", "model", "");
        if (request.getLimit() < 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "limit", "limit must be >= 0");
        }
        int limit = request.getLimit();
        Iterator<io.commandcenter.hub.feedback.FeedbackRow> rows = feedback.rows(project, request.getModel(), null,
                null, limit > 0 ? Math.min(limit, Feedback.PAGE) : Feedback.PAGE);
        // the first page is read here: a database failing before the first row is the call's status (REST: a 503,
        // not a 200 with a broken body); one failing later can only end the stream
        rows.hasNext();
        return new Iterator<>() {
            private int taken;

            @Override
            public boolean hasNext() {
                return (limit == 0 || taken < limit) && rows.hasNext();
            }

            @Override
            public FeedbackRow next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                taken++;
                return toProto(rows.next());
            }
        };
    }

    static FeedbackRow toProto(io.commandcenter.hub.feedback.FeedbackRow r) {
        return FeedbackRow.newBuilder().setTime(TelemetryProtoMapper.timestamp(r.time()))
                .setEntity(EntityRef.newBuilder().setKind(r.targetKind()).setId(r.targetId()))
                .setModel(r.model()).setModelVersion(r.modelVersion()).setRunId(r.runId())
                .setPredictionId(r.predictionId() == null ? "" : r.predictionId()).setLabel(r.label())
                .setSource(r.source()).setReason(r.reason()).setRisk(Double.isFinite(r.risk()) ? r.risk() : 0)
                .putAllFeatures(r.features()).build();
    }

    static io.commandcenter.proto.v1.FeedbackLabel toProto(FeedbackLabel l) {
        return io.commandcenter.proto.v1.FeedbackLabel.newBuilder().setLabelId(l.labelId())
                .setPredictionId(l.predictionId() == null ? "" : l.predictionId())
                .setEntity(EntityRef.newBuilder().setKind(l.targetKind()).setId(l.targetId()))
                .setLabel(l.label().wireName()).setStartTime(TelemetryProtoMapper.timestamp(l.start()))
                .setEndTime(TelemetryProtoMapper.timestamp(l.end())).setReason(l.reason())
                .setLabelledBy(l.labelledBy()).setLabelledAt(TelemetryProtoMapper.timestamp(l.labelledAt())).build();
    }

    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
        if (request.getInputCase() == PredictRequest.InputCase.FEATURES
                && service.scoresAtOnce(CallContext.caller().project(), request.getModel(), request.getModelVersion())) {
            answer(request, observer);
        } else {
            mayWait.accept(() -> answer(request, observer));
        }
    }

    private void answer(PredictRequest request, StreamObserver<PredictResponse> observer) {
        try {
            observer.onNext(predict(CallContext.caller().project(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** {@code Predict} for a project: shared by gRPC and {@code POST /api/predict}. */
    public PredictResponse predict(ProjectId project, PredictRequest request) {
        checkModel(request.getModel(), request.getModelVersion(), "model", "model_version");
        PredictionService.Answer answer = switch (request.getInputCase()) {
            case FEATURES -> {
                if (request.getModel().isEmpty()) {
                    throw CommandCenterException.invalid("REQUIRED", "model", "model is required with features");
                }
                long observations = request.getFeatures().getObservations();
                if (observations < 0) {
                    throw CommandCenterException.invalid("OUT_OF_RANGE", "features.observations", "observations must be >= 0");
                }
                yield service.predictFeatures(project, request.getModel(), request.getModelVersion(),
                        request.getFeatures().getValuesMap(), observations == 0 ? 64 : observations);
            }
            case WINDOW -> service.predictWindow(project, request.getModel(), request.getModelVersion(),
                    window(request.getWindow().getSamplesList()));
            case ENTITY -> {
                Violations v = new Violations();
                rules.entityKind(v, "entity.kind", request.getEntity().getKind());
                rules.requiredId(v, "entity.id", request.getEntity().getId(), 128);
                v.throwIfAny("INVALID_ARGUMENT", "invalid entity");
                yield service.predictEntity(project, new EntityKey(project, request.getEntity().getKind(),
                        request.getEntity().getId()), request.getModelVersion());
            }
            case INPUT_NOT_SET -> throw CommandCenterException.invalid("REQUIRED", "input",
                    "set one input: features, window or entity");
        };
        return PredictProtos.toProto(answer.key(), answer.prediction());
    }

    private List<HealthSampleRecord> window(List<HealthSample> samples) {
        if (samples.size() > PredictionService.MAX_WINDOW) {
            throw CommandCenterException.invalid("TOO_MANY", "window.samples",
                    "at most " + PredictionService.MAX_WINDOW + " samples per window, got " + samples.size());
        }
        List<HealthSampleRecord> records = new ArrayList<>(samples.size());
        List<FieldViolation> violations = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            HealthSample sample = samples.get(i);
            // a window belongs to one service: it need not repeat the name
            if (sample.getService().isEmpty()) {
                sample = sample.toBuilder().setService("window").build();
            }
            TelemetryProtoMapper.Mapped mapped = mapper.fromProto(TelemetryRecord.newBuilder().setHealthSample(sample).build());
            if (mapped.isValid()) {
                records.add((HealthSampleRecord) mapped.record());
            } else {
                String prefix = "window.samples[" + i + "]";
                mapped.violations().forEach(v -> violations.add(new FieldViolation(
                        prefix + v.field().substring("health_sample".length()), v.reason(), v.message())));
            }
        }
        if (!violations.isEmpty()) {
            throw new CommandCenterException(ErrorKind.INVALID, "INVALID_WINDOW", "invalid window sample: "
                    + violations.get(0).field() + ": " + violations.get(0).message(), Map.of(), violations, null);
        }
        return records;
    }

    @Override
    public void listPredictions(ListPredictionsRequest request, StreamObserver<ListPredictionsResponse> observer) {
        try {
            observer.onNext(listPredictions(CallContext.caller().project(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** {@code ListPredictions} for a project: shared by gRPC and {@code GET /api/predictions}. */
    public ListPredictionsResponse listPredictions(ProjectId project, ListPredictionsRequest request) {
        if (!request.getModel().isEmpty()) {
            checkModel(request.getModel(), "", "model", "");
        }
        if (!request.getTargetId().isEmpty()) {
            Violations v = new Violations();
            rules.requiredId(v, "target_id", request.getTargetId(), 128);
            v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        }
        PredictionService.Page page = service.list(project, emptyToNull(request.getTargetId()),
                emptyToNull(request.getModel()),
                TelemetryProtoMapper.instant(request.hasStartTime(), request.getStartTime(), "start_time"),
                TelemetryProtoMapper.instant(request.hasEndTime(), request.getEndTime(), "end_time"),
                request.getPageSize(), request.getPageToken());
        ListPredictionsResponse.Builder response = ListPredictionsResponse.newBuilder()
                .setNextPageToken(page.nextToken());
        for (PredictionRecord p : page.predictions()) {
            response.addPredictions(PredictProtos.toProto(p));
        }
        return response.build();
    }

    @Override
    public void getPrediction(GetPredictionRequest request, StreamObserver<GetPredictionResponse> observer) {
        try {
            observer.onNext(getPrediction(CallContext.caller().project(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** {@code GetPrediction} for a project: shared by gRPC and {@code GET /api/predictions/{id}}. */
    public GetPredictionResponse getPrediction(ProjectId project, GetPredictionRequest request) {
        PredictionRecord p = service.get(project, request.getPredictionId());
        return GetPredictionResponse.newBuilder().setPrediction(PredictProtos.toProto(p)).build();
    }

    @Override
    public void listModelRuns(ListModelRunsRequest request, StreamObserver<ListModelRunsResponse> observer) {
        try {
            observer.onNext(listModelRuns(CallContext.caller().project(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** {@code ListModelRuns} for a project: shared by gRPC and {@code GET /api/model-runs}. */
    public ListModelRunsResponse listModelRuns(ProjectId project, ListModelRunsRequest request) {
        if (!request.getTargetId().isEmpty()) {
            Violations v = new Violations();
            rules.requiredId(v, "target_id", request.getTargetId(), 128);
            v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        }
        ModelRun.Kind kind = switch (request.getKind()) {
            case MODEL_RUN_KIND_UNSPECIFIED -> null;
            case MODEL_RUN_KIND_PREDICTION -> ModelRun.Kind.PREDICTION;
            case MODEL_RUN_KIND_AGGREGATE -> ModelRun.Kind.AGGREGATE;
            case UNRECOGNIZED -> throw CommandCenterException.invalid("UNKNOWN_ENUM", "kind", "kind is not a known"
                    + " model run kind");
        };
        PredictionService.RunPage page = service.runs(project, emptyToNull(request.getTargetId()), kind,
                TelemetryProtoMapper.instant(request.hasStartTime(), request.getStartTime(), "start_time"),
                TelemetryProtoMapper.instant(request.hasEndTime(), request.getEndTime(), "end_time"),
                request.getPageSize(), request.getPageToken(), request.hasStep()
                        ? java.time.Duration.ofSeconds(request.getStep().getSeconds(), request.getStep().getNanos())
                        : null);
        ListModelRunsResponse.Builder response = ListModelRunsResponse.newBuilder().setNextPageToken(page.nextToken());
        page.runs().forEach(r -> response.addRuns(PredictProtos.toProto(r)));
        return response.build();
    }

    @Override
    public void getModelRun(GetModelRunRequest request, StreamObserver<GetModelRunResponse> observer) {
        try {
            observer.onNext(getModelRun(CallContext.caller().project(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** {@code GetModelRun} for a project: shared by gRPC and {@code GET /api/model-runs/{id}}. */
    public GetModelRunResponse getModelRun(ProjectId project, GetModelRunRequest request) {
        return GetModelRunResponse.newBuilder().setRun(PredictProtos.toProto(service.run(project, request.getRunId())))
                .build();
    }

    /**
     * {@code Backtest}: see {@link BacktestCall}. Fails with RESOURCE_EXHAUSTED {@code BACKTEST_BUSY} (with a
     * retry delay) while {@value #MAX_BACKTEST_UPLOADS} calls hold a CSV, or at the half-close while
     * {@value #MAX_CONCURRENT_BACKTESTS} backtests replay; RESOURCE_EXHAUSTED {@code CSV_TOO_LARGE} past
     * {@link #MAX_CSV_BYTES}; INVALID_ARGUMENT {@code CSV_TOO_MANY_ROWS} past {@link #MAX_ROWS} lines after the
     * header; UNAVAILABLE {@code BACKTEST_IDLE} when the client sent no chunk or read no answer for the idle timeout.
     */
    @Override
    public StreamObserver<BacktestRequest> backtest(StreamObserver<BacktestResponse> observer) {
        ProjectId project = CallContext.caller().project();
        if (!uploadSlots.tryAcquire()) {
            observer.onError(GrpcErrors.toStatus(busy("the hub holds at most " + MAX_BACKTEST_UPLOADS
                    + " backtest CSVs at once")));
            return new io.commandcenter.hub.transport.grpc.Ignored<>();
        }
        return new BacktestCall((ServerCallStreamObserver<BacktestResponse>) observer,
                (model, version, labelColumn, csv, cancelled) -> service.backtest(project, model, version, labelColumn,
                        csv, MAX_ROWS, MAX_VALUES, cancelled),
                backtestSlots, uploadSlots::release, backtestIdle);
    }

    /** RESOURCE_EXHAUSTED {@code BACKTEST_BUSY} with a retry delay. */
    static CommandCenterException busy(String why) {
        return new CommandCenterException(ErrorKind.EXHAUSTED, "BACKTEST_BUSY", why + "; retry in a few seconds,"
                + " or replay offline (cc backtest without --hub)",
                Map.of(CommandCenterException.RETRY_AFTER_MS, Long.toString(BACKTEST_RETRY_MILLIS)), List.of(), null);
    }

    static BacktestSummary summary(BacktestResult result, BacktestStart start) {
        BacktestSummary.Builder b = BacktestSummary.newBuilder().setRows(result.rows().size())
                .setModel(start.getModel().isEmpty() ? "service_health" : start.getModel())
                .setModelVersion(start.getModelVersion());
        result.summary().ifPresentOrElse(s -> b.setLabelled(true).setThreshold(s.threshold())
                        .setPrecision(s.point().precision()).setRecall(s.point().recall()).setF1(s.point().f1())
                        .setIncidentPrecision(s.incident().precision()).setIncidentRecall(s.incident().recall())
                        .setIncidentF1(s.incident().f1()).setMeanLeadRows(s.meanLeadRows())
                        .setEarlyWarning(s.earlyWarning())
                        .setDescription(io.commandcenter.models.backtest.Backtest.describe(s)),
                () -> b.setLabelled(false).setDescription(result.rows().size() + " rows scored (no labels)"));
        return b.build();
    }

    /** Whether a text is a well-formed model name. */
    static boolean isModelName(String name) {
        return MODEL_NAME.matcher(name).matches();
    }

    static void checkModel(String name, String version, String nameField, String versionField) {
        Violations v = new Violations();
        if (!name.isEmpty() && !MODEL_NAME.matcher(name).matches()) {
            v.add(nameField, "BAD_FORMAT", "a model name is [a-z][a-z0-9_]*, at most 64 characters; got '" + name + "'");
        }
        if (!version.isEmpty() && !MODEL_VERSION.matcher(version).matches()) {
            v.add(versionField, "BAD_FORMAT", "a model version is [0-9A-Za-z][0-9A-Za-z.]*, at most 64 characters");
        }
        v.throwIfAny("INVALID_ARGUMENT", "invalid model");
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
