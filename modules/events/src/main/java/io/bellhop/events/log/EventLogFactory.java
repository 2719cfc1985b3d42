package io.bellhop.events.log;

import io.bellhop.events.EventLog;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.nats.client.Connection;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Provides the {@link EventLog} the configuration names ({@code bellhop.events.log.backend}). */
@Factory
class EventLogFactory {

  @Singleton
  EventLog eventLog(EventLogConfig config, BeanProvider<Connection> nats) {
    return switch (config.getBackend()) {
      case "jetstream" -> new JetStreamEventLog(nats.get(), config);
      case "memory" ->
          new InMemoryEventLog(1_000_000, config.getDuplicateWindow(), Clock.systemUTC());
      default ->
          throw new IllegalArgumentException(
              "bellhop.events.log.backend must be jetstream or memory, not " + config.getBackend());
    };
  }
}
