package io.bellhop.events.log;

import io.bellhop.events.Appended;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.LogPosition;
import io.bellhop.events.Replay;
import io.bellhop.events.Tail;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link EventLog}: one JetStream stream holding every org's events on subjects
 * {@code <prefix>.<orgId>.<service>}. {@code seq} is the stream sequence; the epoch is the stream's
 * creation time, so a deleted and recreated stream is a new epoch. De-duplication is JetStream's
 * own ({@code Nats-Msg-Id} = {@code eventId}).
 *
 * <p>The live feed is one ordered push consumer per node (it re-creates itself after a NATS restart
 * from the last sequence it saw); each replay is a short-lived ephemeral pull consumer filtered to
 * one org.
 */
public final class JetStreamEventLog implements EventLog {
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamEventLog.class);
  private static final Duration TAIL_HEARTBEAT = Duration.ofSeconds(1);

  private final Connection nats;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final EventLogConfig config;
  private final StreamContext stream;
  private final EventSubjects subjects;

  public JetStreamEventLog(Connection nats, EventLogConfig config) {
    this.nats = nats;
    this.config = config;
    this.subjects = new EventSubjects(config.getSubjectPrefix());
    try {
      this.js = nats.jetStream();
      this.jsm = nats.jetStreamManagement();
      ensureStream();
      this.stream = nats.getStreamContext(config.getStreamName());
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException(
          "cannot set up JetStream stream " + config.getStreamName(), e);
    }
  }

  /** Creates the stream, or updates its limits to the configured ones. */
  private StreamInfo ensureStream() throws IOException, JetStreamApiException {
    StreamConfiguration wanted =
        StreamConfiguration.builder()
            .name(config.getStreamName())
            .subjects(subjects.all())
            .storageType(
                "memory".equalsIgnoreCase(config.getStorage())
                    ? StorageType.Memory
                    : StorageType.File)
            .retentionPolicy(RetentionPolicy.Limits)
            .discardPolicy(DiscardPolicy.Old)
            .maxAge(config.getMaxAge())
            .maxBytes(config.getMaxBytes())
            .duplicateWindow(config.getDuplicateWindow())
            .replicas(config.getReplicas())
            .build();
    try {
      StreamInfo existing = jsm.getStreamInfo(config.getStreamName());
      StreamConfiguration have = existing.getConfiguration();
      if (!have.getMaxAge().equals(wanted.getMaxAge())
          || have.getMaxBytes() != wanted.getMaxBytes()
          || !have.getDuplicateWindow().equals(wanted.getDuplicateWindow())) {
        LOG.info("updating limits of stream {}", config.getStreamName());
        return jsm.updateStream(wanted);
      }
      return existing;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != 10059) { // stream not found
        throw e;
      }
      LOG.info("creating stream {} on {}", config.getStreamName(), subjects.all());
      return jsm.addStream(wanted);
    }
  }

  private static String epochOf(StreamInfo info) {
    ZonedDateTime created = info.getCreateTime();
    Instant at = created.toInstant();
    return Long.toString(at.getEpochSecond(), 36) + "." + Integer.toString(at.getNano(), 36);
  }

  @Override
  public CompletableFuture<List<Appended>> append(List<EventEnvelope> events) {
    var acks = new ArrayList<CompletableFuture<PublishAck>>(events.size());
    for (EventEnvelope e : events) {
      PublishOptions options =
          PublishOptions.builder()
              .messageId(e.eventId())
              .expectedStream(config.getStreamName())
              .build();
      acks.add(
          js.publishAsync(
              subjects.event(e.orgId(), e.service()),
              new Headers(),
              EnvelopeCodec.writeStored(e),
              options));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              var out = new ArrayList<Appended>(acks.size());
              for (CompletableFuture<PublishAck> ack : acks) {
                PublishAck a = ack.join();
                out.add(new Appended(a.getSeqno(), a.isDuplicate()));
              }
              return out;
            });
  }

  @Override
  public LogPosition position() {
    try {
      StreamInfo info = jsm.getStreamInfo(config.getStreamName());
      String current = epochOf(info);
      var state = info.getStreamState();
      long last = state.getLastSequence();
      long first = state.getMsgCount() == 0 ? last + 1 : state.getFirstSequence();
      return new LogPosition(first, last, current);
    } catch (IOException | JetStreamApiException e) {
      throw new LogUnavailableException("cannot read stream state", e);
    }
  }

  @Override
  public Replay replay(String orgId, long afterSeq) {
    return new PullReplay(orgId, afterSeq);
  }

  private ConsumerContext openReplayConsumer(String orgId, long afterSeq) {
    ConsumerConfiguration cc =
        ConsumerConfiguration.builder()
            .filterSubject(subjects.org(orgId))
            .deliverPolicy(DeliverPolicy.ByStartSequence)
            .startSequence(afterSeq + 1)
            .ackPolicy(AckPolicy.None)
            .inactiveThreshold(Duration.ofSeconds(30))
            .memStorage(true)
            .numReplicas(1)
            .build();
    try {
      return stream.createOrUpdateConsumer(cc);
    } catch (IOException | JetStreamApiException e) {
      throw new LogUnavailableException("cannot open replay for org " + orgId, e);
    }
  }

  @Override
  public Tail tail(TailSink sink) {
    long from = position().lastSeq() + 1;
    Dispatcher dispatcher = nats.createDispatcher();
    // A short heartbeat: the ordered consumer notices a lost server (3 missed beats) and
    // re-creates itself from the last sequence it delivered within seconds, not half a minute.
    ConsumerConfiguration cc =
        ConsumerConfiguration.builder()
            .deliverPolicy(DeliverPolicy.ByStartSequence)
            .startSequence(from)
            .idleHeartbeat(TAIL_HEARTBEAT)
            .build();
    try {
      js.subscribe(
          subjects.all(),
          dispatcher,
          msg -> decode(msg).ifPresent(e -> sink.accept(e, micros(msg))),
          false,
          PushSubscribeOptions.builder().stream(config.getStreamName())
              .ordered(true)
              .configuration(cc)
              .build());
    } catch (IOException | JetStreamApiException e) {
      nats.closeDispatcher(dispatcher);
      throw new LogUnavailableException("cannot open the live feed", e);
    }
    LOG.info("live feed of {} open from seq {}", config.getStreamName(), from);
    return () -> nats.closeDispatcher(dispatcher);
  }

  private static long micros(Message msg) {
    Instant at = msg.metaData().timestamp().toInstant();
    return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
  }

  /**
   * Decodes a stored message; empty (and logged) when it cannot be delivered: a subject naming no
   * known service, or a body that is not an event object. Replay and live feed apply the same rule,
   * so they always agree.
   */
  private Optional<EventEnvelope> decode(Message msg) {
    String subject = msg.getSubject();
    long seq = msg.metaData().streamSequence();
    Optional<EventSubjects.Address> address = subjects.parse(subject);
    if (address.isEmpty()) {
      LOG.warn(
          "seq {}: subject {} names no valid org or known service; not delivered", seq, subject);
      return Optional.empty();
    }
    try {
      return Optional.of(
          EnvelopeCodec.readStored(
              msg.getData(),
              address.get().orgId(),
              address.get().service(),
              seq,
              () -> msg.metaData().timestamp().toInstant().toString(),
              msg.hasHeaders() ? msg.getHeaders().getFirst("Nats-Msg-Id") : null));
    } catch (RuntimeException e) {
      LOG.warn(
          "seq {} on {}: body is not an event ({}); not delivered", seq, subject, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Reads an org's events with no-wait pulls: each pull returns at once with what the stream holds
   * (up to the page size), so an empty pull means every event stored before the replay opened has
   * been read. (The consumer's {@code num_pending} is not used: nats-server 2.9 can overcount it
   * for filtered consumers, and a pull waiting for an event that does not exist stalls.)
   *
   * <p>A pull gives up after a second without a message, and with no acks the server never sends
   * again what it sent to a pull that gave up. So every message's consumer sequence is checked
   * (each delivery counts one), and so is the consumer's delivered count once a pull comes back
   * empty: a message that went missing in flight reopens the consumer after the last event read.
   */
  private final class PullReplay implements Replay {
    private final String orgId;
    private ConsumerContext consumer;
    private long lastSeq;
    private long lastDelivery;
    private long pendingAfterLast = -1;
    private boolean done;

    PullReplay(String orgId, long afterSeq) {
      this.orgId = orgId;
      this.lastSeq = afterSeq;
      this.consumer = openReplayConsumer(orgId, afterSeq);
    }

    @Override
    public List<EventEnvelope> next(int max) {
      var out = new ArrayList<EventEnvelope>();
      pendingAfterLast = -1;
      try {
        while (out.isEmpty() && !done) {
          FetchConsumer page =
              consumer.fetch(FetchConsumeOptions.builder().maxMessages(max).noWait().build());
          int read = 0;
          boolean gap = false;
          Message m;
          while ((m = page.nextMessage()) != null) { // to the end, which closes the pull
            read++;
            NatsJetStreamMetaData meta = m.metaData();
            gap = gap || meta.consumerSequence() != lastDelivery + 1;
            if (!gap) {
              lastDelivery++;
              lastSeq = meta.streamSequence();
              pendingAfterLast = meta.pendingCount();
              decode(m).ifPresent(out::add);
            }
          }
          if (gap || (read == 0 && deliveredMoreThanRead())) {
            reopen();
          } else {
            done = read == 0;
          }
        }
      } catch (IOException | JetStreamApiException | JetStreamStatusCheckedException e) {
        throw new LogUnavailableException("replay read failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LogUnavailableException("replay interrupted", e);
      }
      return out;
    }

    /** The consumer's pending count may overcount on nats-server 2.9, never undercount. */
    @Override
    public boolean exhausted() {
      return done || pendingAfterLast == 0;
    }

    private boolean deliveredMoreThanRead() throws IOException, JetStreamApiException {
      return consumer.getConsumerInfo().getDelivered().getConsumerSequence() > lastDelivery;
    }

    private void reopen() {
      LOG.info(
          "replay of org {}: a message went missing in flight after seq {}; reopening",
          orgId,
          lastSeq);
      close();
      consumer = openReplayConsumer(orgId, lastSeq);
      lastDelivery = 0;
    }

    @Override
    public void close() {
      try {
        stream.deleteConsumer(consumer.getConsumerName());
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        LOG.debug("replay consumer already gone; it expires by itself", e);
      }
    }
  }
}
