package io.commandcenter.hub.audit;

import java.time.Instant;
import java.util.Set;

/**
 * A page of the ledger, in chain order: newest first (by default) or oldest first, after a
 * position (a keyset: the sequence of the last entry of the previous page), with filters.
 *
 * @param projects    only entries of these projects ({@value AuditRecord#GLOBAL} included by name);
 *                    empty: every project (the whole chain)
 * @param actions     only entries with these action names; empty: every action
 * @param since       only entries at or after this time; null: no lower bound
 * @param until       only entries before this time; null: no upper bound
 * @param subject     only entries about this subject; null: any
 * @param actor       only entries by this actor; null: anyone
 * @param oldestFirst ascending sequence instead of descending
 * @param after       the sequence of the last entry of the previous page; 0: from the start
 *                    (the head when newest first, entry 1 when oldest first)
 * @param limit       most entries returned
 */
public record AuditQuery(Set<String> projects, Set<String> actions, Instant since, Instant until, String subject,
                         String actor, boolean oldestFirst, long after, int limit) {
    public AuditQuery {
        projects = Set.copyOf(projects);
        actions = Set.copyOf(actions);
        if (after < 0) {
            throw new IllegalArgumentException("after must not be negative");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }

    /** Every entry, newest first, {@code limit} at a time. */
    public static AuditQuery newestFirst(int limit) {
        return new AuditQuery(Set.of(), Set.of(), null, null, null, null, false, 0, limit);
    }

    /** Every entry, oldest first (chain order), {@code limit} at a time. */
    public static AuditQuery oldestFirst(int limit) {
        return new AuditQuery(Set.of(), Set.of(), null, null, null, null, true, 0, limit);
    }

    public AuditQuery inProjects(Set<String> value) {
        return new AuditQuery(value, actions, since, until, subject, actor, oldestFirst, after, limit);
    }

    public AuditQuery withActions(Set<String> value) {
        return new AuditQuery(projects, value, since, until, subject, actor, oldestFirst, after, limit);
    }

    public AuditQuery between(Instant from, Instant to) {
        return new AuditQuery(projects, actions, from, to, subject, actor, oldestFirst, after, limit);
    }

    public AuditQuery about(String value) {
        return new AuditQuery(projects, actions, since, until, value, actor, oldestFirst, after, limit);
    }

    public AuditQuery by(String value) {
        return new AuditQuery(projects, actions, since, until, subject, value, oldestFirst, after, limit);
    }

    public AuditQuery after(long sequence) {
        return new AuditQuery(projects, actions, since, until, subject, actor, oldestFirst, sequence, limit);
    }

    public AuditQuery limit(int value) {
        return new AuditQuery(projects, actions, since, until, subject, actor, oldestFirst, after, value);
    }

    /** Whether {@code e} passes the filters and lies beyond {@link #after} (the order is the caller's). */
    public boolean matches(AuditEntry e) {
        return (projects.isEmpty() || projects.contains(e.project()))
                && (actions.isEmpty() || actions.contains(e.action()))
                && (since == null || !e.time().isBefore(since))
                && (until == null || e.time().isBefore(until))
                && (subject == null || subject.equals(e.subject()))
                && (actor == null || actor.equals(e.actor()))
                && (after == 0 || (oldestFirst ? e.sequence() > after : e.sequence() < after));
    }
}
