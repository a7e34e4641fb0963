package io.commandcenter.hub.audit;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recording never fails the action: a ledger that cannot take a record leaves it in the spool, on
 * disk, and a flush appends it later, in order, once — also after the hub restarts.
 */
class AuditTrailTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
    final InMemoryAuditLedger ledger = new InMemoryAuditLedger();

    AuditTrail trail(AuditSpool spool) {
        return new AuditTrail(ledger, spool, clock, "hub-1");
    }

    static CommandCenterException down() {
        return CommandCenterException.unavailable("STORE_UNAVAILABLE", "database write failed", null);
    }

    @Test
    void aRecord_isAppendedAtOnce_stampedWithTheClockAndTheHub() {
        AuditTrail trail = trail(FileAuditSpool.open(dir.resolve("spool.jsonl")));

        AuditEntry e = trail.record(AuditAction.RUN_CANCELLED, "p", "ana", "run:r-1", Map.of("reason", "wrong"))
                .orElseThrow();

        assertThat(e.sequence()).isEqualTo(1);
        assertThat(e.time()).isEqualTo(clock.instant());
        assertThat(e.hubId()).isEqualTo("hub-1");
        assertThat(e.actor()).isEqualTo("ana");
        assertThat(trail.pending()).isZero();
    }

    @Test
    void whenTheLedgerFails_theRecordWaitsInTheSpool_andLaterOnesQueueBehindIt_inOrder() {
        AuditTrail trail = trail(FileAuditSpool.open(dir.resolve("spool.jsonl")));
        ledger.failWith(AuditTrailTest::down);

        assertThat(trail.record(AuditAction.RUN_DECIDED, "p", "engine", "run:r-1", Map.of())).isEmpty();
        ledger.failWith(null);
        assertThat(trail.record(AuditAction.RUN_DECIDED, "p", "engine", "run:r-2", Map.of()))
                .as("queued behind the first, to keep the order").isEmpty();
        assertThat(ledger.all()).isEmpty();
        assertThat(trail.pending()).isEqualTo(2);

        assertThat(trail.flush()).isZero();

        assertThat(ledger.all()).extracting(AuditEntry::subject).containsExactly("run:r-1", "run:r-2");
        assertThat(ledger.verify(java.util.List.of()).intact()).isTrue();
        assertThat(trail.record(AuditAction.RUN_DECIDED, "p", "engine", "run:r-3", Map.of())).isPresent();
    }

    @Test
    void aFlushThatFailsMidway_keepsWhatIsLeft_forTheNextOne() {
        AuditTrail trail = trail(FileAuditSpool.open(dir.resolve("spool.jsonl")));
        ledger.failWith(AuditTrailTest::down);
        trail.record(AuditAction.RUN_DECIDED, "p", "engine", "run:r-1", Map.of());
        trail.record(AuditAction.RUN_DECIDED, "p", "engine", "run:r-2", Map.of());

        assertThat(trail.flush()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(5));
        ledger.failWith(null);
        assertThat(trail.flush()).isZero();

        assertThat(ledger.all()).hasSize(2);
    }

    @Test
    void spooledRecords_surviveARestart_andAreAppendedOnce_evenIfAFlushWasCutShort() {
        Path file = dir.resolve("audit").resolve("spool.jsonl");
        ledger.failWith(AuditTrailTest::down);
        AuditTrail before = trail(FileAuditSpool.open(file));
        AuditRecord first = AuditRecord.of(clock.instant(), "p", "ana", AuditAction.APPROVAL_APPROVED,
                "approval:ap-1", AuditRecord.detail("reason", "looks right \u2713"), "hub-1");
        before.record(first);
        before.record(AuditAction.AUTONOMY_CHANGED, "global", "bob", "autonomy:global", Map.of("paused", true));
        ledger.failWith(null);
        // the hub appended the first, then died before the spool forgot it
        ledger.append(first);

        AuditTrail after = trail(FileAuditSpool.open(file));
        assertThat(after.pending()).isEqualTo(2);
        assertThat(after.flush()).isZero();

        assertThat(ledger.all()).extracting(AuditEntry::action).containsExactly("APPROVAL_APPROVED",
                "AUTONOMY_CHANGED");
        assertThat(ledger.all().get(0).detail()).isEqualTo(first.detail());
        assertThat(FileAuditSpool.open(file).pending()).isEmpty();
    }
}
