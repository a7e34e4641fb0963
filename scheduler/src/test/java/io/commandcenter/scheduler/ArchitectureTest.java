package io.commandcenter.scheduler;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The scheduler's core is plain Java: Hazelcast appears only in {@code .hazelcast}, gRPC and
 * protobuf only in {@code .grpc}; nothing imports Jakarta.
 */
class ArchitectureTest {
    static final JavaClasses SCHEDULER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.commandcenter.scheduler");

    /** Every package but the two adapters: a package added later is guarded without being listed. */
    static final String[] ADAPTERS = {"io.commandcenter.scheduler.hazelcast..", "io.commandcenter.scheduler.grpc.."};

    @Test
    void corePackages_importNoFrameworks() {
        noClasses().that().resideOutsideOfPackages(ADAPTERS)
                .should().dependOnClassesThat().resideInAnyPackage("com.hazelcast..", "io.grpc..",
                        "com.google.protobuf..", "com.google.rpc..", "jakarta..", "io.commandcenter.proto..")
                .because("the scheduler's logic is plain Java, unit-tested without Hazelcast or gRPC")
                .check(SCHEDULER);
    }

    @Test
    void corePackages_doNotReachIntoAdapters() {
        noClasses().that().resideOutsideOfPackages(ADAPTERS)
                .should().dependOnClassesThat().resideInAnyPackage("..scheduler.hazelcast..", "..scheduler.grpc..")
                .check(SCHEDULER);
    }

    @Test
    void theAdapters_doNotKnowEachOther() {
        noClasses().that().resideInAPackage("..scheduler.hazelcast..")
                .should().dependOnClassesThat().resideInAPackage("..scheduler.grpc..").check(SCHEDULER);
        noClasses().that().resideInAPackage("..scheduler.grpc..")
                .should().dependOnClassesThat().resideInAPackage("..scheduler.hazelcast..").check(SCHEDULER);
    }
}
