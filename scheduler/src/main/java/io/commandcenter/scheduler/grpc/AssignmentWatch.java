package io.commandcenter.scheduler.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.proto.v1.WatchAssignmentsResponse;
import io.commandcenter.proto.v1.WatchDropped;
import io.commandcenter.proto.v1.WatchStarted;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.events.SchedulerEvents;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.ArrayDeque;

/**
 * One {@code WatchAssignments} stream: the project's assignment (and delegation) decisions of
 * every hub, sent as fast as the client reads. A bounded buffer holds what the client has not
 * read; when it is full the oldest decision is dropped and the client hears how many before the
 * next one. A slow follower never slows the scheduler.
 */
final class AssignmentWatch implements SchedulerEvents, OpenStream {
    private final ServerCallStreamObserver<WatchAssignmentsResponse> call;
    private final Scheduler scheduler;
    private final String project;
    private final boolean delegations;
    private final int capacity;
    private final Runnable onEnd;
    private final ArrayDeque<WatchAssignmentsResponse> buffer = new ArrayDeque<>();
    private long dropped;
    private boolean open;
    private boolean ended;
    private AutoCloseable subscription;

    AssignmentWatch(ServerCallStreamObserver<WatchAssignmentsResponse> call, Scheduler scheduler, String project,
                    boolean delegations, int capacity, Runnable onEnd) {
        this.call = call;
        this.scheduler = scheduler;
        this.project = project;
        this.delegations = delegations;
        this.capacity = capacity;
        this.onEnd = onEnd;
    }

    void start() {
        call.setOnCancelHandler(this::stop);
        call.setOnReadyHandler(this::drain);
        subscription = scheduler.subscribe(this);
        synchronized (this) {
            call.onNext(WatchAssignmentsResponse.newBuilder().setStarted(WatchStarted.newBuilder()
                    .setProjectId(project).setHubId(scheduler.hubId()).setBufferSize(capacity)).build());
            open = true;
        }
        drain();
    }

    @Override
    public void onEvent(SchedulerEvent event) {
        if (!event.project().equals(project)) {
            return;
        }
        WatchAssignmentsResponse message;
        if (event instanceof SchedulerEvent.AssignmentMade a) {
            message = WatchAssignmentsResponse.newBuilder()
                    .setAssignment(ScheduleProtoMapper.assignment(a.assignment())).build();
        } else if (delegations && event instanceof SchedulerEvent.TaskDelegated d) {
            message = WatchAssignmentsResponse.newBuilder()
                    .setDelegation(ScheduleProtoMapper.delegation(d.delegation())).build();
        } else {
            return;
        }
        synchronized (this) {
            if (buffer.size() >= capacity) {
                buffer.pollFirst();
                dropped++;
            }
            buffer.addLast(message);
        }
        drain();
    }

    private synchronized void drain() {
        if (!open || ended) {
            return;
        }
        while (!buffer.isEmpty() && call.isReady() && !call.isCancelled()) {
            if (dropped > 0) {
                call.onNext(WatchAssignmentsResponse.newBuilder().setDropped(WatchDropped.newBuilder()
                        .setCount(dropped)).build());
                dropped = 0;
            }
            call.onNext(buffer.pollFirst());
        }
    }

    synchronized boolean hasEnded() {
        return ended;
    }

    @Override
    public void endCall(CommandCenterException reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            buffer.clear();
            if (!call.isCancelled()) {
                call.onError(GrpcErrors.toStatus(reason));
            }
        }
        unsubscribe();
    }

    @Override
    public void release() {
        stop();
    }

    private void stop() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            buffer.clear();
        }
        unsubscribe();
    }

    private void unsubscribe() {
        try {
            subscription.close();
        } catch (Exception e) {
            // nothing to do: the subscription is a list entry
        }
        onEnd.run();
    }
}
