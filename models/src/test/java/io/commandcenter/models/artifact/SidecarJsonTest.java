package io.commandcenter.models.artifact;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.models.bootstrap.BootstrapModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SidecarJsonTest {
    private final SidecarJson json = new SidecarJson();

    @Test
    void everyShippedSidecar_readsAndWritesBackByteForByte() throws IOException {
        for (String entry : new BootstrapModels().index()) {
            byte[] shipped;
            try (InputStream in = getClass().getResourceAsStream(BootstrapModels.ROOT + entry + ".json")) {
                shipped = in.readAllBytes();
            }

            byte[] written = json.write(json.read(shipped));

            assertThat(new String(written, StandardCharsets.UTF_8)).as(entry)
                    .isEqualTo(new String(shipped, StandardCharsets.UTF_8));
        }
    }

    @Test
    void read_refusesMalformedSidecars_withSidecarInvalid() {
        for (String bad : List.of("", "[]", "{\"name\":\"m\"", "{\"name\":1}",
                "{\"name\":\"m\",\"version\":\"1\",\"type\":\"PREDICTIVE\",\"features\":[\"a\"],\"inputName\":\"in\","
                        + "\"outputName\":\"out\",\"positiveIndex\":1,\"pipeline\":\"p\",\"threshold\":\"high\"}")) {
            assertThatThrownBy(() -> json.read(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOfSatisfying(CommandCenterException.class,
                            e -> assertThat(e.reason()).isEqualTo("SIDECAR_INVALID"));
        }
    }

    @Test
    void read_keepsTheMetadatasOwnChecks() {
        String badName = "{\"name\":\"Bad Name\",\"version\":\"1\",\"type\":\"PREDICTIVE\",\"features\":[\"a\"],"
                + "\"inputName\":\"in\",\"outputName\":\"out\",\"positiveIndex\":1,\"pipeline\":\"p\",\"threshold\":0.5}";

        assertThatThrownBy(() -> json.read(badName.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo("MODEL_NAME_INVALID"));
    }

    @Test
    void theOnsetCalibration_roundTrips_andAnOldSidecarWithoutItReadsAsNone() {
        ModelMetadata base = json.read(("{\"name\":\"m\",\"version\":\"1\",\"type\":\"PREDICTIVE\",\"features\":[\"a\"],"
                + "\"inputName\":\"in\",\"outputName\":\"out\",\"positiveIndex\":1,\"pipeline\":\"p\",\"threshold\":0.5}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(base.onset()).isEqualTo(io.commandcenter.models.calibration.OnsetCalibration.NONE);
        assertThat(new String(json.write(base), StandardCharsets.UTF_8)).doesNotContain("onset");

        ModelMetadata withOnset = new ModelMetadata(base.name(), base.version(), base.type(), base.features(), base.inputName(),
                base.outputName(), base.positiveIndex(), base.pipeline(), base.threshold(), base.reference(), base.calibration(),
                base.trainingWindow(), base.dataHash(), base.metrics(), base.codeVersion(), base.seed(), base.createdAt(),
                base.provenance(), new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0));
        assertThat(json.read(json.write(withOnset))).isEqualTo(withOnset);
        assertThat(new String(json.write(withOnset), StandardCharsets.UTF_8)).doesNotContain("recurrenceRows");
        ModelMetadata withRecurrence = new ModelMetadata(base.name(), base.version(), base.type(), base.features(), base.inputName(),
                base.outputName(), base.positiveIndex(), base.pipeline(), base.threshold(), base.reference(), base.calibration(),
                base.trainingWindow(), base.dataHash(), base.metrics(), base.codeVersion(), base.seed(), base.createdAt(),
                base.provenance(), new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0, 6));
        assertThat(new String(json.write(withRecurrence), StandardCharsets.UTF_8)).contains("\"recurrenceRows\" : 6");
        assertThat(json.read(json.write(withRecurrence)).onset().recurrenceRows()).isEqualTo(6);
        assertThat(json.read(json.write(withRecurrence))).isEqualTo(withRecurrence);
        assertThat(new String(json.write(withRecurrence), StandardCharsets.UTF_8)).doesNotContain("recurrenceMarginLogOdds");
        ModelMetadata withMargin = new ModelMetadata(base.name(), base.version(), base.type(), base.features(), base.inputName(),
                base.outputName(), base.positiveIndex(), base.pipeline(), base.threshold(), base.reference(), base.calibration(),
                base.trainingWindow(), base.dataHash(), base.metrics(), base.codeVersion(), base.seed(), base.createdAt(),
                base.provenance(), new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0, 6, 0.2));
        assertThat(new String(json.write(withMargin), StandardCharsets.UTF_8)).contains("\"recurrenceMarginLogOdds\" : 0.2");
        assertThat(json.read(json.write(withMargin)).onset().recurrenceMarginLogOdds()).isEqualTo(0.2);
        assertThat(json.read(json.write(withMargin))).isEqualTo(withMargin);
        assertThat(new String(json.write(withMargin), StandardCharsets.UTF_8)).doesNotContain("quiet");
        ModelMetadata withBonus = new ModelMetadata(base.name(), base.version(), base.type(), base.features(), base.inputName(),
                base.outputName(), base.positiveIndex(), base.pipeline(), base.threshold(), base.reference(), base.calibration(),
                base.trainingWindow(), base.dataHash(), base.metrics(), base.codeVersion(), base.seed(), base.createdAt(),
                base.provenance(), new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0, 6, 0.2, 1.0, 2.0, 7.0));
        assertThat(new String(json.write(withBonus), StandardCharsets.UTF_8)).contains("\"quietBonusLogOdds\" : 1.0")
                .contains("\"quietAlarms\" : 2.0").contains("\"quietDays\" : 7.0");
        assertThat(json.read(json.write(withBonus))).isEqualTo(withBonus);
        ModelMetadata withDiscount = new ModelMetadata(base.name(), base.version(), base.type(), base.features(), base.inputName(),
                base.outputName(), base.positiveIndex(), base.pipeline(), base.threshold(), base.reference(), base.calibration(),
                base.trainingWindow(), base.dataHash(), base.metrics(), base.codeVersion(), base.seed(), base.createdAt(),
                base.provenance(), new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0, 6, 0.2, 1.0, 2.0, 7.0, 0.75, 10.0));
        assertThat(new String(json.write(withDiscount), StandardCharsets.UTF_8)).contains("\"noveltyLogOdds\" : 0.75")
                .contains("\"noveltyAlarms\" : 10.0");
        assertThat(json.read(json.write(withDiscount))).isEqualTo(withDiscount);
        // a 2.3.0 sidecar (no novelty members) reads without a discount
        assertThat(json.read(json.write(withBonus)).onset().noveltyLogOdds()).isZero();
        ModelMetadata withBurst = new ModelMetadata(base.name(), base.version(), base.type(), base.features(), base.inputName(),
                base.outputName(), base.positiveIndex(), base.pipeline(), base.threshold(), base.reference(), base.calibration(),
                base.trainingWindow(), base.dataHash(), base.metrics(), base.codeVersion(), base.seed(), base.createdAt(),
                base.provenance(), new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0, 6, 0.2, 1.0, 2.0, 7.0, 0.75, 10.0, 1));
        assertThat(new String(json.write(withBurst), StandardCharsets.UTF_8)).contains("\"burstRows\" : 1");
        assertThat(json.read(json.write(withBurst))).isEqualTo(withBurst);
        // a 2.4.0 sidecar (no burstRows) reads without the rule and writes none
        assertThat(json.read(json.write(withDiscount)).onset().burstRows()).isZero();
        assertThat(new String(json.write(withDiscount), StandardCharsets.UTF_8)).doesNotContain("burstRows");
    }
}
