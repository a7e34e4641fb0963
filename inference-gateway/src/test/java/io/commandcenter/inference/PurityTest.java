package io.commandcenter.inference;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Pure packages import no framework; ONNX Runtime only in the gateway's adapter package. */
class PurityTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.commandcenter.models", "io.commandcenter.inference");

    @Test
    void modelsLibrary_importsNoFrameworkAndNoOnnxRuntime() {
        noClasses().that().resideInAPackage("io.commandcenter.models..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "jakarta..", "io.grpc..", "com.hazelcast..")
                .check(classes);
    }

    @Test
    void onnxRuntime_appearsOnlyInTheOnnxAdapterPackage() {
        noClasses().that().resideInAPackage("io.commandcenter.inference..")
                .and().resideOutsideOfPackage("io.commandcenter.inference.onnx..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "jakarta..", "com.hazelcast..")
                .check(classes);
    }

    @Test
    void grpcAndProtobuf_appearOnlyInTheTritonAdapterPackage() {
        noClasses().that().resideInAPackage("io.commandcenter.inference..")
                .and().resideOutsideOfPackage("io.commandcenter.inference.triton..")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "com.google.protobuf..",
                        "io.commandcenter.proto..")
                .check(classes);
    }
}
