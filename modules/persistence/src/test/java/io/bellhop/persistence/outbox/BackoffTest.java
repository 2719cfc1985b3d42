package io.bellhop.persistence.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesUpToTheMaximumAndStartsOverAfterASuccess() {
    var b = new OutboxRelay.Backoff(Duration.ofMillis(100), Duration.ofMillis(500));
    assertEquals(100, b.next().toMillis());
    assertEquals(200, b.next().toMillis());
    assertEquals(400, b.next().toMillis());
    assertEquals(500, b.next().toMillis());
    assertEquals(500, b.next().toMillis());
    b.reset();
    assertEquals(100, b.next().toMillis());
  }
}
