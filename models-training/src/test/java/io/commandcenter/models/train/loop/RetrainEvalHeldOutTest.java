package io.commandcenter.models.train.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ASD omi-10, omi-11 and omi-12 are held out of all development: a directory listing never yields them. */
class RetrainEvalHeldOutTest {

    @Test
    void series_leavesTheHeldOutServersOut_andSortsByNumber(@TempDir Path dir) throws IOException {
        for (String n : List.of("omi-1", "omi-2", "omi-9", "omi-10", "omi-11", "omi-12", "omi-100")) {
            Files.writeString(dir.resolve(n + "_test.csv"), "not read\n");
            Files.writeString(dir.resolve(n + "_train.csv"), "not read\n");
        }
        Files.writeString(dir.resolve("omi-3_train.csv"), "a history without its labelled file\n");
        assertThat(RetrainEval.series(dir)).containsExactly("omi-1", "omi-2", "omi-9", "omi-100");
        assertThat(RetrainEval.HELD_OUT).containsExactlyInAnyOrder("omi-10", "omi-11", "omi-12");
    }

    @Test
    void run_refusesAHeldOutServerByName_beforeReadingAnything(@TempDir Path dir) {
        for (String n : RetrainEval.HELD_OUT) {
            assertThatThrownBy(() -> new RetrainEval(null, null, PromotionRule.DEFAULT, 1, 1).run(dir, List.of("omi-1", n), 2, null, c -> {
            })).isInstanceOf(IllegalArgumentException.class).hasMessage(n + " is held out of all development and is never read");
        }
    }
}
