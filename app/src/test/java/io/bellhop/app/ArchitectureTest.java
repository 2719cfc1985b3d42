package io.bellhop.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Module boundaries: who may depend on whom (see docs/architecture.md). */
class ArchitectureTest {
  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.bellhop");

  @Test
  void platformDependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("io.bellhop.platform..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.bellhop.events..", "io.bellhop.app..")
        .check(classes);
  }

  @Test
  void modulesNeverDependOnTheApplication() {
    noClasses()
        .that()
        .resideInAPackage("io.bellhop.events..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bellhop.app..")
        .check(classes);
  }

  @Test
  void onlyTheEventsModuleReachesItsInternals() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.bellhop.events..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.bellhop.events.stream..", "io.bellhop.events.log..")
        .check(classes);
  }

  @Test
  void theEventsApiDoesNotLeakItsImplementations() {
    noClasses()
        .that()
        .resideInAPackage("io.bellhop.events")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.bellhop.events.stream..", "io.bellhop.events.log..", "io.nats..", "io.netty..")
        .check(classes);
  }
}
