package io.commandcenter.hub.predict.grpc;

import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.proto.v1.FeedbackRow;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.Iterator;

/**
 * One {@code ExportFeedback} call: sends the rows only while the transport takes them ({@code isReady}, the rest on
 * {@code onReady}), reading each from the store as it is sent ({@link io.commandcenter.hub.feedback.Feedback#rows}),
 * so a client that reads slowly holds the hub to a page, not the dataset. A call the client cancels (or whose
 * deadline passes) stops at once: no row, and no page, is read after it.
 *
 * <p>The call's callbacks run on its serialized executor; {@link #start} runs on the service method's thread, so
 * sending is guarded by {@code this}.
 */
final class FeedbackExport {
    private final ServerCallStreamObserver<FeedbackRow> call;
    private final Iterator<FeedbackRow> rows;
    private boolean ended;

    /** Call from the service method itself: the ready and cancel handlers can only be set then. */
    FeedbackExport(ServerCallStreamObserver<FeedbackRow> call, Iterator<FeedbackRow> rows) {
        this.call = call;
        this.rows = rows;
        call.setOnReadyHandler(this::send);
        call.setOnCancelHandler(this::cancel);
    }

    /** Sends what the transport takes now; the rest follows on {@code onReady}. */
    void start() {
        send();
    }

    private synchronized void send() {
        if (ended) {
            return;
        }
        try {
            while (call.isReady()) {
                if (call.isCancelled()) {
                    ended = true;
                    return;
                }
                if (!rows.hasNext()) {
                    ended = true;
                    call.onCompleted();
                    return;
                }
                call.onNext(rows.next());
            }
        } catch (RuntimeException e) {
            ended = true;
            if (!call.isCancelled()) {
                call.onError(GrpcErrors.toStatus(e));
            }
        }
    }

    private synchronized void cancel() {
        ended = true;
    }
}
