package io.bellhop.events.http;

import io.bellhop.events.LogPosition;
import io.bellhop.events.replay.Filter;
import io.bellhop.events.stream.StreamMetrics;
import io.bellhop.events.stream.StreamNode;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.Principal;
import io.bellhop.realtime.ConnectionSlot;
import io.bellhop.realtime.Refusal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import jakarta.inject.Named;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * {@code GET /v2/realtime/sse}: the Server-Sent Events fallback. The same frames as the socket
 * ({@code ack}, {@code event}, {@code ping}) as SSE {@code data}, each with {@code id:
 * <epoch>:<seq>}, so a browser's automatic reconnect sends {@code Last-Event-ID} and resumes
 * exactly where it stopped. Same tokens (also {@code ?access_token=}: EventSource cannot send
 * headers), tenancy and filters as the socket. An open feed counts against its user's and org's
 * connection caps like a socket; over a cap the answer is 429 with {@code Retry-After}.
 */
@Controller("/v2/realtime")
@Secured(SecurityRule.IS_AUTHENTICATED)
final class SseController {
  private final StreamNode node;
  private final TaskScheduler scheduler;

  SseController(StreamNode node, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
    this.node = node;
    this.scheduler = scheduler;
  }

  @Get(value = "/sse", produces = MediaType.TEXT_EVENT_STREAM)
  Publisher<Event<String>> sse(
      HttpRequest<?> request,
      Authentication authentication,
      @Nullable @QueryValue String services,
      @Nullable @QueryValue String propertyId,
      @Nullable @QueryValue Long lastSeq,
      @Nullable @QueryValue String epoch,
      @Nullable @Header("Last-Event-ID") String lastEventId) {
    Principal p = FallbackRequests.subscriber(authentication);
    Filter filter = Filter.of(PollController.parseServices(services), p, propertyId);
    String cursorEpoch = epoch;
    Long cursorSeq = lastSeq;
    if (lastEventId != null && lastEventId.indexOf(':') > 0) {
      int colon = lastEventId.lastIndexOf(':');
      cursorEpoch = lastEventId.substring(0, colon);
      try {
        cursorSeq = Long.parseLong(lastEventId.substring(colon + 1));
      } catch (NumberFormatException e) {
        cursorSeq = null;
      }
    }
    Long from = cursorSeq;
    String fromEpoch = cursorEpoch;
    ConnectionSlot slot = node.admitFallback(p, StreamMetrics.Fallback.SSE);
    // Released by the feed when it stops; this covers a response that never subscribes.
    FallbackRequests.onConnectionClosed(request, slot::release);
    return Flux.create(
        sink -> {
          var feed = new SseFeed(node, scheduler, sink, p.orgId(), filter, slot);
          FallbackRequests.onConnectionClosed(request, feed::stop);
          feed.start(from, fromEpoch);
        },
        FluxSink.OverflowStrategy.BUFFER);
  }

  @Error(exception = Refusal.class)
  HttpResponse<ErrorBody> refused(Refusal r) {
    return r.toHttpResponse();
  }

  /** The first event of a feed: what the socket's ack says. */
  static String ack(LogPosition pos, long cursor, boolean recovered, long heartbeatMs) {
    return "{\"type\":\"ack\",\"seq\":"
        + cursor
        + ",\"epoch\":\""
        + pos.epoch()
        + "\",\"recovered\":"
        + recovered
        + ",\"heartbeatMs\":"
        + heartbeatMs
        + "}";
  }
}
