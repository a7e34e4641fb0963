package io.commandcenter.common.error;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ViolationsTest {

    @Test
    void throwIfAny_withoutViolations_doesNothing() {
        assertThatNoException().isThrownBy(() -> new Violations().throwIfAny("INVALID_ARGUMENT", "invalid request"));
    }

    @Test
    void throwIfAny_carriesEveryViolation_andNamesTheFirstField() {
        Violations v = new Violations();
        v.add("a", "REQUIRED", "a is required");
        v.add("b", "OUT_OF_RANGE", "b is too large");

        CommandCenterException e = catchThrowableOfType(CommandCenterException.class,
                () -> v.throwIfAny("INVALID_ARGUMENT", "invalid request"));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
        assertThat(e.reason()).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.getMessage()).isEqualTo("invalid request: a: a is required (and 1 more)");
        assertThat(e.violations()).extracting(FieldViolation::field).containsExactly("a", "b");
    }

    @Test
    void throwIfAnyWithSharedReason_usesTheViolationsReasonWhenTheyAgree() {
        Violations same = new Violations();
        same.add("a", "REQUIRED", "a is required");
        same.add("b", "REQUIRED", "b is required");
        Violations mixed = new Violations();
        mixed.add("a", "REQUIRED", "a is required");
        mixed.add("b", "OUT_OF_RANGE", "b is too large");

        assertThat(catchThrowableOfType(CommandCenterException.class,
                () -> same.throwIfAnyWithSharedReason("INVALID_TASK", "invalid task")).reason()).isEqualTo("REQUIRED");
        assertThat(catchThrowableOfType(CommandCenterException.class,
                () -> mixed.throwIfAnyWithSharedReason("INVALID_TASK", "invalid task")).reason())
                .isEqualTo("INVALID_TASK");
    }

    @Test
    void fieldViolation_under_prefixesThePath() {
        assertThat(new FieldViolation("risk", "R", "m").under("prediction").field()).isEqualTo("prediction.risk");
        assertThat(new FieldViolation("", "R", "m").under("prediction").field()).isEqualTo("prediction");
    }
}
