package io.commandcenter.hub.events;

import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.TaskHistoryRecord;
import io.commandcenter.hub.telemetry.WorkflowRunHistoryRecord;
import io.commandcenter.scheduler.events.SchedulerEvent;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The list trigger patterns are checked against names every subject the publishers in hub-core and the scheduler make. */
class EventSubjectsTest {

    @Test
    void theSchedulersSubjects_areListed() {
        assertThat(EventSubjects.isPublished(SchedulerEvent.ASSIGNMENT)).isTrue();
        assertThat(EventSubjects.isPublished(SchedulerEvent.DELEGATION)).isTrue();
        assertThat(EventSubjects.isPublished(SchedulerEvent.TASK_PREFIX + "succeeded")).isTrue();
    }

    @Test
    void theSubjectsOfStoredRecords_areListed() {
        Arrays.stream(TaskHistoryRecord.Status.values()).forEach(s ->
                assertThat(EventSubjects.isPublished("task." + s.name().toLowerCase(Locale.ROOT))).isTrue());
        Arrays.stream(WorkflowRunHistoryRecord.Status.values()).forEach(s ->
                assertThat(EventSubjects.isPublished("workflow.run." + s.name().toLowerCase(Locale.ROOT))).isTrue());
        Arrays.stream(AuditRecord.Status.values()).forEach(s ->
                assertThat(EventSubjects.isPublished("audit.result." + s.name().toLowerCase(Locale.ROOT))).isTrue());
        assertThat(EventSubjects.isPublished("hub.health.checkout")).isTrue();
        assertThat(EventSubjects.isPublished("prediction.created.risk")).isTrue();
        assertThat(EventSubjects.isPublished("entity.risk.service")).isTrue();
    }

    @Test
    void aSubjectNobodyPublishes_isNotListed() {
        assertThat(EventSubjects.isPublished("predictions.created")).isFalse();
        assertThat(EventSubjects.isPublished("prediction.crated")).isFalse();
        assertThat(EventSubjects.isPublished("incident.declared")).isFalse();
        assertThat(EventSubjects.secondToken("task")).isEmpty();
        assertThat(EventSubjects.secondToken("prediction")).contains("created");
    }
}
