package io.bellhop.persistence.outbox;

import io.bellhop.persistence.ModuleSchema;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The outbox's own schema, {@code outbox}, migrated from {@code db/outbox/} like any module's. */
@Factory
class OutboxSchema {
  static final String NAME = "outbox";

  @Singleton
  ModuleSchema outboxSchema() {
    return new ModuleSchema(NAME);
  }
}
