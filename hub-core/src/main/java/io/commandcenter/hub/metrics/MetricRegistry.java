package io.commandcenter.hub.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The hub's metrics: counters, histograms and gauges by label set, written in the Prometheus text
 * exposition format (version 0.0.4) — what {@code GET /metrics} serves. Plain Java, so hub tests
 * read the same text a real Prometheus scrapes (ADR 0009 says why this and not a library).
 *
 * <p>Families are registered once, by name; labels are the bounded ones the hub names (project,
 * model, version, kind, action, outcome, mode, reason, state...). A family keeps at most
 * {@link #MAX_SERIES} label sets: any further one is counted under the values {@code "_other"}, so
 * no input can grow a family without bound. Recording is lock-free ({@link LongAdder},
 * {@link DoubleAdder}); gauges are read at scrape time from callbacks.
 */
public final class MetricRegistry {
    /** Most label sets one family keeps; further ones fold into {@code _other}. */
    public static final int MAX_SERIES = 2000;
    static final String OTHER = "_other";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final List<Family> families = new CopyOnWriteArrayList<>();
    private final Map<String, Family> byName = new ConcurrentHashMap<>();

    /** A counter family: its name ends in {@code _total}. */
    public Counter counter(String name, String help, String... labelNames) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        return register(new Counter(name, help, labelNames));
    }

    /**
     * A histogram family in base units (seconds, ratios).
     *
     * @param buckets upper bounds, ascending; {@code +Inf} is added
     */
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return register(new Histogram(name, help, buckets, labelNames));
    }

    /** A gauge family whose values are set by the hub. */
    public Gauge gauge(String name, String help, String... labelNames) {
        return register(new Gauge(name, help, labelNames));
    }

    /** A gauge family read at scrape time: {@code reader} reports each label set's value. */
    public void gauge(String name, String help, List<String> labelNames, Consumer<GaugeSink> reader) {
        register(new CallbackGauge(name, help, labelNames.toArray(String[]::new), reader, "gauge"));
    }

    /**
     * A counter family read at scrape time from counts the hub keeps anyway: {@code reader} reports
     * each label set's total. The name ends in {@code _total}.
     */
    public void counter(String name, String help, List<String> labelNames, Consumer<GaugeSink> reader) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        register(new CallbackGauge(name, help, labelNames.toArray(String[]::new), reader, "counter"));
    }

    /** Receives the values of a callback gauge. */
    @FunctionalInterface
    public interface GaugeSink {
        void set(double value, String... labelValues);
    }

    private <F extends Family> F register(F family) {
        if (byName.putIfAbsent(family.name, family) != null) {
            throw new IllegalArgumentException("metric " + family.name + " is registered already");
        }
        families.add(family);
        return family;
    }

    /** Everything, in the Prometheus text format. */
    public String scrape() {
        StringBuilder out = new StringBuilder(16 * 1024);
        write(out);
        return out.toString();
    }

    /** Writes every family in the Prometheus text format 0.0.4. */
    public void write(Appendable out) {
        try {
            for (Family f : families) {
                out.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help)).append('\n');
                out.append("# TYPE ").append(f.name).append(' ').append(f.type()).append('\n');
                f.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The common part of every family: name, help, label names, the label sets seen. */
    public abstract static class Family {
        final String name;
        final String help;
        final String[] labelNames;

        Family(String name, String help, String[] labelNames) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a metric name: " + name);
            }
            for (String l : labelNames) {
                if (!LABEL.matcher(l).matches() || l.startsWith("__") || l.equals("le")) {
                    throw new IllegalArgumentException("not a label name: " + l);
                }
            }
            this.name = name;
            this.help = Objects.requireNonNull(help, "help");
            this.labelNames = labelNames.clone();
        }

        abstract String type();

        abstract void write(Appendable out) throws IOException;

        List<String> key(String[] values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes " + labelNames.length + " label values, not "
                        + values.length);
            }
            String[] copy = new String[values.length];
            for (int i = 0; i < values.length; i++) {
                copy[i] = values[i] == null ? "" : values[i];
            }
            return List.of(copy);
        }

        <C> C child(Map<List<String>, C> children, String[] values, java.util.function.Supplier<C> create) {
            List<String> key = key(values);
            C found = children.get(key);
            if (found != null) {
                return found;
            }
            if (children.size() >= MAX_SERIES) {
                String[] other = new String[labelNames.length];
                Arrays.fill(other, OTHER);
                key = List.of(other);
            }
            return children.computeIfAbsent(key, k -> create.get());
        }

        void labels(Appendable out, List<String> values, String extraName, String extraValue) throws IOException {
            if (values.isEmpty() && extraName == null) {
                return;
            }
            out.append('{');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labelNames[i]).append("=\"").append(escapeValue(values.get(i))).append('"');
            }
            if (extraName != null) {
                if (!values.isEmpty()) {
                    out.append(',');
                }
                out.append(extraName).append("=\"").append(extraValue).append('"');
            }
            out.append('}');
        }

        static List<Map.Entry<List<String>, ?>> sorted(Map<List<String>, ?> children) {
            List<Map.Entry<List<String>, ?>> entries = new ArrayList<>(children.entrySet());
            entries.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
            return entries;
        }
    }

    /** A monotonic counter by label set. */
    public static final class Counter extends Family {
        private final Map<List<String>, DoubleAdder> children = new ConcurrentHashMap<>();

        Counter(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
        }

        /** Adds one to the series of these label values. */
        public void inc(String... labelValues) {
            add(1, labelValues);
        }

        /** Adds {@code amount} (not negative) to the series of these label values. */
        public void add(double amount, String... labelValues) {
            if (amount < 0) {
                throw new IllegalArgumentException("a counter only goes up");
            }
            child(children, labelValues, DoubleAdder::new).add(amount);
        }

        /**
         * Creates the series at 0 without counting: a series that exists before its first event lets
         * PromQL's {@code increase()} see that event (a series born at 1 shows no increase).
         */
        public void touch(String... labelValues) {
            add(0, labelValues);
        }

        /** The series' value now (0 when never recorded): for tests and {@code cc stats}. */
        public double value(String... labelValues) {
            DoubleAdder a = children.get(key(labelValues));
            return a == null ? 0 : a.sum();
        }

        /** The sum over every series whose labels match {@code filter} (null entries match anything). */
        public double sum(String... filter) {
            double total = 0;
            for (Map.Entry<List<String>, DoubleAdder> e : children.entrySet()) {
                if (matches(e.getKey(), filter)) {
                    total += e.getValue().sum();
                }
            }
            return total;
        }

        @Override
        String type() {
            return "counter";
        }

        @Override
        void write(Appendable out) throws IOException {
            for (Map.Entry<List<String>, ?> e : sorted(children)) {
                out.append(name);
                labels(out, e.getKey(), null, null);
                out.append(' ').append(number(((DoubleAdder) e.getValue()).sum())).append('\n');
            }
        }
    }

    /** A gauge set by the hub, by label set. */
    public static final class Gauge extends Family {
        private final Map<List<String>, java.util.concurrent.atomic.AtomicLong> children = new ConcurrentHashMap<>();

        Gauge(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
        }

        public void set(double value, String... labelValues) {
            child(children, labelValues, java.util.concurrent.atomic.AtomicLong::new)
                    .set(Double.doubleToRawLongBits(value));
        }

        public double value(String... labelValues) {
            java.util.concurrent.atomic.AtomicLong v = children.get(key(labelValues));
            return v == null ? 0 : Double.longBitsToDouble(v.get());
        }

        @Override
        String type() {
            return "gauge";
        }

        @Override
        void write(Appendable out) throws IOException {
            for (Map.Entry<List<String>, ?> e : sorted(children)) {
                out.append(name);
                labels(out, e.getKey(), null, null);
                out.append(' ').append(number(Double.longBitsToDouble(
                        ((java.util.concurrent.atomic.AtomicLong) e.getValue()).get()))).append('\n');
            }
        }
    }

    /** A gauge whose values a callback reports at scrape time. */
    static final class CallbackGauge extends Family {
        private final Consumer<GaugeSink> reader;
        private final String type;

        CallbackGauge(String name, String help, String[] labelNames, Consumer<GaugeSink> reader, String type) {
            super(name, help, labelNames);
            this.reader = reader;
            this.type = type;
        }

        @Override
        String type() {
            return type;
        }

        @Override
        void write(Appendable out) throws IOException {
            Map<List<String>, Double> values = new java.util.TreeMap<>(
                    (a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
            try {
                reader.accept((value, labelValues) -> {
                    if (values.size() < MAX_SERIES) {
                        values.merge(key(labelValues), value, Double::sum);
                    }
                });
            } catch (RuntimeException e) {
                // a gauge that cannot be read now (its source is closing) is left out of this scrape
                System.getLogger(MetricRegistry.class.getName()).log(System.Logger.Level.DEBUG,
                        "gauge " + name + " could not be read: " + e.getMessage());
            }
            for (Map.Entry<List<String>, Double> e : values.entrySet()) {
                out.append(name);
                labels(out, e.getKey(), null, null);
                out.append(' ').append(number(e.getValue())).append('\n');
            }
        }
    }

    /** A histogram by label set: cumulative {@code le} buckets, sum and count. */
    public static final class Histogram extends Family {
        private final double[] bounds;
        private final Map<List<String>, Cells> children = new ConcurrentHashMap<>();

        private static final class Cells {
            final LongAdder[] buckets;
            final DoubleAdder sum = new DoubleAdder();
            final LongAdder count = new LongAdder();

            Cells(int n) {
                buckets = new LongAdder[n];
                for (int i = 0; i < n; i++) {
                    buckets[i] = new LongAdder();
                }
            }
        }

        Histogram(String name, String help, double[] bounds, String[] labelNames) {
            super(name, help, labelNames);
            for (int i = 1; i < bounds.length; i++) {
                if (!(bounds[i] > bounds[i - 1])) {
                    throw new IllegalArgumentException("buckets must ascend: " + Arrays.toString(bounds));
                }
            }
            this.bounds = bounds.clone();
        }

        /** Records one observation in base units. */
        public void observe(double value, String... labelValues) {
            Cells c = child(children, labelValues, () -> new Cells(bounds.length));
            int i = Arrays.binarySearch(bounds, value);
            int bucket = i >= 0 ? i : -i - 1; // first bound >= value; bounds.length means +Inf only
            if (bucket < bounds.length) {
                c.buckets[bucket].increment();
            }
            c.sum.add(value);
            c.count.increment();
        }

        /** Creates the series with no observations (see {@link Counter#touch}). */
        public void touch(String... labelValues) {
            child(children, labelValues, () -> new Cells(bounds.length));
        }

        /** Observations of the series so far (0 when none). */
        public long count(String... labelValues) {
            Cells c = children.get(key(labelValues));
            return c == null ? 0 : c.count.sum();
        }

        /** Sum of the observations of the series so far. */
        public double sum(String... labelValues) {
            Cells c = children.get(key(labelValues));
            return c == null ? 0 : c.sum.sum();
        }

        /** Observations over every series whose labels match {@code filter} (null entries match anything). */
        public long totalCount(String... filter) {
            long total = 0;
            for (Map.Entry<List<String>, Cells> e : children.entrySet()) {
                if (matches(e.getKey(), filter)) {
                    total += e.getValue().count.sum();
                }
            }
            return total;
        }

        /** Sum over every series whose labels match {@code filter}. */
        public double totalSum(String... filter) {
            double total = 0;
            for (Map.Entry<List<String>, Cells> e : children.entrySet()) {
                if (matches(e.getKey(), filter)) {
                    total += e.getValue().sum.sum();
                }
            }
            return total;
        }

        @Override
        String type() {
            return "histogram";
        }

        @Override
        void write(Appendable out) throws IOException {
            for (Map.Entry<List<String>, ?> e : sorted(children)) {
                Cells c = (Cells) e.getValue();
                // read the count first: buckets only grow, so the +Inf bucket is never below a finite one
                long count = c.count.sum();
                long cumulative = 0;
                for (int i = 0; i < bounds.length; i++) {
                    cumulative += c.buckets[i].sum();
                    out.append(name).append("_bucket");
                    labels(out, e.getKey(), "le", number(bounds[i]));
                    out.append(" ").append(Long.toString(cumulative))
                            .append('\n');
                }
                out.append(name).append("_bucket");
                labels(out, e.getKey(), "le", "+Inf");
                out.append(' ').append(Long.toString(Math.max(count, cumulative))).append('\n');
                out.append(name).append("_sum");
                labels(out, e.getKey(), null, null);
                out.append(' ').append(number(c.sum.sum())).append('\n');
                out.append(name).append("_count");
                labels(out, e.getKey(), null, null);
                out.append(' ').append(Long.toString(Math.max(count, cumulative))).append('\n');
            }
        }
    }

    static boolean matches(List<String> key, String[] filter) {
        for (int i = 0; i < filter.length && i < key.size(); i++) {
            if (filter[i] != null && !filter[i].equals(key.get(i))) {
                return false;
            }
        }
        return true;
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String escapeValue(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** The families, for tests. */
    List<Family> families() {
        return Collections.unmodifiableList(families);
    }
}
