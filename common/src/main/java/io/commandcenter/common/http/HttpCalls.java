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
     * is thrown, so a caller's handling of I/O failures covers it.
     *
     * @throws IOException          the exchange failed, or did not finish within the deadline
     * @throws InterruptedException the caller was interrupted while waiting (the exchange is cancelled)
     */
    public static <T> HttpResponse<T> sendWithin(HttpClient http, HttpRequest request,
                                                 HttpResponse.BodyHandler<T> body, Duration deadline)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<T>> answer = http.sendAsync(request, body);
        try {
            return answer.get(Math.max(0, deadline.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException(request.method() + " " + request.uri().getHost() + request.uri().getPath()
                    + ": no complete answer within " + deadline);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }
}
