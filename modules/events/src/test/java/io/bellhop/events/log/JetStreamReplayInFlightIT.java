package io.bellhop.events.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.Replay;
import io.bellhop.events.Service;
import io.bellhop.testing.TestServices;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A pull gives up after a second without a message, and with no acks the server never sends again
 * what it sent to a pull that gave up. Under load (a thousand clients resuming at once) that lost
 * the tail of a page; here a proxy holds a page back mid-way to make it happen every time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JetStreamReplayInFlightIT {
  private static final int PAGE = 10;

  private StallingProxy proxy;
  private Connection direct;
  private Connection proxied;
  private JetStreamEventLog writer;
  private JetStreamEventLog reader;

  @BeforeAll
  void connect() throws Exception {
    var config = new EventLogConfig();
    config.setStreamName("INFLIGHT_EVENTS");
    config.setSubjectPrefix("inflight.events");
    direct = Nats.connect(TestServices.get().nats().url());
    writer = new JetStreamEventLog(direct, config);
    proxy = new StallingProxy(TestServices.get().nats().port());
    proxied =
        Nats.connect(
            new Options.Builder().server(proxy.url()).pingInterval(Duration.ofMinutes(5)).build());
    reader = new JetStreamEventLog(proxied, config);
  }

  @AfterAll
  void disconnect() throws Exception {
    proxied.close();
    direct.close();
    proxy.close();
  }

  @Test
  void aPullThatGivesUpInTheFirstPageLosesNothing() throws Exception {
    replayWithStallIn(1);
  }

  @Test
  void aPullThatGivesUpInTheLastPageLosesNothing() throws Exception {
    replayWithStallIn(2);
  }

  /** Events: a page and a half; the stall lands in the first page or in the last one. */
  private void replayWithStallIn(int stalledPage) throws Exception {
    String org = EventLogContract.newOrg();
    int count = PAGE + PAGE / 2;
    var events =
        IntStream.range(0, count)
            .mapToObj(n -> EventLogContract.event(org, Service.GUEST, null, n))
            .toList();
    long first = writer.append(events).get(10, TimeUnit.SECONDS).get(0).seq();

    var read = new ArrayList<Long>();
    try (Replay r = reader.replay(org, first - 1)) {
      if (stalledPage == 2) {
        r.next(PAGE).forEach(e -> read.add(e.seq()));
      }
      // about three messages of the page get through, the rest arrive after the pull gave up
      proxy.stallAfter(3 * 400, Duration.ofMillis(1_500));
      List<EventEnvelope> page;
      while (!(page = r.next(PAGE)).isEmpty()) {
        page.forEach(e -> read.add(e.seq()));
      }
    }
    assertEquals(seqsFrom(first, count), read);
  }

  private static List<Long> seqsFrom(long first, int count) {
    var out = new ArrayList<Long>(count);
    for (int i = 0; i < count; i++) {
      out.add(first + i);
    }
    return out;
  }
}
