package io.commandcenter.scheduler.grpc;

import io.commandcenter.common.error.CommandCenterException;

/**
 * A stream of the schedule service that does not end by itself (an agent's {@code ConnectAgent}, a
 * {@code WatchAssignments}): the service ends it when the hub stops ({@link ScheduleGrpcService#endStreams}).
 */
interface OpenStream {
    /** Ends the call with this status at once; a stream already ended is left as it is. */
    void endCall(CommandCenterException reason);

    /** Releases what the stream held (an agent's session is marked disconnected); may call the shared state. */
    void release();
}
