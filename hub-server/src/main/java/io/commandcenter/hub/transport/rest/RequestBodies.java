package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ShownError;
import io.commandcenter.hub.runtime.HttpSettings;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every request body REST reads is bounded and decodable, checked after the caller is known and
 * before the body is read:
 * <ul>
 *   <li>a {@code Content-Length} over {@code cc.http.max-body-bytes} is refused with 413
 *       (RESOURCE_EXHAUSTED, reason {@value #TOO_LARGE}) before a byte is read; a body without a
 *       length (chunked) is counted as it is read and refused the same way at the limit, so no
 *       body is ever held whole past it;</li>
 *   <li>a {@code charset} the hub cannot decode ({@code Content-Type: application/json;
 *       charset=bogus}) is 400 (INVALID_ARGUMENT, reason {@value #BAD_CHARSET}, field
 *       {@code Content-Type}).</li>
 * </ul>
 * Neither answer repeats what was sent beyond a short, escaped excerpt of the charset's name.
 */
@Provider
@Priority(Priorities.USER + 100)
public class RequestBodies implements ContainerRequestFilter, ReaderInterceptor {
    /** The reason of a body over the limit. */
    public static final String TOO_LARGE = "BODY_TOO_LARGE";
    /** The reason of a charset the hub cannot decode. */
    public static final String BAD_CHARSET = "UNSUPPORTED_CHARSET";
    private static final Pattern CHARSET = Pattern.compile("(?i);\\s*charset\\s*=\\s*\"?([^\";]*)\"?");

    @Inject
    jakarta.inject.Provider<HttpSettings> http;

    @Override
    public void filter(ContainerRequestContext request) {
        int max = http.get().maxBodyBytes();
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null && isOver(length.strip(), max)) {
            throw tooLarge(max);
        }
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        String type = context.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            Matcher charset = CHARSET.matcher(type);
            if (charset.find() && !isSupported(charset.group(1).strip())) {
                throw CommandCenterException.invalid(BAD_CHARSET, "Content-Type", "the body's charset '"
                        + ShownError.text(charset.group(1).strip(), 64) + "' is not one the hub decodes; send UTF-8"
                        + " (Content-Type: application/json; charset=utf-8, or no charset)");
            }
        }
        context.setInputStream(new Bounded(context.getInputStream(), http.get().maxBodyBytes()));
        return context.proceed();
    }

    private static boolean isOver(String length, int max) {
        try {
            return Long.parseLong(length) > max;
        } catch (NumberFormatException e) {
            return false; // the container answers a malformed length itself
        }
    }

    private static boolean isSupported(String charset) {
        try {
            return !charset.isEmpty() && Charset.isSupported(charset);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }

    static CommandCenterException tooLarge(int max) {
        return CommandCenterException.tooLarge(TOO_LARGE, "the request body is larger than " + max
                + " bytes (cc.http.max-body-bytes); send less per request");
    }

    /** A body that refuses to be read past the limit. */
    private static final class Bounded extends FilterInputStream {
        private final int max;
        private long read;

        Bounded(InputStream in, int max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) {
            read += n;
            if (read > max) {
                throw tooLarge(max);
            }
        }
    }
}
