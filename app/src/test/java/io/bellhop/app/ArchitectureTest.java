package io.bellhop.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * Module boundaries (see docs/architecture.md). A module is a package {@code io.bellhop.<module>};
 * its root package is its public API and its sub-packages are internal. The rules are generic, so a
 * module is protected the day its package appears.
 */
class ArchitectureTest {
  private static final String ROOT = "io.bellhop.";

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // The events test-jar (fixtures for app's tests) is test code too.
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.bellhop");

  @Test
  void modulesUseEachOtherOnlyThroughTheirRootPackage() {
    classes()
        .that()
        .resideInAPackage("io.bellhop..")
        .should(useOtherModulesOnlyThroughTheirApi())
        .check(classes);
  }

  @Test
  void modulesHaveNoCycles() {
    slices().matching("io.bellhop.(*)..").should().beFreeOfCycles().check(classes);
  }

  /** Inside a module, too, packages layer: e.g. events' http → stream → replay, never back. */
  @Test
  void aModulesInternalPackagesHaveNoCycles() {
    slices().matching("io.bellhop.(*).(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void modulesNeverDependOnTheApplication() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.bellhop.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.bellhop.app..")
        .check(classes);
  }

  @Test
  void aModulesApiDoesNotLeakItsInternals() {
    classes()
        .that()
        .resideInAPackage("io.bellhop..")
        .should(
            new ArchCondition<JavaClass>("not depend on its own module's internals when API") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                String module = module(c);
                if (module == null || !c.getPackageName().equals(ROOT + module)) {
                  return;
                }
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                  String target = d.getTargetClass().getPackageName();
                  if (target.startsWith(ROOT + module + ".")) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
        .check(classes);
  }

  @Test
  void theEventsApiNamesNoTransport() {
    noClasses()
        .that()
        .resideInAPackage("io.bellhop.events")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.nats..", "io.netty..")
        .check(classes);
  }

  /** A dependency on another module must land in that module's root package. */
  private static ArchCondition<JavaClass> useOtherModulesOnlyThroughTheirApi() {
    return new ArchCondition<>("use other modules only through their root package") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        String from = module(c);
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass();
          String to = module(target);
          if (to != null && !to.equals(from) && !target.getPackageName().equals(ROOT + to)) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
          }
        }
      }
    };
  }

  /** {@code events} for {@code io.bellhop.events.stream.X}; null outside Bellhop. */
  private static String module(JavaClass c) {
    String p = c.getPackageName();
    if (!p.startsWith(ROOT)) {
      return null;
    }
    String rest = p.substring(ROOT.length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }
}
