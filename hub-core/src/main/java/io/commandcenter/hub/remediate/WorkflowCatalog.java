package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.hub.workflow.WorkflowParser;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The workflows of every project: each stored as immutable revisions (a run is pinned to the
 * revision it started with), the latest of each held parsed in memory. Every new revision is an
 * entry of the audit ledger ({@code WORKFLOW_CHANGED}). Thread-safe.
 */
public final class WorkflowCatalog {
    private static final System.Logger LOG = System.getLogger(WorkflowCatalog.class.getName());

    /** A stored revision and its parsed form. */
    public record Entry(WorkflowRevision revision, Workflow workflow) {
    }

    private record Key(ProjectId project, String name, int revision) {
    }

    private final WorkflowStore store;
    private final WorkflowParser parser;
    private final AuditTrail audit;
    private final Clock clock;
    private final Map<ProjectId, Map<String, Entry>> latest = new ConcurrentHashMap<>();
    private final Map<Key, Entry> pinned = new ConcurrentHashMap<>();
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
    private final java.util.Set<Key> broken = ConcurrentHashMap.newKeySet();
    private final java.util.Set<Key> warned = ConcurrentHashMap.newKeySet();

    public WorkflowCatalog(WorkflowStore store, WorkflowParser parser, AuditTrail audit, Clock clock) {
        this.store = store;
        this.parser = parser;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Reads the latest revision of every workflow (at start, then now and then to see what other
     * hubs stored); listeners hear of each revision newer than the one held. One that does not
     * parse is logged (once) and left out, and tried again at the next load: a workflow naming an
     * external agent comes back once that agent has reconnected. Rules added after a revision was
     * stored only warn when it loads ({@link WorkflowParser#parseStored}).
     */
    public WorkflowCatalog load() {
        for (WorkflowRevision revision : store.latestEverywhere()) {
            Optional<Entry> held = latest(revision.project(), revision.name());
            if (held.isPresent() && held.get().revision().revision() >= revision.revision()) {
                continue;
            }
            Key key = new Key(revision.project(), revision.name(), revision.revision());
            try {
                Entry entry = new Entry(revision, parseStored(revision));
                remember(entry);
                if (broken.remove(key)) {
                    LOG.log(System.Logger.Level.INFO, "workflow {0} revision {1} of project {2} loads again",
                            revision.name(), revision.revision(), revision.project());
                }
                listeners.forEach(l -> l.accept(entry));
            } catch (CommandCenterException e) {
                if (broken.add(key)) {
                    LOG.log(System.Logger.Level.WARNING, "workflow {0} revision {1} of project {2} does not load"
                            + " (tried again at every refresh): {3}", revision.name(), revision.revision(),
                            revision.project(), e.getMessage());
                }
            }
        }
        return this;
    }

    /** Called with every new latest revision (to re-subscribe triggers, re-plan schedules). */
    public void onChange(Consumer<Entry> listener) {
        listeners.add(listener);
    }

    /**
     * Validates and stores a workflow; a text identical to the latest revision stores nothing.
     *
     * @return the revision and whether it is new
     * @throws CommandCenterException INVALID ({@code WORKFLOW_INVALID}) naming every problem by line and field
     */
    public Put put(ProjectId project, String yaml, String by) {
        Workflow workflow = parser.parse(yaml);
        WorkflowStore.Appended appended = store.append(project, workflow.name(), workflow.source(),
                workflow.sha256(), clock.instant(), by);
        Entry entry = new Entry(appended.revision(), appended.created() ? workflow
                : parser.parse(appended.revision().source()));
        remember(entry);
        if (appended.created()) {
            LOG.log(System.Logger.Level.INFO, "workflow {0} revision {1} stored in project {2} by {3}",
                    workflow.name(), entry.revision().revision(), project, by);
            audit.record(AuditAction.WORKFLOW_CHANGED, project.value(), by, "workflow:" + workflow.name(),
                    AuditRecord.detail("revision", entry.revision().revision(), "sha256", workflow.sha256()));
            listeners.forEach(l -> l.accept(entry));
        }
        return new Put(entry, appended.created());
    }

    /** The outcome of {@link #put}. */
    public record Put(Entry entry, boolean created) {
    }

    /** Parses a text without storing it (dry runs). */
    public Workflow parse(String yaml) {
        return parser.parse(yaml);
    }

    /** The latest revision of each workflow of a project, by name. */
    public List<Entry> latest(ProjectId project) {
        List<Entry> out = new ArrayList<>(latest.getOrDefault(project, Map.of()).values());
        out.sort(Comparator.comparing(e -> e.workflow().name()));
        return out;
    }

    /** The latest revision of every workflow of every project. */
    public List<Entry> all() {
        return latest.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    public Optional<Entry> latest(ProjectId project, String name) {
        return Optional.ofNullable(latest.getOrDefault(project, Map.of()).get(name));
    }

    /**
     * The latest revision stored, whether or not it loads (one naming an agent not connected yet is
     * not held in memory): what decides whose a workflow is.
     */
    public Optional<WorkflowRevision> storedLatest(ProjectId project, String name) {
        return store.latest(project, name);
    }

    /**
     * The latest revision, or NOT_FOUND ({@code WORKFLOW_NOT_FOUND}, field {@code field}).
     */
    public Entry require(ProjectId project, String name, String field) {
        if (name == null || name.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", field, field + " is required");
        }
        return latest(project, name).orElseThrow(() -> CommandCenterException.notFound("WORKFLOW_NOT_FOUND",
                "no workflow '" + name + "' in project " + project));
    }

    /**
     * A revision a run is pinned to.
     *
     * @throws CommandCenterException NOT_FOUND ({@code WORKFLOW_NOT_FOUND}) when it is not stored, INVALID
     *         when it no longer loads (an agent it names is gone)
     */
    public Entry pinned(ProjectId project, String name, int revision) {
        Key key = new Key(project, name, revision);
        Entry cached = pinned.get(key);
        if (cached != null) {
            return cached;
        }
        WorkflowRevision stored = store.revision(project, name, revision).orElseThrow(() -> CommandCenterException.notFound(
                "WORKFLOW_NOT_FOUND", "no revision " + revision + " of workflow '" + name + "' in project " + project));
        Entry entry = new Entry(stored, parseStored(stored));
        pinned.put(key, entry);
        return entry;
    }

    /**
     * A stored revision parsed by the rules it was stored under ({@link WorkflowParser#parseStored}): a
     * trigger pattern that newer rules refuse is kept, with one WARNING per revision naming it.
     */
    private Workflow parseStored(WorkflowRevision revision) {
        List<String> warnings = new ArrayList<>();
        Workflow workflow = parser.parseStored(revision.source(), warnings::add);
        Key key = new Key(revision.project(), revision.name(), revision.revision());
        if (!warnings.isEmpty() && warned.add(key)) {
            LOG.log(System.Logger.Level.WARNING, "workflow {0} revision {1} of project {2} loads, but it may never "
                    + "fire as written; store a corrected revision: {3}", revision.name(), revision.revision(),
                    revision.project(), String.join("; ", warnings));
        }
        return workflow;
    }

    private void remember(Entry entry) {
        WorkflowRevision r = entry.revision();
        pinned.put(new Key(r.project(), r.name(), r.revision()), entry);
        latest.computeIfAbsent(r.project(), p -> new ConcurrentHashMap<>()).merge(r.name(), entry,
                (old, neu) -> neu.revision().revision() >= old.revision().revision() ? neu : old);
    }
}
