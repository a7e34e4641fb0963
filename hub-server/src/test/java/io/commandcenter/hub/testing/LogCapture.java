package io.commandcenter.hub.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything the hub logs while it is open, at every level, as the lines a log file would hold
 * (message with its parameters, and any stack trace), so a test can say what must never be logged.
 * The console keeps its own level; closing restores the loggers.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private static final String[] LOGGERS = {"io.commandcenter", "io.grpc"};

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Formatter formatter = new SimpleFormatter();
    private final Level[] saved = new Level[LOGGERS.length];
    /**
     * The loggers themselves, held: the LogManager keeps only weak references, so a logger nobody holds can be
     * collected and re-created later without this handler (the capture then sees nothing).
     */
    private final Logger[] loggers = new Logger[LOGGERS.length];

    private LogCapture() {
        setLevel(Level.ALL);
    }

    /** Starts capturing the hub's loggers ({@code io.commandcenter} at every level, {@code io.grpc} from INFO). */
    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        for (int i = 0; i < LOGGERS.length; i++) {
            Logger logger = Logger.getLogger(LOGGERS[i]);
            capture.loggers[i] = logger;
            capture.saved[i] = logger.getLevel();
            logger.setLevel(i == 0 ? Level.ALL : Level.INFO);
            logger.addHandler(capture);
        }
        return capture;
    }

    /** The lines logged so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getLoggerName() + ": "
                + formatter.formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        lines.add(line.toString());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (int i = 0; i < LOGGERS.length; i++) {
            loggers[i].removeHandler(this);
            loggers[i].setLevel(saved[i]);
        }
    }
}
