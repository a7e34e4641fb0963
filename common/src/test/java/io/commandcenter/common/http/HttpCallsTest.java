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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** {@link HttpCalls#sendWithin} against a loopback JDK HttpServer that answers, or stalls inside its body. */
class HttpCallsTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", x -> {
            requests.incrementAndGet();
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
    void anInterruptedCaller_sendsNothing_andGetsInterruptedException_evenWhenTheAnswerWouldBeAtOnce() throws Exception {
        HttpClient http = client();
        for (int i = 0; i < 20; i++) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> HttpCalls.sendWithin(http, get("/ok").build(), HttpResponse.BodyHandlers.ofString(),
                    Duration.ofSeconds(5))).isInstanceOf(InterruptedException.class).hasMessageContaining("not sent");
            assertThat(Thread.interrupted()).as("the flag cleared with the exception").isFalse();
        }
        assertThat(requests.get()).as("nothing sent").isZero();
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
        // no request timeout: it would end with the headers anyway, and under load could fire first
        HttpRequest request = get("/stall").build();

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
                .isInstanceOfSatisfying(java.net.ConnectException.class, e -> {
                    assertThat(e.getCause()).as("the exchange's own exception").isInstanceOf(java.net.ConnectException.class);
                    assertThat(e.getStackTrace()).as("thrown on the caller's thread, its stack kept")
                            .anyMatch(frame -> frame.getClassName().equals(HttpCallsTest.class.getName()));
                });
    }

    @Test
    void aDeadlineThatHasPassed_throwsBeforeAnythingIsSent() {
        assertThatThrownBy(() -> HttpCalls.sendWithin(client(), get("/ok").build(), HttpResponse.BodyHandlers.ofString(),
                Duration.ZERO)).isInstanceOf(HttpTimeoutException.class).hasMessageContaining("not sent");
        assertThatThrownBy(() -> HttpCalls.sendWithin(client(), get("/ok").build(), HttpResponse.BodyHandlers.ofString(),
                Duration.ofMillis(-1))).isInstanceOf(HttpTimeoutException.class);

        assertThat(requests.get()).isZero();
    }

    @Test
    void anAnswerThatCompletesAsTheDeadlinePasses_isReturned() throws Exception {
        HttpClient http = new LateClient(client());

        HttpResponse<String> r = HttpCalls.sendWithin(http, get("/ok").build(), HttpResponse.BodyHandlers.ofString(),
                Duration.ofSeconds(5));

        assertThat(r.body()).isEqualTo("{\"ok\":true}");
    }

    /**
     * A real client whose futures report a timeout only once the real exchange has completed: the race
     * between the deadline and the answer, made certain.
     */
    private static final class LateClient extends HttpClient {
        private final HttpClient real;

        LateClient(HttpClient real) {
            this.real = real;
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> body) {
            CompletableFuture<HttpResponse<T>> late = new CompletableFuture<>() {
                @Override
                public HttpResponse<T> get(long timeout, TimeUnit unit) throws TimeoutException {
                    join(); // the answer arrives...
                    throw new TimeoutException(); // ...as the wait gives up
                }
            };
            real.sendAsync(request, body).whenComplete((r, e) -> {
                if (e == null) {
                    late.complete(r);
                } else {
                    late.completeExceptionally(e);
                }
            });
            return late;
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> body,
                                                                HttpResponse.PushPromiseHandler<T> push) {
            return sendAsync(request, body);
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<java.net.CookieHandler> cookieHandler() {
            return real.cookieHandler();
        }

        @Override
        public java.util.Optional<Duration> connectTimeout() {
            return real.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return real.followRedirects();
        }

        @Override
        public java.util.Optional<java.net.ProxySelector> proxy() {
            return real.proxy();
        }

        @Override
        public javax.net.ssl.SSLContext sslContext() {
            return real.sslContext();
        }

        @Override
        public javax.net.ssl.SSLParameters sslParameters() {
            return real.sslParameters();
        }

        @Override
        public java.util.Optional<java.net.Authenticator> authenticator() {
            return real.authenticator();
        }

        @Override
        public Version version() {
            return real.version();
        }

        @Override
        public java.util.Optional<java.util.concurrent.Executor> executor() {
            return real.executor();
        }
    }
}
