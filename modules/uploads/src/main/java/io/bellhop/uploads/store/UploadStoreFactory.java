package io.bellhop.uploads.store;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.nats.client.Connection;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Provides the {@link UploadStore} the configuration names. */
@Factory
class UploadStoreFactory {

  @Singleton
  UploadStore uploadStore(StorageConfig config, BeanProvider<Connection> nats) {
    try {
      return switch (config.getBackend()) {
        case "filesystem" -> new FileUploadStore(Path.of(config.getDirectory()));
        case "jetstream" -> new JetStreamUploadStore(nats.get(), config);
        default ->
            throw new IllegalArgumentException(
                "bellhop.uploads.storage.backend must be filesystem or jetstream, not "
                    + config.getBackend());
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the upload store", e);
    }
  }
}
