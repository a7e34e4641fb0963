package io.commandcenter.hub.audit;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a record accepts, and how what happened is made recordable rather than refused. */
class AuditRecordTest {
    static final Instant T = Instant.parse("2026-12-06T10:00:00.123456789Z");

    @Test
    void of_givesANewId_keepsDetailOrder_leavesNullsOut_andTruncatesTheTimeToMicroseconds() {
        AuditRecord a = AuditRecord.of(T, "p", "ana", AuditAction.RUN_CANCELLED, "run:r-1",
                AuditRecord.detail("z", 1, "a", null, "m", "x"), "hub-1");
        AuditRecord b = AuditRecord.of(T, "p", "ana", AuditAction.RUN_CANCELLED, "run:r-1", Map.of(), "hub-1");

        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.detail()).isEqualTo("{\"z\":1,\"m\":\"x\"}");
        assertThat(b.detail()).isEqualTo("{}");
        assertThat(a.time()).isEqualTo(Instant.parse("2026-12-06T10:00:00.123456Z"));
    }

    @Test
    void of_cleansWhatWouldNotSurviveTheDatabase_insteadOfRefusingIt() {
        AuditRecord r = AuditRecord.of(T, "global", "an\u0000a\nx", AuditAction.REQUEST_DENIED,
                "rpc:" + "s".repeat(400), AuditRecord.detail("reason", "lone \ud800 surrogate",
                        "long", "y".repeat(5000)), "");

        assertThat(r.actor()).isEqualTo("an\uFFFDa\uFFFDx");
        assertThat(r.subject()).hasSize(AuditRecord.MAX_SUBJECT).endsWith("\u2026");
        assertThat(r.hubId()).isEqualTo("unknown");
        assertThat(r.detail()).contains("lone ? surrogate").doesNotContain("y".repeat(AuditRecord.MAX_DETAIL_VALUE + 1));
    }

    @Test
    void theConstructor_refusesWhatTheLedgerCannotHold() {
        assertThatThrownBy(() -> new AuditRecord("bad id!", T, "p", "a", AuditAction.RUN_DECIDED, "s", "{}", "h"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditRecord("i", T, "Not A Project", "a", AuditAction.RUN_DECIDED, "s", "{}",
                "h")).hasMessageContaining("project");
        assertThatThrownBy(() -> new AuditRecord("i", T, "p", "", AuditAction.RUN_DECIDED, "s", "{}", "h"))
                .hasMessageContaining("actor");
        assertThatThrownBy(() -> new AuditRecord("i", T, "p", "a", AuditAction.RUN_DECIDED, "s", "[1]", "h"))
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> new AuditRecord("i", T, "p", "a", AuditAction.RUN_DECIDED, "s\u0007", "{}", "h"))
                .hasMessageContaining("subject");
    }

    @Test
    void actionNames_areStable_andReadBack() {
        assertThat(AuditAction.byName("KEY_CREATED")).contains(AuditAction.KEY_CREATED);
        assertThat(AuditAction.byName("key_created")).isEmpty();
        assertThat(AuditAction.values()).extracting(Enum::name).allMatch(n -> n.matches("[A-Z]+(_[A-Z]+)*"));
    }
}
