package io.bellhop.events.publish;

import io.bellhop.events.Appended;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.InvalidEventException;
import io.bellhop.events.log.EnvelopeCodec;
import io.bellhop.events.log.EnvelopeCodec.DraftEvent;
import io.bellhop.events.stream.StreamConfig;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Roles;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v2/realtime/events}: one event or an array, from a {@code publisher} token. Answers
 * once every event is durable in the log.
 */
@Controller("/v2/realtime")
@Secured(Roles.PUBLISHER)
final class PublishController {
  private static final Logger LOG = LoggerFactory.getLogger(PublishController.class);

  private final DefaultEventPublisher publisher;
  private final StreamConfig config;

  PublishController(DefaultEventPublisher publisher, StreamConfig config) {
    this.publisher = publisher;
    this.config = config;
  }

  @Post(
      value = "/events",
      consumes = MediaType.APPLICATION_JSON,
      produces = MediaType.APPLICATION_JSON)
  CompletableFuture<HttpResponse<?>> publish(@Body byte[] body) {
    List<DraftEvent> drafts = EnvelopeCodec.readDrafts(body);
    if (drafts.isEmpty()) {
      throw new InvalidEventException(ErrorCode.INVALID_EVENT, "no events in the request");
    }
    if (drafts.size() > config.getMaxEventsPerRequest()) {
      throw new InvalidEventException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          drafts.size()
              + " events in one request; the limit is "
              + config.getMaxEventsPerRequest());
    }
    var events = new ArrayList<EventEnvelope>(drafts.size());
    for (DraftEvent d : drafts) {
      events.add(publisher.complete(d));
    }
    return publisher
        .publish(events)
        .<HttpResponse<?>>thenApply(results -> HttpResponse.ok(Accepted.of(results)))
        .exceptionally(
            error -> {
              LOG.warn("publish of {} events failed: {}", events.size(), error.toString());
              return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                  .body(
                      ErrorBody.of(
                          ErrorCode.LOG_UNAVAILABLE,
                          "event log unavailable; retry with the same eventIds"));
            });
  }

  @Error(exception = InvalidEventException.class)
  HttpResponse<ErrorBody> invalid(InvalidEventException e) {
    HttpStatus status =
        e.code() == ErrorCode.PAYLOAD_TOO_LARGE
            ? HttpStatus.REQUEST_ENTITY_TOO_LARGE
            : HttpStatus.BAD_REQUEST;
    return HttpResponse.<ErrorBody>status(status).body(ErrorBody.of(e.code(), e.getMessage()));
  }

  /** {@code {"accepted":n,"seqs":[...],"duplicates":k}}. */
  @Serdeable
  record Accepted(int accepted, List<Long> seqs, int duplicates) {
    static Accepted of(List<Appended> results) {
      var seqs = new ArrayList<Long>(results.size());
      int duplicates = 0;
      for (Appended a : results) {
        seqs.add(a.seq());
        duplicates += a.duplicate() ? 1 : 0;
      }
      return new Accepted(results.size(), seqs, duplicates);
    }
  }
}
