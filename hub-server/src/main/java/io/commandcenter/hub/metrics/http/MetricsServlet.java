package io.commandcenter.hub.metrics.http;

import io.commandcenter.hub.runtime.cdi.HubLifecycle;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.Writer;

/**
 * {@code GET /metrics}: the hub's metrics in the Prometheus text format 0.0.4 (guide section 21).
 * Open like {@code /health}: aggregate counts with bounded labels, no ids; the hub listens on
 * loopback unless told otherwise. 503 while the hub starts (or failed to start).
 */
@WebServlet(urlPatterns = "/metrics")
public class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The media type Prometheus asks for and parses. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    transient HubLifecycle lifecycle;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!lifecycle.isRunning()) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setContentType("text/plain; charset=utf-8");
            response.getWriter().write("the hub is not running\n");
            return;
        }
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        String text = lifecycle.hub().metrics().registry().scrape();
        try (Writer out = response.getWriter()) {
            out.write(text);
        }
    }
}
