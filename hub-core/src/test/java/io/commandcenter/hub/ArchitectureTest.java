package io.commandcenter.hub;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class of hub-core is domain: plain Java, constructed with {@code new} in unit tests. Maven
 * already keeps the frameworks off this module's classpath (the enforcer's banned dependencies);
 * this test guards what Maven cannot see — the JDK's own JDBC, and the adapter packages of the
 * libraries hub-core does depend on (the scheduler's gRPC and Hazelcast adapters, the ONNX Runtime
 * backend) — and that no adapter package has crept into the module. It covers every package of the
 * module, including ones added later: nothing is listed to be skipped.
 */
class ArchitectureTest {
    static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.commandcenter.hub");

    @Test
    void everyClass_importsNoFrameworkAndNoJdbc() {
        noClasses().that().resideInAPackage("io.commandcenter.hub..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "jakarta..", "javax.sql..", "java.sql..", "io.grpc..", "com.google.protobuf..",
                        "com.google.rpc..", "io.commandcenter.proto..", "org.eclipse.persistence..",
                        "org.flywaydb..", "com.zaxxer..", "com.fasterxml..", "ai.onnxruntime..",
                        "com.hazelcast..", "org.tribuo..")
                .because("the hub's domain is plain Java; frameworks belong to hub-server's adapters")
                .check(CORE);
    }

    @Test
    void everyClass_usesTheLibrariesCoreOnly_notTheirAdapters() {
        noClasses().that().resideInAPackage("io.commandcenter.hub..")
                .should().dependOnClassesThat().resideInAnyPackage("io.commandcenter.scheduler.grpc..",
                        "io.commandcenter.scheduler.hazelcast..", "io.commandcenter.inference.onnx..",
                        "io.commandcenter.common.error.grpc..",
                        "io.commandcenter.memory.lucene..", "io.commandcenter.memory.mem0..", "org.apache.lucene..")
                .because("hub-server wires the adapters in; the domain sees their ports")
                .check(CORE);
    }

    @Test
    void noAdapterPackage_livesInTheCore() {
        Set<String> packages = new TreeSet<>();
        for (JavaClass c : CORE) {
            packages.add(c.getPackageName());
        }

        assertThat(packages)
                .as("the domain packages this test guards (a new one is guarded as soon as it exists)")
                .contains("io.commandcenter.hub.agents", "io.commandcenter.hub.capacity", "io.commandcenter.hub.demo",
                        "io.commandcenter.hub.events",
                        "io.commandcenter.hub.predict", "io.commandcenter.hub.project",
                        "io.commandcenter.hub.remediate", "io.commandcenter.hub.telemetry",
                        "io.commandcenter.hub.workflow")
                .noneMatch(p -> p.matches(".*\\.(grpc|rest|sql|jpa|cdi|runtime|transport|persistence)(\\..*)?"));
    }
}
