package io.bellhop.events.log;

import io.bellhop.events.EventLog;

class InMemoryEventLogTest extends EventLogContract {
  private final EventLog log = new InMemoryEventLog();

  @Override
  EventLog log() {
    return log;
  }
}
