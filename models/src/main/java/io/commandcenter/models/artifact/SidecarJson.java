package io.commandcenter.models.artifact;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.models.calibration.OnsetCalibration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@link ModelMetadata} sidecars: members in alphabetical order, pretty-printed
 * ({@link Json#pretty}), UTF-8, one trailing newline, so the same metadata always gives the same
 * bytes. Unknown members are ignored when reading, so newer sidecars stay readable.
 */
public final class SidecarJson {

    public byte[] write(ModelMetadata m) {
        Map<String, Object> out = new TreeMap<>();
        out.put("name", m.name());
        out.put("version", m.version());
        out.put("type", m.type().name());
        out.put("features", m.features());
        out.put("inputName", m.inputName());
        out.put("outputName", m.outputName());
        out.put("positiveIndex", m.positiveIndex());
        out.put("pipeline", m.pipeline());
        out.put("threshold", m.threshold());
        out.put("reference", m.reference());
        List<Object> bins = new ArrayList<>();
        for (CalibrationBin b : m.calibration()) {
            Map<String, Object> bin = new TreeMap<>();
            bin.put("lower", b.lower());
            bin.put("upper", b.upper());
            bin.put("count", b.count());
            bin.put("meanPredicted", b.meanPredicted());
            bin.put("observedRate", b.observedRate());
            bins.add(bin);
        }
        out.put("calibration", bins);
        out.put("trainingWindow", m.trainingWindow());
        out.put("dataHash", m.dataHash());
        out.put("metrics", new TreeMap<>(m.metrics()));
        out.put("codeVersion", m.codeVersion());
        out.put("seed", m.seed());
        out.put("createdAt", m.createdAt());
        out.put("provenance", new TreeMap<>(m.provenance()));
        if (!m.onset().isNone()) {
            Map<String, Object> onset = new TreeMap<>();
            onset.put("refractoryRows", m.onset().refractoryRows());
            onset.put("marginLogOdds", m.onset().marginLogOdds());
            if (m.onset().recurrenceRows() > 0) {
                onset.put("recurrenceRows", m.onset().recurrenceRows());
            }
            if (m.onset().recurrenceMarginLogOdds() > 0) {
                onset.put("recurrenceMarginLogOdds", m.onset().recurrenceMarginLogOdds());
            }
            if (m.onset().quietBonusLogOdds() > 0) {
                onset.put("quietBonusLogOdds", m.onset().quietBonusLogOdds());
                onset.put("quietAlarms", m.onset().quietAlarms());
                onset.put("quietDays", m.onset().quietDays());
            }
            if (m.onset().noveltyLogOdds() > 0) {
                onset.put("noveltyLogOdds", m.onset().noveltyLogOdds());
                onset.put("noveltyAlarms", m.onset().noveltyAlarms());
                onset.put("quietDays", m.onset().quietDays());
            }
            if (m.onset().burstRows() > 0) {
                onset.put("burstRows", m.onset().burstRows());
            }
            out.put("onset", onset);
        }
        return (Json.pretty(out) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a sidecar; fails INVALID / SIDECAR_INVALID on malformed JSON or values. */
    public ModelMetadata read(byte[] json) {
        try {
            Map<String, Object> in = Json.parseObject(new String(json, StandardCharsets.UTF_8));
            List<CalibrationBin> calibration = new ArrayList<>();
            for (Object o : list(in, "calibration")) {
                Map<String, Object> bin = asObject(o, "calibration");
                calibration.add(new CalibrationBin(number(bin, "lower"), number(bin, "upper"),
                        Json.number(bin, "count").longValue(), number(bin, "meanPredicted"),
                        number(bin, "observedRate")));
            }
            List<Float> reference = new ArrayList<>();
            for (Object o : list(in, "reference")) {
                reference.add(asNumber(o, "reference").floatValue());
            }
            List<String> features = new ArrayList<>();
            for (Object o : list(in, "features")) {
                features.add(asString(o, "features"));
            }
            Map<String, Double> metrics = new TreeMap<>();
            for (Map.Entry<String, Object> e : object(in, "metrics").entrySet()) {
                metrics.put(e.getKey(), asNumber(e.getValue(), "metrics." + e.getKey()).doubleValue());
            }
            Map<String, String> provenance = new TreeMap<>();
            for (Map.Entry<String, Object> e : object(in, "provenance").entrySet()) {
                provenance.put(e.getKey(), asString(e.getValue(), "provenance." + e.getKey()));
            }
            return new ModelMetadata(string(in, "name"), string(in, "version"), ModelType.parse(Json.string(in, "type")),
                    features, string(in, "inputName"), string(in, "outputName"),
                    Json.number(in, "positiveIndex").intValue(), string(in, "pipeline"), number(in, "threshold"),
                    reference, calibration, string(in, "trainingWindow"), string(in, "dataHash"), metrics,
                    string(in, "codeVersion"), ((Number) Json.optional(in, "seed", 0L)).longValue(),
                    string(in, "createdAt"), provenance, onset(in));
        } catch (JsonException | IllegalArgumentException | NullPointerException e) {
            throw new CommandCenterException(ErrorKind.INVALID, "SIDECAR_INVALID",
                    "invalid model sidecar: " + e.getMessage(), Map.of(), List.of(), e);
        }
    }

    /** The {@code onset} member, {@link OnsetCalibration#NONE} when absent (sidecars written before it existed). */
    private static OnsetCalibration onset(Map<String, Object> in) {
        if (in.get("onset") == null) {
            return OnsetCalibration.NONE;
        }
        Map<String, Object> o = Json.object(in, "onset");
        return new OnsetCalibration(Json.number(o, "refractoryRows").intValue(), number(o, "marginLogOdds"),
                ((Number) Json.optional(o, "recurrenceRows", 0L)).intValue(),
                o.get("recurrenceMarginLogOdds") == null ? 0.0 : number(o, "recurrenceMarginLogOdds"),
                o.get("quietBonusLogOdds") == null ? 0.0 : number(o, "quietBonusLogOdds"),
                o.get("quietBonusLogOdds") == null ? 0.0 : number(o, "quietAlarms"),
                o.get("quietDays") == null ? 0.0 : number(o, "quietDays"),
                o.get("noveltyLogOdds") == null ? 0.0 : number(o, "noveltyLogOdds"),
                o.get("noveltyLogOdds") == null ? 0.0 : number(o, "noveltyAlarms"),
                ((Number) Json.optional(o, "burstRows", 0L)).intValue());
    }

    /** An optional string member: {@code null} when absent (the metadata's own checks decide). */
    private static String string(Map<String, Object> in, String name) {
        Object value = in.get(name);
        return value == null ? null : asString(value, name);
    }

    private static double number(Map<String, Object> in, String name) {
        return Json.number(in, name).doubleValue();
    }

    private static List<Object> list(Map<String, Object> in, String name) {
        return in.get(name) == null ? List.of() : Json.array(in, name);
    }

    private static Map<String, Object> object(Map<String, Object> in, String name) {
        return in.get(name) == null ? Map.of() : Json.object(in, name);
    }

    private static String asString(Object value, String where) {
        if (value instanceof String s) {
            return s;
        }
        throw new JsonException("\"" + where + "\" must be a string, found " + Json.typeName(value));
    }

    private static Number asNumber(Object value, String where) {
        if (value instanceof Number n) {
            return n;
        }
        throw new JsonException("\"" + where + "\" must be a number, found " + Json.typeName(value));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String where) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new JsonException("\"" + where + "\" must hold objects, found " + Json.typeName(value));
    }
}
