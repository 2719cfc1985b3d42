package io.bellhop.persistence;

import java.util.regex.Pattern;

/**
 * A module's claim on PostgreSQL: the schema {@code name}, migrated by Flyway from {@code
 * classpath:db/<name>/} with its own history table ({@code <name>.flyway_schema_history}), so
 * version numbers of different modules never collide. Declare one as a bean and the migrations run
 * at startup, before anything can use the data source:
 *
 * <pre>{@code
 * @Factory
 * class UploadsSchema {
 *   @Singleton
 *   ModuleSchema schema() {
 *     return new ModuleSchema("uploads");
 *   }
 * }
 * }</pre>
 *
 * <p>Migrations name their tables without a schema ({@code CREATE TABLE chunks ...}): Flyway runs
 * them with the module's schema first on the search path. Repositories name it explicitly
 * ({@code @MappedEntity(value = "chunks", schema = "uploads")}). A module never touches another
 * module's schema.
 *
 * @param name the schema, also the module's name: lower case letters, digits and {@code _},
 *     starting with a letter, at most 40 characters
 */
public record ModuleSchema(String name) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  public ModuleSchema {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("schema name must match " + NAME.pattern() + ": " + name);
    }
  }

  /** Where the module's migrations are, {@code classpath:db/<name>}. */
  public String location() {
    return "classpath:db/" + name;
  }
}
