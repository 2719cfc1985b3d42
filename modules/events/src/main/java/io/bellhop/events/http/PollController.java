package io.bellhop.events.http;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.LogPosition;
import io.bellhop.events.Service;
import io.bellhop.events.replay.CursorRead;
import io.bellhop.events.replay.Filter;
import io.bellhop.events.replay.Frames;
import io.bellhop.events.stream.OrgLanes;
import io.bellhop.events.stream.StreamMetrics;
import io.bellhop.events.stream.StreamNode;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.realtime.ConnectionSlot;
import io.bellhop.realtime.Refusal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v2/realtime/poll}: the long-poll fallback for networks that block WebSockets, with
 * the stream's cursor semantics, auth, tenancy and filters. Answers at once when events after
 * {@code lastSeq} exist, else when the next matching event arrives, else after {@code waitMs} (at
 * most 30 s) with no events and the cursor moved past everything it checked. Waiting holds no
 * thread: the fan-out wakes the poll when its org gets events. A waiting poll counts against its
 * user's and org's connection caps like a socket (429 with {@code Retry-After} over a cap); its
 * reads run in its org's lane of the fallback threads ({@link OrgLanes}).
 */
@Controller("/v2/realtime")
@Secured(SecurityRule.IS_AUTHENTICATED)
final class PollController {
  static final long MAX_WAIT_MS = 30_000;
  private static final int MAX_EVENTS = 1_000;

  private final StreamNode node;
  private final TaskScheduler scheduler;

  PollController(StreamNode node, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
    this.node = node;
    this.scheduler = scheduler;
  }

  @Get(value = "/poll", produces = MediaType.APPLICATION_JSON)
  CompletableFuture<HttpResponse<?>> poll(
      HttpRequest<?> request,
      Authentication authentication,
      @Nullable @QueryValue String services,
      @Nullable @QueryValue String propertyId,
      @Nullable @QueryValue Long lastSeq,
      @Nullable @QueryValue String epoch,
      @QueryValue(defaultValue = "25000") long waitMs) {
    Principal p = FallbackRequests.subscriber(authentication);
    Filter filter = Filter.of(parseServices(services), p, propertyId);
    ConnectionSlot slot = node.admitFallback(p, StreamMetrics.Fallback.POLL);
    var poll =
        new Poll(
            p.orgId(),
            filter,
            lastSeq,
            epoch,
            System.nanoTime()
                + Duration.ofMillis(Math.max(0, Math.min(waitMs, MAX_WAIT_MS))).toNanos());
    Runnable unhook = FallbackRequests.onConnectionClosed(request, poll::abandon);
    poll.result.whenComplete(
        (r, e) -> {
          slot.release();
          unhook.run();
        });
    node.fallbacks().execute(p.orgId(), poll::attempt);
    return poll.result;
  }

  @Error(exception = Refusal.class)
  HttpResponse<ErrorBody> refused(Refusal r) {
    return r.toHttpResponse();
  }

  // split(",") drops trailing empty names on purpose: "finance," is finance; "finance,,hr" is
  // refused.
  @SuppressWarnings("StringSplitter")
  static Set<Service> parseServices(String csv) {
    if (csv == null || csv.isBlank()) {
      return EnumSet.allOf(Service.class);
    }
    Set<Service> out = EnumSet.noneOf(Service.class);
    for (String name : csv.split(",")) {
      String trimmed = name.trim();
      out.add(
          Service.parse(trimmed)
              .orElseThrow(
                  () ->
                      new Refusal(
                          io.bellhop.platform.CloseCode.BAD_HANDSHAKE,
                          ErrorCode.UNKNOWN_SERVICE,
                          "unknown service \"" + trimmed + "\"")));
    }
    return out;
  }

  /** One long-poll request; attempts run in its org's fallback lane, never concurrently. */
  private final class Poll {
    final CompletableFuture<HttpResponse<?>> result = new CompletableFuture<>();
    private final String orgId;
    private final Filter filter;
    private final Long lastSeq;
    private final String clientEpoch;
    private final long deadlineNanos;
    private final Runnable wake;
    private String epoch;
    private long cursor = -1;
    private boolean timerSet;

    Poll(String orgId, Filter filter, Long lastSeq, String clientEpoch, long deadlineNanos) {
      this.orgId = orgId;
      this.wake = () -> node.fallbacks().execute(orgId, this::attempt);
      this.filter = filter;
      this.lastSeq = lastSeq;
      this.clientEpoch = clientEpoch;
      this.deadlineNanos = deadlineNanos;
    }

    synchronized void attempt() {
      if (result.isDone()) {
        return;
      }
      try {
        if (cursor < 0 && !start()) {
          return;
        }
        // Listen before reading, so an event stored during the read still wakes us.
        node.signals().await(orgId, wake);
        List<EventEnvelope> events = readAfterCursor();
        long left = deadlineNanos - System.nanoTime();
        if (!events.isEmpty() || left <= 0) {
          node.signals().cancel(orgId, wake);
          answer(events, true);
        } else if (!timerSet) {
          timerSet = true;
          scheduler.schedule(Duration.ofNanos(left), wake);
        }
      } catch (RuntimeException e) {
        node.signals().cancel(orgId, wake);
        result.complete(
            HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(ErrorBody.of(ErrorCode.LOG_UNAVAILABLE, "event log unavailable; retry")));
      }
    }

    /** The client went away: stop waiting (the answer has nobody to go to). */
    void abandon() {
      if (result.cancel(false)) {
        node.signals().cancel(orgId, wake);
      }
    }

    /** Reads the log position; answers at once (recovered=false) when the cursor is unusable. */
    private boolean start() {
      LogPosition pos = node.log().position();
      epoch = pos.epoch();
      if (lastSeq == null || !pos.canResumeAfter(lastSeq, clientEpoch)) {
        cursor = pos.lastSeq();
        answer(List.of(), false);
        return false;
      }
      cursor = lastSeq;
      return true;
    }

    /** Matching events after the cursor (at most {@link #MAX_EVENTS}); advances the cursor. */
    private List<EventEnvelope> readAfterCursor() {
      CursorRead read =
          CursorRead.after(
              node.log(), orgId, filter, cursor, node.config().getReplayPageSize(), MAX_EVENTS);
      cursor = read.cursor();
      return read.events();
    }

    private void answer(List<EventEnvelope> events, boolean recovered) {
      result.complete(
          HttpResponse.ok(Frames.poll(events, cursor, epoch, recovered))
              .contentType(MediaType.APPLICATION_JSON_TYPE));
    }
  }
}
