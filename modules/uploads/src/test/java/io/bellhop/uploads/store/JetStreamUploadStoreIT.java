package io.bellhop.uploads.store;

import io.bellhop.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The contract against a real nats-server; each "other node" has a connection of its own. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JetStreamUploadStoreIT extends UploadStoreContract {
  private final List<Connection> connections = new ArrayList<>();
  private UploadStore store;

  @BeforeAll
  void connect() throws Exception {
    store = anotherNode();
  }

  @AfterAll
  void disconnect() throws InterruptedException {
    for (Connection c : connections) {
      c.close();
    }
  }

  @Override
  UploadStore store() {
    return store;
  }

  @Override
  UploadStore anotherNode() throws IOException {
    try {
      Connection nats = Nats.connect(TestServices.get().nats().url());
      connections.add(nats);
      var config = new StorageConfig();
      config.setBackend("jetstream");
      config.setStreamName("CONTRACT_UPLOADS");
      config.setSubjectPrefix("contract.uploads");
      return new JetStreamUploadStore(nats, config);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
