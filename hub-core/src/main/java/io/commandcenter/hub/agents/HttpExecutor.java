package io.commandcenter.hub.agents;

import io.commandcenter.common.http.HttpCalls;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Posts JSON to an HTTP endpoint and reads the status: 2xx is success, 4xx a failure retrying will
 * not fix, 5xx and network errors one it may. Used by the devops agent (a service's own admin
 * endpoint: {@code POST <base>/<action>}) and the notifier (Slack's incoming webhook, generic
 * webhooks). URLs come from configuration only, never from workflow inputs.
 */
public final class HttpExecutor {
    private final HttpClient client;
    private final Duration timeout;

    public HttpExecutor(Duration timeout) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        this.timeout = timeout;
    }

    /** POSTs {@code json} to {@code uri}. */
    public ActionResult post(URI uri, String json, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        try {
            // the deadline covers the body too: a request's own timeout ends at the headers on Java 17
            HttpResponse<String> response = HttpCalls.sendWithin(client, request.build(),
                    HttpResponse.BodyHandlers.ofString(), timeout);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return ActionResult.done("{\"status\":" + status + "}");
            }
            String body = response.body() == null ? "" : response.body();
            return ActionResult.failed("HTTP_" + status, uri.getHost() + " answered " + status
                    + (body.isBlank() ? "" : ": " + body.substring(0, Math.min(200, body.length()))), status >= 500
                    || status == 429);
        } catch (IOException e) {
            return ActionResult.failed("HTTP_UNREACHABLE", "cannot reach " + uri.getHost() + ": " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ActionResult.failed("INTERRUPTED", "interrupted", true);
        }
    }
}
