package io.commandcenter.hub.audit;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The walk across page boundaries: breaks on either side of one are found where they are. */
class AuditVerifierTest {
    final InMemoryAuditLedger ledger = new InMemoryAuditLedger();

    void append(int n) {
        for (int i = 1; i <= n; i++) {
            ledger.append(AuditRecord.of(Instant.parse("2026-12-06T10:00:00Z").plusSeconds(i), "p", "engine",
                    AuditAction.RUN_DECIDED, "run:r-" + i, AuditRecord.detail("n", i), "hub-1"));
        }
    }

    @Test
    void aChainLongerThanAPage_isWalkedWhole() {
        append(7);

        AuditVerification v = AuditVerifier.verify(ledger, List.of(), 2);

        assertThat(v.intact()).isTrue();
        assertThat(v.entries()).isEqualTo(7);
        assertThat(v.head()).isEqualTo(ledger.head());
    }

    @Test
    void aChainOfExactlyWholePages_isWalkedWhole() {
        append(6);

        assertThat(AuditVerifier.verify(ledger, List.of(), 3).entries()).isEqualTo(6);
    }

    @Test
    void anEntryMissingAtAPageBoundary_isNamed() {
        append(7);
        ledger.delete(5);

        AuditBreak b = AuditVerifier.verify(ledger, List.of(), 2).firstBreak().orElseThrow();

        assertThat(b.sequence()).isEqualTo(5);
        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.ENTRY_MISSING);
    }

    @Test
    void anEntryAlteredOnALaterPage_isNamed_withTheEntriesBeforeItCounted() {
        append(7);
        AuditEntry sixth = ledger.all().get(5);
        ledger.overwrite(sixth.withHash("0".repeat(64)));

        AuditVerification v = AuditVerifier.verify(ledger, List.of(), 2);

        assertThat(v.entries()).isEqualTo(5);
        assertThat(v.firstBreak()).get().satisfies(b -> assertThat(b.sequence()).isEqualTo(6));
    }
}
