package io.commandcenter.hub.tracing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A loopback OTLP/HTTP trace receiver (a stand-in for an OpenTelemetry Collector, which cannot run
 * here): {@code POST /v1/traces} with an {@code ExportTraceServiceRequest} in protobuf, decoded
 * field by field from the wire format of opentelemetry-proto's {@code trace_service.proto} and
 * {@code trace.proto}, answered with an empty {@code ExportTraceServiceResponse}.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One received span. */
    record Received(String traceId, String spanId, String parentSpanId, String name, long startNanos, long endNanos,
                    Map<String, String> attributes, List<String> events, String serviceName) {
    }

    private final HttpServer server;
    final List<Received> spans = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream raw = exchange.getRequestBody()) {
                String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
                byte[] body = ("gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(raw) : raw).readAllBytes();
                contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                spans.addAll(request(body));
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    static List<Received> request(byte[] bytes) throws IOException {
        List<Received> out = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                resourceSpans(in.readByteArray(), out);
            } else {
                in.skipField(tag);
            }
        }
        return out;
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    // Resource { repeated KeyValue attributes = 1; }
    private static void resourceSpans(byte[] bytes, List<Received> out) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String service = "";
        List<byte[]> scopes = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    CodedInputStream r = CodedInputStream.newInstance(in.readByteArray());
                    Map<String, String> attributes = new LinkedHashMap<>();
                    for (int t; (t = r.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(t) == 1) {
                            keyValue(r.readByteArray(), attributes);
                        } else {
                            r.skipField(t);
                        }
                    }
                    service = attributes.getOrDefault("service.name", "");
                }
                case 2 -> scopes.add(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        for (byte[] scope : scopes) {
            // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
            CodedInputStream s = CodedInputStream.newInstance(scope);
            for (int tag; (tag = s.readTag()) != 0; ) {
                if (WireFormat.getTagFieldNumber(tag) == 2) {
                    out.add(span(s.readByteArray(), service));
                } else {
                    s.skipField(tag);
                }
            }
        }
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
    //        fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9;
    //        repeated Event events = 11; }  Event { fixed64 time_unix_nano = 1; string name = 2; ... }
    private static Received span(byte[] bytes, String service) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        HexFormat hex = HexFormat.of();
        String trace = "", span = "", parent = "", name = "";
        long start = 0, end = 0;
        Map<String, String> attributes = new LinkedHashMap<>();
        List<String> events = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> trace = hex.formatHex(in.readByteArray());
                case 2 -> span = hex.formatHex(in.readByteArray());
                case 4 -> parent = hex.formatHex(in.readByteArray());
                case 5 -> name = in.readString();
                case 7 -> start = in.readFixed64();
                case 8 -> end = in.readFixed64();
                case 9 -> keyValue(in.readByteArray(), attributes);
                case 11 -> {
                    CodedInputStream e = CodedInputStream.newInstance(in.readByteArray());
                    for (int t; (t = e.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(t) == 2) {
                            events.add(e.readString());
                        } else {
                            e.skipField(t);
                        }
                    }
                }
                default -> in.skipField(tag);
            }
        }
        return new Received(trace, span, parent, name, start, end, attributes, events, service);
    }

    // KeyValue { string key = 1; AnyValue value = 2; }
    // AnyValue { string_value = 1; bool_value = 2; int_value = 3; double_value = 4; }
    private static void keyValue(byte[] bytes, Map<String, String> into) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String key = "", value = "";
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> key = in.readString();
                case 2 -> {
                    CodedInputStream v = CodedInputStream.newInstance(in.readByteArray());
                    for (int t; (t = v.readTag()) != 0; ) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case 1 -> value = v.readString();
                            case 2 -> value = Boolean.toString(v.readBool());
                            case 3 -> value = Long.toString(v.readInt64());
                            case 4 -> value = Double.toString(v.readDouble());
                            default -> v.skipField(t);
                        }
                    }
                }
                default -> in.skipField(tag);
            }
        }
        into.put(key, value);
    }
}
