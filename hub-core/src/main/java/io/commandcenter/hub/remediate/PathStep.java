package io.commandcenter.hub.remediate;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A step of a trigger on its way to its run's first task, as a JDK Flight Recorder event: off, and
 * next to free, unless a recording enables {@value #NAME} by name (disabled by default, so a recording
 * with the JDK's settings leaves it out). Each carries the target it is about and
 * {@link System#nanoTime} at the step, so a recording shows how long each step took and which
 * thread took it ({@code RemediationBenchmark --stages} prints them; guide section 15, "Where the
 * paced path's time goes").
 */
@Name(PathStep.NAME)
@Label("Remediation step")
@Category({"CommandCenter", "Remediation"})
@Description("A trigger's way to its run's first task: matched, deciding, decided, stored, launching, submitted")
@StackTrace(false)
@Enabled(false)
final class PathStep extends jdk.jfr.Event {
    static final String NAME = "io.commandcenter.remediate.Step";

    /** The trigger matched a workflow (on the publisher's thread), before it is handed to its lane. */
    static final String MATCHED = "matched";
    /** The target's lane starts deciding. */
    static final String DECIDING = "deciding";
    /** Decided and staged: the run's create is handed to the journal. */
    static final String DECIDED = "decided";
    /** The create is committed (or refused): its caller is told. */
    static final String STORED = "stored";
    /** The stored run's first tasks are about to be submitted, on its lane. */
    static final String LAUNCHING = "launching";
    /** A node's task was accepted by the scheduler. */
    static final String SUBMITTED = "submitted";

    @Label("Target")
    String target;

    @Label("Step")
    String step;

    @Label("At")
    @Description("System.nanoTime() at the step")
    long at;

    /** Records the step when a recording enables it; does nothing otherwise. */
    static void mark(String target, String step) {
        PathStep e = new PathStep();
        if (e.isEnabled()) {
            e.target = target;
            e.step = step;
            e.at = System.nanoTime();
            e.commit();
        }
    }
}
