package io.commandcenter.hub.telemetry.grpc;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.ShownError;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.project.ProjectShares;
import io.commandcenter.hub.telemetry.IngestPipeline;
import io.commandcenter.hub.telemetry.IngestSession;
import io.commandcenter.hub.telemetry.IngestSummary;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.telemetry.Rejection;
import io.commandcenter.hub.telemetry.SampleListing;
import io.commandcenter.hub.telemetry.SamplePage;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.IngestStreamRequest;
import io.commandcenter.proto.v1.IngestStreamResponse;
import io.commandcenter.proto.v1.ListHealthSamplesRequest;
import io.commandcenter.proto.v1.ListHealthSamplesResponse;
import io.commandcenter.proto.v1.RecordRejection;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * {@code TelemetryService}. Ingest streams read with manual flow control: the hub asks the
 * transport for a record only when the stream's window has room and the call takes answers
 * ({@code isReady}), so HTTP/2 flow control holds back a client that sends faster than the database
 * commits, and one that does not read its acks.
 */
public final class TelemetryGrpcService extends TelemetryServiceGrpc.TelemetryServiceImplBase {
    private final IngestPipeline pipeline;
    private final SampleListing listing;
    private final TelemetryProtoMapper mapper;
    private final RecordRules rules;
    private final int window;
    private final ProjectShares streams;
    private final long idleNanos;

    /** Checks ingest streams for idleness; one daemon thread for every hub of the process. */
    private static final ScheduledThreadPoolExecutor IDLE_CHECKS =
            io.commandcenter.hub.transport.grpc.IdleTimers.daemon("cc-ingest-idle");

    /**
     * Streams without a project share or an idle timeout.
     *
     * @param window     most unsettled records per stream
     * @param maxStreams most concurrent ingest streams; more are refused with RESOURCE_EXHAUSTED
     */
    public TelemetryGrpcService(IngestPipeline pipeline, SampleListing listing, RecordRules rules, int window,
                                int maxStreams) {
        this(pipeline, listing, rules, window, maxStreams, maxStreams, Duration.ZERO);
    }

    /**
     * @param window      most unsettled records per stream
     * @param maxStreams  most concurrent ingest streams; more are refused with RESOURCE_EXHAUSTED
     *                    ({@code TOO_MANY_STREAMS})
     * @param perProject  most concurrent ingest streams of one project; more are refused with
     *                    RESOURCE_EXHAUSTED ({@code TOO_MANY_STREAMS_IN_PROJECT})
     * @param idleTimeout a stream whose client sent nothing for this long, while the hub holds none of
     *                    its records, is ended with UNAVAILABLE ({@code STREAM_IDLE}) and its slot freed;
     *                    zero: never
     */
    public TelemetryGrpcService(IngestPipeline pipeline, SampleListing listing, RecordRules rules, int window,
                                int maxStreams, int perProject, Duration idleTimeout) {
        this.pipeline = pipeline;
        this.listing = listing;
        this.rules = rules;
        this.mapper = new TelemetryProtoMapper(rules);
        this.window = window;
        this.streams = new ProjectShares("ingest streams", "TOO_MANY_STREAMS", maxStreams, perProject);
        this.idleNanos = idleTimeout.toNanos();
    }

    @Override
    public StreamObserver<IngestRequest> ingest(StreamObserver<IngestResponse> observer) {
        return open(observer, false, IngestRequest::getRecord, new Reply<>() {
            @Override
            public void progress(ServerCallStreamObserver<IngestResponse> call, IngestSummary progress) {
                // Ingest answers once, at the end.
            }

            @Override
            public void complete(ServerCallStreamObserver<IngestResponse> call, IngestSummary summary) {
                IngestResponse response = response(summary);
                if (summary.rejected() > 0) {
                    call.onError(GrpcErrors.withDetails(rejectedError(summary), forError(response)));
                } else {
                    call.onNext(response);
                    call.onCompleted();
                }
            }
        });
    }

    @Override
    public StreamObserver<IngestStreamRequest> ingestStream(StreamObserver<IngestStreamResponse> observer) {
        return open(observer, true, IngestStreamRequest::getRecord, new Reply<>() {
            @Override
            public void progress(ServerCallStreamObserver<IngestStreamResponse> call, IngestSummary progress) {
                call.onNext(ack(progress));
            }

            @Override
            public void complete(ServerCallStreamObserver<IngestStreamResponse> call, IngestSummary summary) {
                call.onCompleted();
            }
        });
    }

    /** How a kind of ingest call answers. */
    private interface Reply<R> {
        void progress(ServerCallStreamObserver<R> call, IngestSummary progress);

