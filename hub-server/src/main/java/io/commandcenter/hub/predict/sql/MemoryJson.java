package io.commandcenter.hub.predict.sql;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.hub.predict.SimilarIncident;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code prediction.memory_json} column: similar incidents and the recommendation's note. */
final class MemoryJson {
    record Advice(List<SimilarIncident> similar, String note) {
    }

    private MemoryJson() {
    }

    static String write(List<SimilarIncident> similar, String note) {
        List<Object> items = new ArrayList<>();
        for (SimilarIncident s : similar) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("memoryId", s.memoryId());
            m.put("entity", s.entity());
            m.put("at", s.at().toString());
            m.put("similarity", s.similarity());
            m.put("action", s.action());
            m.put("outcome", s.outcome());
            items.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("similar", items);
        doc.put("note", note.length() > 1_500 ? note.substring(0, 1_499) + "…" : note);
        return Json.write(doc);
    }

    @SuppressWarnings("unchecked")
    static Advice read(String json) {
        try {
            Map<String, Object> doc = Json.parseObject(json);
            List<SimilarIncident> similar = new ArrayList<>();
            for (Object o : (List<Object>) Json.optional(doc, "similar", List.of())) {
                Map<String, Object> m = (Map<String, Object>) o;
                similar.add(new SimilarIncident(Json.string(m, "memoryId"), Json.string(m, "entity"),
                        Instant.parse(Json.string(m, "at")), Json.number(m, "similarity").doubleValue(),
                        Json.string(m, "action"), Json.string(m, "outcome")));
            }
            return new Advice(similar, (String) Json.optional(doc, "note", ""));
        } catch (JsonException | ClassCastException | java.time.format.DateTimeParseException e) {
            return new Advice(List.of(), ""); // advice is an aid: an unreadable one is left out, not an error
        }
    }
}
