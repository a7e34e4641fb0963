package io.commandcenter.common.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP exchange with a deadline on the whole of it. On Java 17, {@link HttpRequest#timeout} covers
 * the wait for the response headers only: a server that sends its headers and then stalls in the body
 * holds {@link HttpClient#send} forever. {@link #sendWithin} bounds headers and body together.
 */
public final class HttpCalls {

    private HttpCalls() {
    }

    /**
     * Sends {@code request} and waits at most {@code deadline} for the complete response, body included.
     * Past the deadline the exchange is cancelled and {@link HttpTimeoutException} (an {@code IOException})
     * is thrown, so a caller's handling of I/O failures covers it; a deadline that is zero or negative throws
     * it before anything is sent. A response that completed just as the deadline passed is returned. An
     * exchange's own I/O failure is thrown as a new exception of its type, made on the caller's thread (its
     * stack shows the caller), with the exchange's exception as its cause — as {@link HttpClient#send} does.
     *
     * @throws IOException          the exchange failed, or did not finish within the deadline
     * @throws InterruptedException the caller was interrupted before the call (nothing sent) or while waiting (the
     *                              exchange is cancelled); the interrupt flag is cleared, as by every such method
     */
    public static <T> HttpResponse<T> sendWithin(HttpClient http, HttpRequest request,
                                                 HttpResponse.BodyHandler<T> body, Duration deadline)
            throws IOException, InterruptedException {
        if (deadline.isZero() || deadline.isNegative()) {
            throw new HttpTimeoutException(describe(request) + ": not sent, no time left (deadline " + deadline + ")");
        }
        // an interrupted caller sends nothing: the wait below would not see the interrupt if the answer came first
        // (a future already complete returns without checking it), so the caller's interrupt would go unnoticed
        if (Thread.interrupted()) {
            throw new InterruptedException(describe(request) + ": not sent, the caller was interrupted");
        }
        CompletableFuture<HttpResponse<T>> answer = http.sendAsync(request, body);
        try {
            return answer.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            // completed between the timeout and the cancel? (the JDK's cancel may end the future with a
            // CancellationException of its own, so isCancelled() cannot tell)
            if (answer.isDone() && !answer.isCompletedExceptionally()) {
                return answer.getNow(null);
            }
            throw new HttpTimeoutException(describe(request) + ": no complete answer within " + deadline);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    private static String describe(HttpRequest request) {
        return request.method() + " " + request.uri().getHost() + request.uri().getPath();
    }

    /** The exchange's failure as one thrown from here: an I/O failure copied into its own type, when it can be. */
    private static IOException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        String message = cause.getMessage();
        if (cause instanceof IOException) {
            try {
                Throwable copy = cause.getClass().getConstructor(String.class).newInstance(message);
                copy.initCause(cause);
                return (IOException) copy;
            } catch (ReflectiveOperationException | IllegalStateException e) {
                // no public (String) constructor, or it set a cause itself: a plain IOException keeps both
            }
        }
        return new IOException(message, cause);
    }
}
