package io.bellhop.collaboration.chat;

import io.bellhop.persistence.ModuleSchema;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** The collaboration module's PostgreSQL schema, migrated from {@code db/collaboration/}. */
@Factory
class CollaborationSchema {
  @Singleton
  @Named("collaboration")
  ModuleSchema schema() {
    return new ModuleSchema("collaboration");
  }
}
