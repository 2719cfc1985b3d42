package io.bellhop.uploads.session;

import io.bellhop.persistence.ModuleSchema;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** The uploads module's PostgreSQL schema, migrated from {@code db/uploads/}. */
@Factory
class UploadsSchema {
  @Singleton
  @Named("uploads")
  ModuleSchema schema() {
    return new ModuleSchema("uploads");
  }
}
