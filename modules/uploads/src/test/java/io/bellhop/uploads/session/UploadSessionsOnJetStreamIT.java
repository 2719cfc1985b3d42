package io.bellhop.uploads.session;

import io.bellhop.testing.TestServices;
import io.bellhop.uploads.store.JetStreamUploadStore;
import io.bellhop.uploads.store.StorageConfig;
import io.bellhop.uploads.store.UploadStore;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.nats.client.Connection;
import io.nats.client.Nats;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@link UploadSessionsIT} case with the bytes in JetStream, where "another node" has its own
 * NATS connection and store: the multi-node deployment, where a resume lands anywhere.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class UploadSessionsOnJetStreamIT extends UploadSessionsIT {
  private final List<Connection> connections = new ArrayList<>();

  @Inject StorageConfig storage;

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.put("bellhop.uploads.storage.backend", "jetstream");
    properties.put("bellhop.uploads.storage.stream-name", "IT_UPLOADS");
    properties.put("bellhop.uploads.storage.subject-prefix", "it.uploads");
    return properties;
  }

  @Override
  UploadStore anotherStore() throws IOException {
    try {
      Connection nats = Nats.connect(TestServices.get().nats().url());
      connections.add(nats);
      return new JetStreamUploadStore(nats, storage);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @AfterAll
  void disconnect() throws InterruptedException {
    for (Connection c : connections) {
      c.close();
    }
  }
}
