package io.bellhop.events.log;

import io.bellhop.events.EventLog;
import io.bellhop.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The contract against a real nats-server with JetStream. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JetStreamEventLogIT extends EventLogContract {
  private Connection nats;
  private EventLog log;

  @BeforeAll
  void connect() throws Exception {
    nats = Nats.connect(TestServices.get().nats().url());
    var config = new EventLogConfig();
    config.setStreamName("CONTRACT_EVENTS");
    config.setSubjectPrefix("contract.events");
    log = new JetStreamEventLog(nats, config);
  }

  @AfterAll
  void disconnect() throws Exception {
    nats.close();
  }

  @Override
  EventLog log() {
    return log;
  }
}
