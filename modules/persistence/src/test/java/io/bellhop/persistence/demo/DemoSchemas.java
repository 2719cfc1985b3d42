package io.bellhop.persistence.demo;

import io.bellhop.persistence.ModuleSchema;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** Two schemas whose migrations both start at V1. */
@Factory
class DemoSchemas {
  @Singleton
  @Named("demo")
  ModuleSchema demo() {
    return new ModuleSchema("demo");
  }

  @Singleton
  @Named("demo_notes")
  ModuleSchema notes() {
    return new ModuleSchema("demo_notes");
  }
}
