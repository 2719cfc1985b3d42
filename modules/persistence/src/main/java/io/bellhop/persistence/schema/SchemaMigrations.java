package io.bellhop.persistence.schema;

import io.bellhop.persistence.ModuleSchema;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.naming.NameResolver;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrates every declared {@link ModuleSchema} when the {@code default} data source is created, so
 * no bean can use the data source before its tables exist (micronaut-flyway hooks the same event).
 * One Flyway run per module: its schema, its location, its own history table inside its schema.
 *
 * <p>micronaut-flyway itself binds one Flyway configuration to each data source name, so it cannot
 * give two modules their own schema and version numbering on one data source (decision 59). Several
 * nodes may start at once: Flyway serialises them with a PostgreSQL advisory lock.
 */
@Singleton
@Requires(property = "bellhop.persistence.migrate", notEquals = "false")
final class SchemaMigrations implements BeanCreatedEventListener<DataSource> {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

  private final BeanContext beans;
  private final DataSourceResolver resolver;

  SchemaMigrations(BeanContext beans, @Nullable DataSourceResolver resolver) {
    this.beans = beans;
    this.resolver = resolver != null ? resolver : DataSourceResolver.DEFAULT;
  }

  @Override
  public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
    String name =
        event.getBeanDefinition() instanceof NameResolver n
            ? n.resolveName().orElse("default")
            : "default";
    if ("default".equals(name)) {
      List<ModuleSchema> schemas =
          beans.getBeansOfType(ModuleSchema.class).stream()
              .sorted(Comparator.comparing(ModuleSchema::name))
              .toList();
      migrate(resolver.resolve(event.getBean()), schemas);
    }
    return event.getBean();
  }

  /** Migrates each schema in turn; fails startup on the first that cannot be migrated. */
  static void migrate(DataSource dataSource, List<ModuleSchema> schemas) {
    for (ModuleSchema schema : schemas) {
      MigrateResult result =
          Flyway.configure(SchemaMigrations.class.getClassLoader())
              .dataSource(dataSource)
              .schemas(schema.name())
              .defaultSchema(schema.name())
              .createSchemas(true)
              .locations(schema.location())
              .failOnMissingLocations(true)
              .load()
              .migrate();
      LOG.info(
          "schema {}: {} migration(s) applied, now at version {}",
          schema.name(),
          result.migrationsExecuted,
          result.targetSchemaVersion != null
              ? result.targetSchemaVersion
              : result.initialSchemaVersion);
    }
  }
}
