package io.commandcenter.hub.testing;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A call's answers, in order, and its end ({@link #done}: completed, or failed with the status); a test
 * overrides {@link #beforeStart} to take the call (its own flow control) and {@link #onNext} to act on each
 * answer after it is kept.
 */
public class Answers<Q, R> implements ClientResponseObserver<Q, R> {
    public final List<R> answers = new CopyOnWriteArrayList<>();
    public final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> call) {
    }

    @Override
    public void onNext(R value) {
        answers.add(value);
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        done.complete(null);
    }

    /** The last answer so far. */
    public R last() {
        return answers.get(answers.size() - 1);
    }
}
