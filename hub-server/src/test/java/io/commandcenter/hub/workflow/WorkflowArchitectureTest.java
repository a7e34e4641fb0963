package io.commandcenter.hub.workflow;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The workflow definitions are plain Java: constructed with new, no frameworks, no adapters. */
class WorkflowArchitectureTest {
    static final JavaClasses WORKFLOW = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.commandcenter.hub.workflow");

    @Test
    void theWorkflowPackage_importsNoFrameworks() {
        noClasses().that().resideInAPackage("io.commandcenter.hub.workflow")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta..", "javax.sql..", "java.sql..",
                        "io.grpc..", "com.google.protobuf..", "com.google.rpc..", "org.eclipse.persistence..",
                        "com.hazelcast..", "org.flywaydb..", "com.zaxxer..", "io.commandcenter.proto..",
                        "ai.onnxruntime..", "com.fasterxml..")
                .check(WORKFLOW);
    }

    @Test
    void theWorkflowPackage_doesNotReachIntoAdapters() {
        noClasses().that().resideInAPackage("io.commandcenter.hub.workflow")
                .should().dependOnClassesThat().resideInAnyPackage("..grpc..", "..rest..", "..sql..", "..runtime..",
                        "..transport..", "..persistence..", "..jpa..")
                .check(WORKFLOW);
    }
}
