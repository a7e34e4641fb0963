package io.commandcenter.common.json;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void write_thenParse_returnsTheSameValues() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "line\nbreak \"quoted\" \\ tab\t \u0001 é");
        value.put("count", 42L);
        value.put("big", Long.MAX_VALUE);
        value.put("ratio", 0.125);
        value.put("ok", true);
        value.put("nothing", null);
        value.put("list", List.of(1L, "two", List.of(), Map.of()));

        Object back = Json.parse(Json.write(value));

        assertThat(back).isEqualTo(value);
        assertThat(Json.parse(Json.pretty(value))).isEqualTo(value);
    }

    @Test
    void write_ordersMembersAsTheMapDoes_andIsCompact() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", 1);
        value.put("a", List.of(1.5f, 2));

        assertThat(Json.write(value)).isEqualTo("{\"b\":1,\"a\":[1.5,2]}");
    }

    @Test
    void pretty_indentsObjectsByTwoSpaces_andKeepsArraysOnOneLine() {
        Map<String, Object> bin = new LinkedHashMap<>();
        bin.put("count", 3);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1, 2.5));
        value.put("bins", List.of(bin, bin));
        value.put("empty", Map.of());
        value.put("none", List.of());

        assertThat(Json.pretty(value)).isEqualTo("""
                {
                  "a" : [ 1, 2.5 ],
                  "bins" : [ {
                    "count" : 3
                  }, {
                    "count" : 3
                  } ],
                  "empty" : { },
                  "none" : [ ]
                }""");
    }

    @Test
    void write_nonFiniteNumbersAsNull_andFloatArraysAsArrays() {
        assertThat(Json.write(Arrays.asList(Double.NaN, Float.POSITIVE_INFINITY, 0.1f)))
                .isEqualTo("[null,null,0.1]");
        assertThat(Json.write(new float[] {1f, 0.25f})).isEqualTo("[1.0,0.25]");
    }

    @Test
    void parse_numbers_integersAsLongs_othersAsDoubles() {
        assertThat(Json.parse("[0, -7, 12345678901234567, 1.5, -2e3, 1E-2, 123456789012345678901]"))
                .isEqualTo(List.of(0L, -7L, 12345678901234567L, 1.5, -2000.0, 0.01, 1.2345678901234568E20));
    }

    @Test
    void parse_escapes() {
        assertThat(Json.parse("\"a\\u00e9\\/\\b\\f\\n\\r\\t\\\"\\\\\"")).isEqualTo("aé/\b\f\n\r\t\"\\");
    }

    @Test
    void parse_refusesMalformedDocuments_namingTheOffset() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "1e", "tru",
                "\"open", "\"\\x\"", "\"\\u12\"", "{\"a\":1}{", "[1 2]", "{a:1}", "\"tab\there\"", "NaN",
                "{\"a\":1,\"a\":2}")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(JsonException.class)
                    .hasMessageContaining("offset");
        }
    }

    @Test
    void parse_refusesNestingBeyondTheLimit() {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        String fine = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);

        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonException.class).hasMessageContaining("deeper");
        assertThat(Json.parse(fine)).isInstanceOf(List.class);
    }

    @Test
    void typedMembers_failWithTheMemberName() {
        Map<String, Object> o = Json.parseObject("{\"s\":\"x\",\"n\":1,\"a\":[],\"o\":{}}");

        assertThat(Json.string(o, "s")).isEqualTo("x");
        assertThat(Json.number(o, "n").intValue()).isEqualTo(1);
        assertThat(Json.array(o, "a")).isEmpty();
        assertThat(Json.object(o, "o")).isEmpty();
        assertThat(Json.optional(o, "missing", "d")).isEqualTo("d");
        assertThatThrownBy(() -> Json.string(o, "n")).isInstanceOf(JsonException.class)
                .hasMessage("\"n\" must be a string, found number");
        assertThatThrownBy(() -> Json.number(o, "missing")).hasMessage("\"missing\" must be a number, found null");
        assertThatThrownBy(() -> Json.parseObject("[]")).hasMessage("expected a JSON object, found array");
    }

    @Test
    void quote_escapesControlCharacters() {
        assertThat(Json.quote("a\"b\u0000")).isEqualTo("\"a\\\"b\\u0000\"");
    }
}
