package io.commandcenter.hub.audit.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.common.error.grpc.Unary;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditAnchor;
import io.commandcenter.hub.audit.AuditBreak;
import io.commandcenter.hub.audit.AuditChain;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.audit.AuditLedger;
import io.commandcenter.hub.audit.AuditQuery;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditVerification;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.telemetry.PageToken;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.proto.v1.AuditProblem;
import io.commandcenter.proto.v1.AuditServiceGrpc;
import io.commandcenter.proto.v1.ListAuditEntriesRequest;
import io.commandcenter.proto.v1.ListAuditEntriesResponse;
import io.commandcenter.proto.v1.VerifyAuditLedgerRequest;
import io.commandcenter.proto.v1.VerifyAuditLedgerResponse;
import io.grpc.stub.StreamObserver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code AuditService}: validate every field (naming the one at fault), read or verify the
 * {@link AuditLedger}, map. Each RPC has a twin taking the caller explicitly, shared with the REST
 * mirror ({@code GET /api/audit}, {@code GET /api/audit/verify}).
 */
public final class AuditGrpcService extends AuditServiceGrpc.AuditServiceImplBase {
    private static final System.Logger LOG = System.getLogger(AuditGrpcService.class.getName());
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;
    static final int MAX_ACTIONS = 20;
    static final int MAX_ANCHORS = 100;

    private final AuditLedger ledger;