        void complete(ServerCallStreamObserver<R> call, IngestSummary summary);
    }

    private <Q, R> StreamObserver<Q> open(StreamObserver<R> observer, boolean acknowledge,
                                         Function<Q, TelemetryRecord> record, Reply<R> reply) {
        ServerCallStreamObserver<R> call = (ServerCallStreamObserver<R>) observer;
        Caller caller = CallContext.caller();
        Runnable slot;
        try {
            slot = streams.acquire(caller.project());
        } catch (CommandCenterException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return new io.commandcenter.hub.transport.grpc.Ignored<>();
        }
        AtomicBoolean released = new AtomicBoolean();
        AtomicReference<ScheduledFuture<?>> idleCheck = new AtomicReference<>();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                slot.run();
                ScheduledFuture<?> check = idleCheck.get();
                if (check != null) {
                    check.cancel(false);
                }
            }
        };
        AtomicLong lastActive = new AtomicLong(System.nanoTime());
        call.disableAutoRequest();
        IngestSession session = new IngestSession(caller.project(), CallContext.trace(), caller.who().keyId(), pipeline,
                new IngestSession.Listener() {
                    @Override
                    public void requestMore(int count) {
                        lastActive.set(System.nanoTime());
                        call.request(count);
                    }

                    @Override
                    public boolean isReady() {
                        return call.isReady();
                    }

                    @Override
                    public void settled() {
                        // its records were being written: the idle clock starts again from their commit
                        lastActive.set(System.nanoTime());
                    }

                    @Override
                    public void acknowledged(IngestSummary progress) {
                        if (!call.isCancelled()) {
                            reply.progress(call, progress);
                        }
                    }

                    @Override
                    public void completed(IngestSummary summary) {
                        release.run();
                        if (!call.isCancelled()) {
                            reply.complete(call, summary);
                        }
                    }

                    @Override
                    public void failed(CommandCenterException error) {
                        release.run();
                        if (!call.isCancelled()) {
                            call.onError(GrpcErrors.toStatus(error));
                        }
                    }
                }, acknowledge, window);
        // a client that does not read its answers stops being read (the session asks for nothing while the
        // call is not ready) and is read again once it catches up
        call.setOnReadyHandler(session::onReady);
        call.setOnCancelHandler(() -> {
            session.onCancel();
            release.run();
        });
        session.start();
        if (idleNanos > 0) {
            watchIdle(session, call, lastActive, released, idleCheck);
        }
        return new StreamObserver<>() {
            @Override
            public void onNext(Q request) {
                lastActive.set(System.nanoTime());
                TelemetryProtoMapper.Mapped mapped = mapper.fromProto(record.apply(request));
                if (mapped.isValid()) {
                    session.onRecord(mapped.record());
                } else {
                    session.onRejected(mapped.recordId(), mapped.violations());
                }
            }

            @Override
            public void onError(Throwable t) {
                session.onCancel();
                release.run();
            }

            @Override
            public void onCompleted() {
                session.onHalfClose();
            }
        };
    }

    /**
     * Ends {@code session} once its client has been quiet for the idle timeout while the hub holds
     * none of its records (its listener then releases the slot); checks again when it was not quiet
     * that long, or its records were still being written. When the hub stopped reading because the client
     * read no acks ({@code call} not ready), the reason says so ({@code ACKS_NOT_READ}), not {@code STREAM_IDLE}.
     */
    private void watchIdle(IngestSession session, ServerCallStreamObserver<?> call, AtomicLong lastActive,
                           AtomicBoolean released,
                           AtomicReference<ScheduledFuture<?>> idleCheck) {
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (released.get()) {
                    return;
                }
                long quiet = System.nanoTime() - lastActive.get();
                if (quiet >= idleNanos && session.expireIfWaiting(idle(call.isReady()))) {
                    return;
                }
                idleCheck.set(IDLE_CHECKS.schedule(this, quiet >= idleNanos ? idleNanos : idleNanos - quiet,
                        TimeUnit.NANOSECONDS));
                if (released.get()) {
                    idleCheck.get().cancel(false);
                }
            }
        };
        idleCheck.set(IDLE_CHECKS.schedule(check, idleNanos, TimeUnit.NANOSECONDS));
    }

    /**
     * UNAVAILABLE {@code STREAM_IDLE}, or {@code ACKS_NOT_READ} when the call took no answers
     * ({@code readingAcks} false): the hub then stopped reading records, so the client sent nothing because
     * it read nothing.
     */
    private CommandCenterException idle(boolean readingAcks) {
        long seconds = Duration.ofNanos(idleNanos).toSeconds();
        String kept = "; every record it acknowledged is stored: open a new stream to send more";
        return readingAcks
                ? CommandCenterException.unavailable("STREAM_IDLE", "the stream sent nothing for " + seconds
                        + " s (cc.ingest.idle-timeout), so the hub closed it" + kept, null)
                : CommandCenterException.unavailable("ACKS_NOT_READ", "the stream's client read no acks, so the hub"
                        + " stopped reading its records (acks must be read while sending); after " + seconds
                        + " s (cc.ingest.idle-timeout) the hub closed it" + kept, null);
    }

    @Override
    public void listHealthSamples(ListHealthSamplesRequest request, StreamObserver<ListHealthSamplesResponse> observer) {
        try {
            Caller caller = CallContext.caller();
            Violations v = new Violations();
            if (!request.getService().isEmpty()) {
                rules.service(v, "service", request.getService());
            }
            v.throwIfAny("INVALID_ARGUMENT", "invalid request");
            SampleQuery query = new SampleQuery(
                    request.getService().isEmpty() ? null : request.getService(),
                    TelemetryProtoMapper.instant(request.hasStartTime(), request.getStartTime(), "start_time"),
                    TelemetryProtoMapper.instant(request.hasEndTime(), request.getEndTime(), "end_time"),
                    SampleQuery.limitOf(request.getPageSize(), "page_size"),
                    null, request.getOldestFirst());
            SamplePage page = listing.list(caller.project(), query, request.getPageToken(), "page_token");
            ListHealthSamplesResponse.Builder response = ListHealthSamplesResponse.newBuilder()
                    .setNextPageToken(page.nextToken());
            for (StoredSample sample : page.samples()) {
                response.addSamples(TelemetryProtoMapper.toProto(sample));
            }
            observer.onNext(response.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    static IngestResponse response(IngestSummary summary) {
        IngestResponse.Builder b = IngestResponse.newBuilder().setReceived(summary.received())
                .setAccepted(summary.accepted()).setDuplicates(summary.duplicates()).setRejected(summary.rejected());
        summary.rejections().forEach(r -> b.addRejections(rejection(r)));
        return b.build();
    }

    static IngestStreamResponse ack(IngestSummary progress) {
        IngestStreamResponse.Builder b = IngestStreamResponse.newBuilder()
                .setSettledThrough(progress.settledThrough()).setAccepted(progress.accepted())
                .setDuplicates(progress.duplicates()).setRejected(progress.rejected());
        progress.rejections().forEach(r -> b.addRejections(rejection(r)));
        return b.build();
    }

    /**
     * One rejection as answered: the id and message cut ({@link ShownError#text}) — a valid id has
     * at most 128 characters, and an answer must not grow with the input it refuses.
     */
    private static RecordRejection rejection(Rejection r) {
        return RecordRejection.newBuilder().setIndex(r.index())
                .setRecordId(ShownError.text(r.recordId(), MAX_ECHOED_ID_BYTES)).setField(r.field())
                .setReason(r.reason()).setMessage(ShownError.text(r.message(), ShownError.MAX_TEXT_BYTES)).build();
    }

    /**
     * The response an Ingest error carries: the counts, and the first rejections that fit in
     * {@value #MAX_ERROR_RESPONSE_BYTES} bytes (the BadRequest beside it names the fields; the whole
     * error must fit a client's trailers).
     */
    static IngestResponse forError(IngestResponse response) {
        IngestResponse.Builder b = response.toBuilder().clearRejections();
        for (RecordRejection r : response.getRejectionsList()) {
            if (b.build().getSerializedSize() + r.getSerializedSize() + 4 > MAX_ERROR_RESPONSE_BYTES) {
                break;
            }
            b.addRejections(r);
        }
        return b.build();
    }

    private static final int MAX_ECHOED_ID_BYTES = 160;
    private static final int MAX_ERROR_RESPONSE_BYTES = 768;

    private static CommandCenterException rejectedError(IngestSummary summary) {
        Rejection first = summary.rejections().get(0);
        String message = summary.rejected() + " of " + summary.received() + " records rejected ("
                + summary.accepted() + " stored, " + summary.duplicates() + " duplicates); first: records["
                + first.index() + "]." + first.field() + ": " + first.message();
        List<FieldViolation> violations = summary.rejections().stream()
                .map(r -> new FieldViolation("records[" + r.index() + "]." + r.field(), r.reason(), r.message()))
                .toList();
        return new CommandCenterException(ErrorKind.INVALID, "RECORDS_REJECTED", message,
                Map.of("received", Long.toString(summary.received()),
                        "accepted", Long.toString(summary.accepted()),
                        "duplicates", Long.toString(summary.duplicates()),
                        "rejected", Long.toString(summary.rejected())),
                violations, null);
    }

}
