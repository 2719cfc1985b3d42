package io.bellhop.events.http;

import io.bellhop.events.EventLog;
import io.bellhop.events.LogPosition;
import io.bellhop.events.stream.StreamNode;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.platform.Roles;
import io.bellhop.platform.TokenVerifier;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Map;

/**
 * {@code GET /v2/realtime/cursor} (snapshot cursor) and {@code GET /v2/realtime/metrics}.
 *
 * <p>Snapshot flow: take the cursor, load state over REST, then open the stream with {@code
 * lastSeq}/{@code epoch} from here — nothing published in between is missed.
 */
@Controller("/v2/realtime")
final class CursorController {
  private final EventLog log;
  private final StreamNode node;

  CursorController(EventLog log, StreamNode node) {
    this.log = log;
    this.node = node;
  }

  @Get("/cursor")
  @Secured(SecurityRule.IS_AUTHENTICATED)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<?> cursor(Authentication authentication) {
    Principal p = TokenVerifier.toPrincipal(authentication);
    if (!p.maySubscribe()) {
      return HttpResponse.status(HttpStatus.FORBIDDEN)
          .body(ErrorBody.of(ErrorCode.FORBIDDEN, "publisher tokens have no stream cursor"));
    }
    LogPosition pos = log.position();
    return HttpResponse.ok(new Cursor(pos.lastSeq(), pos.epoch(), p.orgId()));
  }

  @Get("/metrics")
  @Secured(Roles.OPS)
  Map<String, Object> metrics() {
    return node.metrics().snapshot(node.sockets().stats(StreamNode.ENDPOINT), node.subscriptions());
  }

  /** {@code {"seq":..,"epoch":"..","orgId":".."}}. */
  @Serdeable
  record Cursor(long seq, String epoch, String orgId) {}
}