    public AuditGrpcService(AuditLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void listAuditEntries(ListAuditEntriesRequest request, StreamObserver<ListAuditEntriesResponse> observer) {
        Unary.answer(observer, () -> listAuditEntries(CallContext.caller(), request));
    }

    @Override
    public void verifyAuditLedger(VerifyAuditLedgerRequest request,
                                  StreamObserver<VerifyAuditLedgerResponse> observer) {
        Unary.answer(observer, () -> verifyAuditLedger(CallContext.caller(), request));
    }

    /** {@code ListAuditEntries} for a caller. */
    public ListAuditEntriesResponse listAuditEntries(Caller caller, ListAuditEntriesRequest request) {
        if (request.getAllProjects()) {
            caller.require(Permission.ADMINISTER, true); // the whole chain: an administrator of every project
        }
        Violations v = new Violations();
        if (request.getActionsCount() > MAX_ACTIONS) {
            v.add("actions", "TOO_MANY", "at most " + MAX_ACTIONS + " actions, got " + request.getActionsCount());
        }
        Set<String> actions = new LinkedHashSet<>();
        for (int i = 0; i < request.getActionsCount(); i++) {
            String name = request.getActions(i);
            if (AuditAction.byName(name).isEmpty()) {
                v.add("actions[" + i + "]", "UNKNOWN_ACTION", "unknown action '" + abbreviate(name) + "'; one of "
                        + Arrays.toString(AuditAction.values()));
            }
            actions.add(name);
        }
        Instant start = time(v, "start_time", request.hasStartTime(), request.getStartTime());
        Instant end = time(v, "end_time", request.hasEndTime(), request.getEndTime());
        if (start != null && end != null && !end.isAfter(start)) {
            v.add("end_time", "INVALID_RANGE", "end_time must be after start_time");
        }
        text(v, "subject", request.getSubject(), AuditRecord.MAX_SUBJECT);
        text(v, "actor", request.getActor(), AuditRecord.MAX_ACTOR);
        if (request.getPageSize() < 0) {
            v.add("page_size", "OUT_OF_RANGE", "page_size must not be negative");
        }
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE : Math.min(request.getPageSize(), MAX_PAGE);
        // a caller in the project named "global" sees the global entries, once
        Set<String> projects = request.getAllProjects() ? Set.of()
                : Set.copyOf(List.of(caller.project().value(), AuditRecord.GLOBAL));
        int fingerprint = Objects.hash("audit", projects, actions, start, end, request.getSubject(),
                request.getActor(), request.getOldestFirst());
        long after = PageToken.decode(request.getPageToken(), fingerprint, "page_token").map(p -> sequence(p.id()))
                .orElse(0L);
        AuditQuery query = (request.getOldestFirst() ? AuditQuery.oldestFirst(size + 1) : AuditQuery.newestFirst(size + 1))
                .inProjects(projects).withActions(actions).between(start, end)
                .about(emptyToNull(request.getSubject())).by(emptyToNull(request.getActor())).after(after);
        List<AuditEntry> rows = ledger.list(query);
        ListAuditEntriesResponse.Builder b = ListAuditEntriesResponse.newBuilder();
        rows.stream().limit(size).forEach(e -> b.addEntries(entry(e)));
        if (rows.size() > size) {
            AuditEntry last = rows.get(size - 1);
            b.setNextPageToken(PageToken.encode(fingerprint, last.time(), Long.toString(last.sequence())));
        }
        return b.build();
    }

    /** {@code VerifyAuditLedger} for a caller. */
    public VerifyAuditLedgerResponse verifyAuditLedger(Caller caller, VerifyAuditLedgerRequest request) {
        caller.require(Permission.ADMINISTER, true); // it walks every project's entries
        Violations v = new Violations();
        if (request.getAnchorsCount() > MAX_ANCHORS) {
            v.add("anchors", "TOO_MANY", "at most " + MAX_ANCHORS + " anchors, got " + request.getAnchorsCount());
        }
        List<AuditAnchor> anchors = new ArrayList<>();
        for (int i = 0; i < request.getAnchorsCount(); i++) {
            io.commandcenter.proto.v1.AuditAnchor a = request.getAnchors(i);
            String field = "anchors[" + i + "]";
            if (a.getSequence() < 1) {
                v.add(field + ".sequence", "OUT_OF_RANGE", field + ".sequence must be at least 1");
            }
            if (a.getHash().isEmpty()) {
                v.add(field + ".hash", "REQUIRED", field + ".hash is required");
            } else if (!AuditChain.isHash(a.getHash())) {
                v.add(field + ".hash", "BAD_FORMAT", field + ".hash must be 64 lowercase hex digits");
            }
            if (v.isEmpty()) {
                anchors.add(new AuditAnchor(a.getSequence(), a.getHash()));
            }
        }
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        AuditVerification result = ledger.verify(anchors);
        VerifyAuditLedgerResponse.Builder b = VerifyAuditLedgerResponse.newBuilder().setIntact(result.intact())
                .setEntries(result.entries()).setHead(anchor(result.head()));
        result.firstBreak().ifPresent(broken -> {
            LOG.log(System.Logger.Level.WARNING, "audit ledger verified by {0} in project {1}: NOT intact at entry {2}:"
                    + " {3}", caller.principal(), caller.project(), broken.sequence(), broken.message());
            b.setFirstBreak(problem(broken, visible(caller, broken.sequence())));
        });
        return b.build();
    }

    /** The stored entry at a sequence, if it is there and the caller may see it. */
    private Optional<AuditEntry> visible(Caller caller, long sequence) {
        return ledger.list(AuditQuery.oldestFirst(1).after(sequence - 1)).stream()
                .filter(e -> e.sequence() == sequence)
                .filter(e -> e.project().equals(caller.project().value()) || e.project().equals(AuditRecord.GLOBAL))
                .findFirst();
    }

    static io.commandcenter.proto.v1.AuditEntry entry(AuditEntry e) {
        return io.commandcenter.proto.v1.AuditEntry.newBuilder().setSequence(e.sequence()).setEntryId(e.id())
                .setTime(TelemetryProtoMapper.timestamp(e.time())).setProject(e.project()).setActor(e.actor())
                .setAction(e.action()).setSubject(e.subject()).setDetailJson(e.detail()).setHubId(e.hubId())
                .setPreviousHash(e.previousHash()).setHash(e.hash()).build();
    }

    private static io.commandcenter.proto.v1.AuditAnchor anchor(AuditAnchor a) {
        return io.commandcenter.proto.v1.AuditAnchor.newBuilder().setSequence(a.sequence()).setHash(a.hash()).build();
    }

    private static io.commandcenter.proto.v1.AuditBreak problem(AuditBreak broken, Optional<AuditEntry> stored) {
        io.commandcenter.proto.v1.AuditBreak.Builder b = io.commandcenter.proto.v1.AuditBreak.newBuilder()
                .setSequence(broken.sequence()).setProblem(switch (broken.problem()) {
                    case HASH_MISMATCH -> AuditProblem.AUDIT_PROBLEM_HASH_MISMATCH;
                    case LINK_BROKEN -> AuditProblem.AUDIT_PROBLEM_LINK_BROKEN;
                    case ENTRY_MISSING -> AuditProblem.AUDIT_PROBLEM_ENTRY_MISSING;
                    case HEAD_MISMATCH -> AuditProblem.AUDIT_PROBLEM_HEAD_MISMATCH;
                    case ANCHOR_MISMATCH -> AuditProblem.AUDIT_PROBLEM_ANCHOR_MISMATCH;
                }).setMessage(broken.message()).setExpected(broken.expected()).setFound(broken.found());
        stored.ifPresent(e -> b.setEntry(entry(e)));
        return b.build();
    }

    private static Instant time(Violations v, String field, boolean present, com.google.protobuf.Timestamp ts) {
        try {
            return TelemetryProtoMapper.instant(present, ts, field);
        } catch (CommandCenterException e) {
            v.addAll(e.violations());
            return null;
        }
    }

    private static void text(Violations v, String field, String value, int max) {
        if (value.length() > max) {
            v.add(field, "TOO_LONG", field + " is longer than " + max + " characters");
        } else if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            v.add(field, "BAD_FORMAT", field + " holds control characters");
        }
    }

    private static long sequence(String id) {
        try {
            long sequence = Long.parseLong(id);
            if (sequence > 0) {
                return sequence;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw CommandCenterException.invalid("INVALID_PAGE_TOKEN", "page_token", "page token is malformed");
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
