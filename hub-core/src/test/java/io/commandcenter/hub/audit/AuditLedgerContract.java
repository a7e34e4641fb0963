package io.commandcenter.hub.audit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every audit ledger does, run once per implementation: in memory (the oracle) here, H2 and
 * PostgreSQL in hub-server. The tamper tests alter the stored chain behind the ledger's back —
 * plain SQL on a database — and expect {@link AuditLedger#verify} to name the first entry altered.
 */
public abstract class AuditLedgerContract {
    static final Instant T0 = Instant.parse("2026-12-06T10:00:00.123456Z");

    @TempDir
    Path dir;
    AuditLedger ledger;

    /** A new, empty ledger (its files, if any, under {@code dir}). */
    protected abstract AuditLedger open(Path dir);

    /** Another ledger on the same storage, as a second hub sharing the database would have. */
    protected abstract AuditLedger peer();

    /** Releases what {@link #open} and {@link #peer} took. */
    protected void close() {
    }

    /** Replaces, with plain SQL (or its like), every value of the stored entry of the same sequence. */
    protected abstract void overwrite(AuditEntry entry);

    /** Deletes the stored entry of a sequence. */
    protected abstract void delete(long sequence);

    /** Sets the stored head. */
    protected abstract void moveHead(AuditAnchor head);

    @BeforeEach
    void openLedger() {
        ledger = open(dir);
    }

    @AfterEach
    void closeLedger() {
        close();
    }

    static AuditRecord record(int n, String project, AuditAction action, String actor) {
        return AuditRecord.of(T0.plusSeconds(n), project, actor, action, "run:run-" + n,
                AuditRecord.detail("n", n, "reason", "because " + n), "hub-1");
    }

    /** Appends n entries of project {@code p}, RUN_DECIDED by the engine. */
    List<AuditEntry> appendMany(int n) {
        List<AuditEntry> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(ledger.append(record(i, "p", AuditAction.RUN_DECIDED, "engine")));
        }
        return out;
    }

    @Test
    void anEmptyLedger_isIntact_atTheGenesisHead() {
        AuditVerification v = ledger.verify(List.of());

        assertThat(v.intact()).isTrue();
        assertThat(v.entries()).isZero();
        assertThat(v.head()).isEqualTo(AuditAnchor.GENESIS);
        assertThat(ledger.head()).isEqualTo(AuditAnchor.GENESIS);
    }

    @Test
    void appends_chainEachEntryToThePreviousOne_fromTheGenesisValue() {
        List<AuditEntry> e = appendMany(3);

        assertThat(e).extracting(AuditEntry::sequence).containsExactly(1L, 2L, 3L);
        assertThat(e.get(0).previousHash()).isEqualTo(AuditChain.GENESIS);
        assertThat(e.get(1).previousHash()).isEqualTo(e.get(0).hash());
        assertThat(e.get(2).previousHash()).isEqualTo(e.get(1).hash());
        assertThat(e).allSatisfy(x -> assertThat(x.hash()).isEqualTo(x.recomputedHash()).matches("[0-9a-f]{64}"));
        assertThat(ledger.head()).isEqualTo(e.get(2).anchor());
        AuditVerification v = ledger.verify(List.of());
        assertThat(v.intact()).isTrue();
        assertThat(v.entries()).isEqualTo(3);
        assertThat(v.head()).isEqualTo(e.get(2).anchor());
    }

    @Test
    void everyField_readsBackAsHashed_toTheMicrosecond_inAnyScript() {
        AuditRecord r = AuditRecord.of(T0.plusNanos(789), AuditRecord.GLOBAL, "ana@example.org", AuditAction.AUTONOMY_CHANGED,
                "autonomy:global", AuditRecord.detail("paused", true, "reason", "gel \u00e9t\u00e9 \u2603 \ud83d\ude80",
                        "note", "tab\there, nul\u0000 too", "risk", 0.93), "hub-\u00e9");

        AuditEntry appended = ledger.append(r);
        AuditEntry read = ledger.list(AuditQuery.newestFirst(10)).get(0);

        assertThat(read).isEqualTo(appended);
        assertThat(read.time()).isEqualTo(Instant.parse("2026-12-06T10:00:00.123456Z"));
        assertThat(read.id()).isEqualTo(r.id());
        assertThat(read.project()).isEqualTo("global");
        assertThat(read.action()).isEqualTo("AUTONOMY_CHANGED");
        assertThat(read.detail()).isEqualTo(r.detail()).contains("\ud83d\ude80");
        assertThat(read.recomputedHash()).isEqualTo(read.hash());
    }

    @Test
    void appendingTheSameRecordTwice_storesItOnce() {
        AuditRecord r = record(1, "p", AuditAction.RUN_DECIDED, "engine");

        AuditEntry first = ledger.append(r);
        AuditEntry again = ledger.append(r);

        assertThat(again).isEqualTo(first);
        assertThat(ledger.list(AuditQuery.newestFirst(10))).hasSize(1);
        assertThat(ledger.head().sequence()).isEqualTo(1);
    }

    @Test
    void pages_goNewestOrOldestFirst_andContinueAfterTheLastSequence() {
        appendMany(5);

        assertThat(ledger.list(AuditQuery.newestFirst(2))).extracting(AuditEntry::sequence).containsExactly(5L, 4L);
        assertThat(ledger.list(AuditQuery.newestFirst(2).after(4))).extracting(AuditEntry::sequence)
                .containsExactly(3L, 2L);
        assertThat(ledger.list(AuditQuery.oldestFirst(2))).extracting(AuditEntry::sequence).containsExactly(1L, 2L);
        assertThat(ledger.list(AuditQuery.oldestFirst(10).after(3))).extracting(AuditEntry::sequence)
                .containsExactly(4L, 5L);
        assertThat(ledger.list(AuditQuery.oldestFirst(10).after(5))).isEmpty();
    }

    @Test
    void filters_byProject_action_time_subject_andActor() {
        ledger.append(record(1, "p", AuditAction.RUN_DECIDED, "engine"));
        ledger.append(record(2, "q", AuditAction.RUN_DECIDED, "engine"));
        ledger.append(record(3, "global", AuditAction.AUTONOMY_CHANGED, "ana"));
        ledger.append(record(4, "p", AuditAction.APPROVAL_APPROVED, "ana"));
        ledger.append(record(5, "p", AuditAction.APPROVAL_REJECTED, "bob"));
        AuditQuery all = AuditQuery.oldestFirst(100);

        assertThat(ledger.list(all.inProjects(Set.of("p", "global")))).extracting(AuditEntry::sequence)
                .containsExactly(1L, 3L, 4L, 5L);
        assertThat(ledger.list(all.withActions(Set.of("APPROVAL_APPROVED", "APPROVAL_REJECTED"))))
                .extracting(AuditEntry::sequence).containsExactly(4L, 5L);
        assertThat(ledger.list(all.between(T0.plusSeconds(2), T0.plusSeconds(4)))).extracting(AuditEntry::sequence)
                .as("from inclusive, to exclusive").containsExactly(2L, 3L);
        assertThat(ledger.list(all.between(T0.plusSeconds(4), null))).extracting(AuditEntry::sequence)
                .containsExactly(4L, 5L);
        assertThat(ledger.list(all.about("run:run-2"))).extracting(AuditEntry::sequence).containsExactly(2L);
        assertThat(ledger.list(all.by("ana"))).extracting(AuditEntry::sequence).containsExactly(3L, 4L);
        assertThat(ledger.list(AuditQuery.newestFirst(1).inProjects(Set.of("p")).by("ana").after(5)))
                .extracting(AuditEntry::sequence).containsExactly(4L);
    }

    @Test
    void twoHubsAppendingAtOnce_getConsecutiveSequences_andNeverForkTheChain() throws Exception {
        AuditLedger other = peer();
        int threads = 4;
        int each = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<List<AuditEntry>>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                AuditLedger mine = t % 2 == 0 ? ledger : other;
                int base = t * each;
                Callable<List<AuditEntry>> work = () -> {
                    go.await();
                    List<AuditEntry> out = new ArrayList<>();
                    for (int i = 1; i <= each; i++) {
                        out.add(mine.append(record(base + i, "p", AuditAction.RUN_DECIDED, "engine")));
                    }
                    return out;
                };
                done.add(pool.submit(work));
            }
            go.countDown();
            List<Long> sequences = new ArrayList<>();
            for (Future<List<AuditEntry>> f : done) {
                f.get(60, TimeUnit.SECONDS).forEach(e -> sequences.add(e.sequence()));
            }

            assertThat(sequences).hasSize(threads * each).doesNotHaveDuplicates()
                    .allSatisfy(s -> assertThat(s).isBetween(1L, (long) threads * each));
            AuditVerification v = ledger.verify(List.of());
            assertThat(v.intact()).as(v.firstBreak().toString()).isTrue();
            assertThat(v.entries()).isEqualTo(threads * each);
            assertThat(other.head()).isEqualTo(ledger.head());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void editingOneEntrysContent_isFound_atThatEntry() {
        List<AuditEntry> e = appendMany(4);
        AuditEntry second = e.get(1);
        overwrite(new AuditEntry(2, second.id(), second.time(), second.project(), "mallory", second.action(),
                second.subject(), second.detail(), second.hubId(), second.previousHash(), second.hash()));

        AuditVerification v = ledger.verify(List.of());

        assertThat(v.intact()).isFalse();
        assertThat(v.entries()).isEqualTo(1);
        AuditBreak b = v.firstBreak().orElseThrow();
        assertThat(b.sequence()).isEqualTo(2);
        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.HASH_MISMATCH);
        assertThat(b.found()).isEqualTo(second.hash());
        assertThat(b.message()).contains("entry 2").contains("altered");
    }

    @Test
    void editingOneEntrysDetailOrTime_isFound_atThatEntry() {
        List<AuditEntry> e = appendMany(4);
        AuditEntry third = e.get(2);
        overwrite(new AuditEntry(3, third.id(), third.time(), third.project(), third.actor(), third.action(),
                third.subject(), third.detail().replace("because", "since"), third.hubId(), third.previousHash(),
                third.hash()));
        assertThat(ledger.verify(List.of()).firstBreak()).get().satisfies(b -> {
            assertThat(b.sequence()).isEqualTo(3);
            assertThat(b.problem()).isEqualTo(AuditBreak.Problem.HASH_MISMATCH);
        });

        overwrite(third);
        AuditEntry first = e.get(0);
        overwrite(new AuditEntry(1, first.id(), first.time().plusMillis(1), first.project(), first.actor(),
                first.action(), first.subject(), first.detail(), first.hubId(), first.previousHash(), first.hash()));

        assertThat(ledger.verify(List.of()).firstBreak()).get().satisfies(b -> assertThat(b.sequence()).isEqualTo(1));
    }

    @Test
    void editingOneEntrysStoredHash_isFound_atThatEntry_notItsSuccessor() {
        appendMany(4);
        AuditEntry third = ledger.list(AuditQuery.oldestFirst(10)).get(2);
        overwrite(third.withHash("f".repeat(64)));

        AuditBreak b = ledger.verify(List.of()).firstBreak().orElseThrow();

        assertThat(b.sequence()).isEqualTo(3);
        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.HASH_MISMATCH);
        assertThat(b.expected()).isEqualTo(third.hash());
    }

    @Test
    void editingALink_isFound_asABrokenLink() {
        List<AuditEntry> e = appendMany(3);
        AuditEntry third = e.get(2);
        overwrite(new AuditEntry(3, third.id(), third.time(), third.project(), third.actor(), third.action(),
                third.subject(), third.detail(), third.hubId(), e.get(0).hash(), third.hash()));

        AuditBreak b = ledger.verify(List.of()).firstBreak().orElseThrow();

        assertThat(b.sequence()).isEqualTo(3);
        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.LINK_BROKEN);
        assertThat(b.expected()).isEqualTo(e.get(1).hash());
    }

    @Test
    void deletingAnEntryInTheMiddle_isFound_asThatEntryMissing() {
        appendMany(5);
        delete(3);

        AuditVerification v = ledger.verify(List.of());

        assertThat(v.entries()).isEqualTo(2);
        AuditBreak b = v.firstBreak().orElseThrow();
        assertThat(b.sequence()).isEqualTo(3);
        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.ENTRY_MISSING);
        assertThat(b.found()).isEqualTo("4");
    }

    @Test
    void deletingTheLastEntries_isFound_againstTheHead() {
        appendMany(5);
        delete(5);
        delete(4);

        AuditBreak b = ledger.verify(List.of()).firstBreak().orElseThrow();

        assertThat(b.sequence()).isEqualTo(4);
        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.ENTRY_MISSING);
    }

    @Test
    void movingTheHeadBack_isFound() {
        List<AuditEntry> e = appendMany(4);
        moveHead(e.get(1).anchor());

        AuditBreak b = ledger.verify(List.of()).firstBreak().orElseThrow();

        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.HEAD_MISMATCH);
        assertThat(b.sequence()).isEqualTo(4);
    }

    @Test
    void aChainRewrittenConsistently_passesTheLinks_butNotAnAnchorKeptElsewhere() {
        List<AuditEntry> e = appendMany(4);
        AuditAnchor kept = ledger.verify(List.of()).head();
        // a database administrator edits entry 2 and re-hashes it and everything after it
        String previous = e.get(0).hash();
        for (AuditEntry old : e.subList(1, 4)) {
            AuditEntry forged = new AuditEntry(old.sequence(), old.id(), old.time(), old.project(),
                    old.sequence() == 2 ? "mallory" : old.actor(), old.action(), old.subject(), old.detail(),
                    old.hubId(), previous, "");
            forged = forged.withHash(forged.recomputedHash());
            overwrite(forged);
            previous = forged.hash();
        }
        moveHead(new AuditAnchor(4, previous));

        assertThat(ledger.verify(List.of()).intact()).as("the links alone cannot tell").isTrue();
        AuditBreak b = ledger.verify(List.of(kept)).firstBreak().orElseThrow();
        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.ANCHOR_MISMATCH);
        assertThat(b.sequence()).isEqualTo(4);
        assertThat(ledger.verify(List.of(e.get(1).anchor())).firstBreak()).get()
                .satisfies(x -> assertThat(x.sequence()).as("anchoring every entry names the first").isEqualTo(2));
    }

    @Test
    void anchors_thatHold_keepTheLedgerIntact_andOnesPastItsEnd_doNot() {
        List<AuditEntry> e = appendMany(3);

        assertThat(ledger.verify(List.of(e.get(0).anchor(), e.get(2).anchor())).intact()).isTrue();
        AuditBreak b = ledger.verify(List.of(new AuditAnchor(9, e.get(2).hash()))).firstBreak().orElseThrow();
        assertThat(b.problem()).isEqualTo(AuditBreak.Problem.ANCHOR_MISMATCH);
        assertThat(b.sequence()).isEqualTo(9);
    }

    @Test
    void entriesAppendedAfterTheWalkStarted_areNoBreak() {
        appendMany(2);
        AuditLedger racing = new AuditLedger() {
            boolean appended;

            @Override
            public AuditEntry append(AuditRecord record) {
                return ledger.append(record);
            }

            @Override
            public List<AuditEntry> list(AuditQuery query) {
                List<AuditEntry> page = ledger.list(query);
                if (!appended) {
                    appended = true;
                    ledger.append(record(99, "p", AuditAction.RUN_DECIDED, "engine"));
                }
                return page;
            }

            @Override
            public AuditAnchor head() {
                return ledger.head();
            }
        };

        AuditVerification v = racing.verify(List.of());

        assertThat(v.intact()).as(v.firstBreak().toString()).isTrue();
        assertThat(v.entries()).as("the walk read its page before the append").isEqualTo(2);
        assertThat(ledger.head().sequence()).isEqualTo(3);
    }
}
