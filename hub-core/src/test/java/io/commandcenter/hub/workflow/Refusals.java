package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.CommandCenterException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Parses a document that must be refused and hands back the violations. */
final class Refusals {
    private Refusals() {
    }

    static List<FieldViolation> refuse(WorkflowParser parser, String yaml) {
        CommandCenterException e = catchThrowableOfType(() -> parser.parse(yaml), CommandCenterException.class);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
        assertThat(e.reason()).isEqualTo("WORKFLOW_INVALID");
        assertThat(e.violations()).isNotEmpty().allSatisfy(v -> {
            assertThat(v.reason()).isEqualTo("WORKFLOW_INVALID");
            assertThat(v.message()).matches("line \\d+, column \\d+: .+");
        });
        assertThat(e.getMessage()).startsWith("workflow is invalid: ");
        return e.violations();
    }

    /** The only violation. */
    static FieldViolation refuseOnce(WorkflowParser parser, String yaml) {
        List<FieldViolation> violations = refuse(parser, yaml);
        assertThat(violations).as("violations").hasSize(1);
        return violations.get(0);
    }
}
