package io.commandcenter.liberty;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/memories} on the real Liberty server: add, search, get, list and delete in one project,
 * and nothing of it reachable from another; bad input is 400 naming the field.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MemoryIT {
    @Deployment(testable = false)
    static WebArchive hub() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("hub.war")));
    }

    final HubClient client = new HubClient();

    @ArquillianResource
    URL base;

    @BeforeEach
    void locate() throws Exception {
        client.base = base.toURI();
    }

    @AfterEach
    void close() {
        client.close();
    }

    static String vector(int hot) {
        List<String> v = Collections.nCopies(64, "0").stream().collect(Collectors.toList());
        v.set(hot, "1");
        return "[" + String.join(",", v) + "]";
    }

    HttpResponse<String> send(String method, String path, String project, String body) throws Exception {
        HttpRequest.Builder r = HubClient.authorized(client.base.resolve(path.substring(1))).timeout(Duration.ofSeconds(30))
                .header("X-CC-Project", project);
        if (body != null) {
            r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return client.http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void memories_areKeptPerProject_overRest() throws Exception {
        String note = "{\"memory\":{\"memoryId\":\"it-note\",\"entity\":\"service/payments\",\"kind\":\"agent.note\","
                + "\"action\":\"scale\",\"outcome\":\"recovered\",\"text\":\"scaled out\",\"vector\":" + vector(9) + "}}";

        HttpResponse<String> added = send("POST", "/api/memories", "mem-it-a", note);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(added.body()).contains("\"memoryId\":\"it-note\"", "\"projectId\":\"mem-it-a\"");

        String search = "{\"vector\":" + vector(9) + ",\"k\":5}";
        assertThat(send("POST", "/api/memories/search", "mem-it-a", search).body()).contains("\"memoryId\":\"it-note\"");
        assertThat(client.get("/api/memories/it-note", "mem-it-a").statusCode()).isEqualTo(200);
        assertThat(client.get("/api/memories?action=scale", "mem-it-a").body()).contains("it-note", "\"totalSize\":\"1\"");

        // another project: nothing found, nothing readable, nothing deletable
        assertThat(send("POST", "/api/memories/search", "mem-it-b", search).body()).doesNotContain("it-note");
        HttpResponse<String> foreign = client.get("/api/memories/it-note", "mem-it-b");
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).contains("MEMORY_NOT_FOUND");
        assertThat(client.get("/api/memories", "mem-it-b").body()).doesNotContain("it-note");
        assertThat(send("DELETE", "/api/memories/it-note", "mem-it-b", null).statusCode()).isEqualTo(404);

        assertThat(send("DELETE", "/api/memories/it-note", "mem-it-a", null).statusCode()).isEqualTo(200);
        assertThat(client.get("/api/memories/it-note", "mem-it-a").statusCode()).isEqualTo(404);
    }

    @Test
    void badInput_is400_namingTheField() throws Exception {
        HttpResponse<String> shortVector = send("POST", "/api/memories", "mem-it-c",
                "{\"memory\":{\"memoryId\":\"x\",\"entity\":\"service/a\",\"kind\":\"note\",\"vector\":[1,2,3]}}");
        HttpResponse<String> badK = send("POST", "/api/memories/search", "mem-it-c", "{\"vector\":" + vector(1) + ",\"k\":500}");
        HttpResponse<String> badLimit = client.get("/api/memories?limit=abc", "mem-it-c");

        assertThat(shortVector.statusCode()).isEqualTo(400);
        assertThat(shortVector.body()).contains("\"field\":\"memory.vector\"", "WRONG_DIMENSIONS");
        assertThat(badK.statusCode()).isEqualTo(400);
        assertThat(badK.body()).contains("\"field\":\"k\"");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.body()).contains("\"field\":\"limit\"");
    }
}
