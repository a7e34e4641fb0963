package io.commandcenter.hub;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Holds the line between domain and adapters: the feature packages themselves are plain Java;
 * gRPC, protobuf, Jakarta, JPA and JDBC appear only in their adapter sub-packages
 * ({@code .grpc}, {@code .rest}, {@code .sql}) and in the runtime/transport/persistence packages.
 */
class ArchitectureTest {
    static final JavaClasses HUB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.commandcenter.hub");

    static final String[] DOMAIN = {
            "io.commandcenter.hub.error",
            "io.commandcenter.hub.project",
            "io.commandcenter.hub.events",
            "io.commandcenter.hub.telemetry",
            "io.commandcenter.hub.predict"};

    @Test
    void domainPackages_importNoFrameworks() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "com.google.protobuf..", "com.google.rpc..", "jakarta..", "javax.sql..",
                        "java.sql..", "org.eclipse.persistence..", "org.flywaydb..", "com.zaxxer..",
                        "io.commandcenter.proto..", "ai.onnxruntime..")
                .because("domain logic is plain Java, constructed with new in unit tests")
                .check(HUB);
    }

    @Test
    void domainPackages_doNotReachIntoAdapters() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage("..grpc..", "..rest..", "..sql..", "..runtime..",
                        "..transport..", "..persistence..")
                .check(HUB);
    }
}
