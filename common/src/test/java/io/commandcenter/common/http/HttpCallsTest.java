package io.commandcenter.common.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** {@link HttpCalls#sendWithin} against a loopback JDK HttpServer that answers, or stalls inside its body. */
class HttpCallsTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", x -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/stall", x -> {
            // headers promising 1000 bytes, ten of them, then nothing until the test ends
            x.sendResponseHeaders(200, 1000);
            OutputStream out = x.getResponseBody();
            out.write("{\"partial\"".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Test
    void aCompleteAnswer_isReturned() throws Exception {
        HttpResponse<String> r = HttpCalls.sendWithin(client(), get("/ok").build(),
                HttpResponse.BodyHandlers.ofString(), Duration.ofSeconds(5));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void aServerThatStallsInTheBody_afterItsHeaders_isGivenUpAtTheDeadline() {
        HttpClient http = client();
        // the request's own timeout ends with the headers: alone, it would wait for the body forever
        HttpRequest request = get("/stall").timeout(Duration.ofMillis(300)).build();

        // a guard against hanging, not a timing: the deadline is 300 ms
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> assertThatThrownBy(() -> HttpCalls.sendWithin(http,
                request, HttpResponse.BodyHandlers.ofString(), Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class)
                .hasMessageContaining("GET 127.0.0.1/stall: no complete answer within PT0.3S"));
    }

    @Test
    void aServerThatIsNotThere_isTheExchangesOwnIoError() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HttpRequest nobody = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();

        assertThatThrownBy(() -> HttpCalls.sendWithin(client(), nobody,
                HttpResponse.BodyHandlers.ofString(), Duration.ofSeconds(5)))
                .isInstanceOf(java.net.ConnectException.class);
    }
}
